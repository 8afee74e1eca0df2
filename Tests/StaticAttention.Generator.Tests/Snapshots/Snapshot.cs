using System.Runtime.CompilerServices;
using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace StaticAttention.Generator.Tests.Snapshots;

/// <summary>
/// A small Verify-style snapshot check. <c>Match(actual, "Name")</c> compares <paramref name="actual"/> with
/// <c>Snapshots/Name.verified.cs</c> beside the calling test's source file. On a mismatch it writes
/// <c>Name.received.cs</c> beside it and fails with a unified diff; with <c>STATICATTENTION_ACCEPT_SNAPSHOTS=1</c> it
/// overwrites the verified file instead. Line endings are normalized to <c>\n</c>.
/// </summary>
public static class Snapshot
{
    public const string AcceptVariable = "STATICATTENTION_ACCEPT_SNAPSHOTS";

    private const int ContextLines = 3;
    private const int MaxDiffLines = 200;

    /// <summary>Whether this run accepts every received snapshot (<c>STATICATTENTION_ACCEPT_SNAPSHOTS=1</c>).</summary>
    public static bool Accepting => Environment.GetEnvironmentVariable(AcceptVariable) == "1";

    /// <summary>Compares with <c>Snapshots/<paramref name="name"/>.verified.cs</c> beside the calling source file.</summary>
    public static void Match(string actual, string name, [CallerFilePath] string callerFilePath = "")
    {
        string directory = Path.Combine(Path.GetDirectoryName(callerFilePath)!, "Snapshots");
        if (!Directory.Exists(directory))
        {
            // A build with mapped source paths (ContinuousIntegrationBuild, PathMap) records "/_/..." as the caller
            // path: find the test project from the output directory instead.
            directory = Path.Combine(FindProjectDirectory() ?? Path.GetDirectoryName(callerFilePath)!, "Snapshots");
        }

        Match(actual, name, directory, Accepting);
    }

    /// <summary>Compares with <c><paramref name="directory"/>/<paramref name="name"/>.verified.cs</c>.</summary>
    public static void Match(string actual, string name, string directory, bool accept)
    {
        string verifiedPath = Path.Combine(directory, name + ".verified.cs");
        string receivedPath = Path.Combine(directory, name + ".received.cs");
        actual = Normalize(actual);

        if (accept)
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verifiedPath, actual);
            File.Delete(receivedPath);
            return;
        }

        if (!File.Exists(verifiedPath))
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(receivedPath, actual);
            throw new SnapshotMismatchException(
                $"No verified snapshot '{verifiedPath}'. The output was written to '{receivedPath}'; review it and " +
                $"rename it to '{name}.verified.cs', or run the tests with {AcceptVariable}=1.");
        }

        string verified = Normalize(File.ReadAllText(verifiedPath));
        if (verified == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual);
        throw new SnapshotMismatchException(
            $"Snapshot '{name}' differs from '{verifiedPath}' (- verified, + received; received written to " +
            $"'{receivedPath}'; run with {AcceptVariable}=1 to accept):\n{UnifiedDiff(verified, actual)}");
    }

    /// <summary>A unified diff of two texts: changed lines with <c>-</c>/<c>+</c> and a few lines of context, in hunks.</summary>
    public static string UnifiedDiff(string expected, string actual)
    {
        // A final newline on both sides would show up as a spurious empty context line.
        if (expected.EndsWith('\n') && actual.EndsWith('\n'))
        {
            expected = expected[..^1];
            actual = actual[..^1];
        }

        List<DiffPiece> lines = InlineDiffBuilder.Diff(expected, actual, ignoreWhiteSpace: false).Lines;
        var builder = new StringBuilder();
        int written = 0;
        int i = 0;
        while (i < lines.Count)
        {
            if (lines[i].Type == ChangeType.Unchanged)
            {
                i++;
                continue;
            }

            // A hunk: context before, then changes and the unchanged runs between them that are short enough to
            // merge, then context after.
            int start = Math.Max(0, i - ContextLines);
            int end = i;
            while (end < lines.Count)
            {
                if (lines[end].Type != ChangeType.Unchanged)
                {
                    end++;
                    continue;
                }

                int run = end;
                while (run < lines.Count && lines[run].Type == ChangeType.Unchanged)
                {
                    run++;
                }

                if (run < lines.Count && run - end <= 2 * ContextLines)
                {
                    end = run;
                    continue;
                }

                end = Math.Min(run, end + ContextLines);
                break;
            }

            builder.Append("@@ ").Append(HunkHeader(lines, start)).Append(" @@\n");
            for (int j = start; j < end; j++)
            {
                if (written++ == MaxDiffLines)
                {
                    builder.Append("... (diff truncated)\n");
                    return builder.ToString();
                }

                char marker = lines[j].Type switch
                {
                    ChangeType.Inserted => '+',
                    ChangeType.Deleted => '-',
                    _ => ' ',
                };
                builder.Append(marker).Append(lines[j].Text).Append('\n');
            }

            i = end;
        }

        return builder.ToString();
    }

    private static string? FindProjectDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "StaticAttention.Generator.Tests.csproj")))
            {
                return directory.FullName;
            }
        }

        return null;
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n');

    // "verified line N, received line M" of the hunk's first line (1-based; the next line on each side when the first
    // line exists only on the other side).
    private static string HunkHeader(List<DiffPiece> lines, int start)
    {
        int verifiedLine = 1;
        int receivedLine = 1;
        for (int j = 0; j < start; j++)
        {
            if (lines[j].Type != ChangeType.Inserted)
            {
                verifiedLine++;
            }

            if (lines[j].Type != ChangeType.Deleted)
            {
                receivedLine++;
            }
        }

        return $"verified line {verifiedLine}, received line {receivedLine}";
    }
}

/// <summary>Thrown when a snapshot does not match its verified file (or that file is missing).</summary>
public sealed class SnapshotMismatchException(string message) : Exception(message);
