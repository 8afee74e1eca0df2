namespace StaticAttention.Generator.Tests.Snapshots;

/// <summary>The snapshot helper itself, run against a temporary directory.</summary>
public sealed class SnapshotTests : IDisposable
{
    private const string Verified = "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\n";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "StaticAttention.SnapshotTests." + Guid.NewGuid().ToString("N"));

    public SnapshotTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string VerifiedPath => Path.Combine(_directory, "Layer.verified.cs");

    private string ReceivedPath => Path.Combine(_directory, "Layer.received.cs");

    [Fact]
    public void Match_passes_and_removes_a_stale_received_file()
    {
        File.WriteAllText(VerifiedPath, Verified);
        File.WriteAllText(ReceivedPath, "stale");

        Snapshot.Match(Verified, "Layer", _directory, accept: false);

        Assert.False(File.Exists(ReceivedPath));
    }

    [Fact]
    public void Match_ignores_line_ending_differences()
    {
        File.WriteAllText(VerifiedPath, Verified.Replace("\n", "\r\n"));

        Snapshot.Match(Verified, "Layer", _directory, accept: false);

        Assert.False(File.Exists(ReceivedPath));
    }

    [Fact]
    public void Mismatch_writes_received_and_fails_with_a_diff_around_the_change()
    {
        File.WriteAllText(VerifiedPath, Verified);
        string actual = Verified.Replace("line 5\n", "line five\n");

        var error = Assert.Throws<SnapshotMismatchException>(() => Snapshot.Match(actual, "Layer", _directory, accept: false));

        Assert.Equal(actual, File.ReadAllText(ReceivedPath));
        Assert.Equal(Verified, File.ReadAllText(VerifiedPath));
        Assert.Contains(ReceivedPath, error.Message);
        Assert.Contains(Snapshot.AcceptVariable, error.Message);
        string diff = error.Message[error.Message.IndexOf("@@", StringComparison.Ordinal)..];
        Assert.Equal(
            "@@ verified line 2, received line 2 @@\n" +
            " line 2\n line 3\n line 4\n-line 5\n+line five\n line 6\n line 7\n line 8\n",
            diff);
    }

    [Fact]
    public void Mismatch_diff_splits_distant_changes_into_hunks_and_merges_near_ones()
    {
        string expected = string.Concat(Enumerable.Range(1, 30).Select(i => $"line {i}\n"));
        string actual = expected.Replace("line 2\n", "line two\n").Replace("line 25\n", "") + "line 31\n";

        string diff = Snapshot.UnifiedDiff(expected, actual);

        Assert.Equal(
            "@@ verified line 1, received line 1 @@\n" +
            " line 1\n-line 2\n+line two\n line 3\n line 4\n line 5\n" +
            "@@ verified line 22, received line 22 @@\n" +
            " line 22\n line 23\n line 24\n-line 25\n line 26\n line 27\n line 28\n line 29\n line 30\n+line 31\n",
            diff);
    }

    [Fact]
    public void Missing_verified_file_fails_and_writes_received()
    {
        var error = Assert.Throws<SnapshotMismatchException>(() => Snapshot.Match(Verified, "Layer", _directory, accept: false));

        Assert.Contains("No verified snapshot", error.Message);
        Assert.Equal(Verified, File.ReadAllText(ReceivedPath));
        Assert.False(File.Exists(VerifiedPath));
    }

    [Fact]
    public void Accept_mode_overwrites_the_verified_file_with_normalized_text_and_passes()
    {
        File.WriteAllText(VerifiedPath, "old\n");
        File.WriteAllText(ReceivedPath, "old received\n");

        Snapshot.Match(Verified.Replace("\n", "\r\n"), "Layer", _directory, accept: true);

        Assert.Equal(Verified, File.ReadAllText(VerifiedPath));
        Assert.False(File.Exists(ReceivedPath));
    }

    [Fact]
    public void Accept_mode_creates_a_missing_verified_file()
    {
        Snapshot.Match(Verified, "Layer", _directory, accept: true);

        Assert.Equal(Verified, File.ReadAllText(VerifiedPath));
    }
}
