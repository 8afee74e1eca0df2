using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace StaticAttention.Package.Tests;

/// <summary>
/// How a user meets the library: <c>dotnet pack</c> output in a local feed, a new console project outside the
/// repository that references only the package, from empty NuGet caches. The tests of this class run one after the
/// other and share one pack (<see cref="PackageFixture"/>).
/// </summary>
public sealed partial class PackageTests(PackageFixture fixture)
{
    [Fact]
    public async Task Package_holds_the_runtime_the_generator_the_readme_and_the_metadata()
    {
        PackedPackage package = await fixture.GetPackageAsync(TestContext.Current.CancellationToken);
        Assert.Equal(fixture.DeclaredVersion(), package.Version);

        using ZipArchive zip = ZipFile.OpenRead(package.Path);
        string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
        string listing = string.Join('\n', entries);
        Assert.Contains("lib/net10.0/StaticAttention.dll", entries);
        Assert.Contains("lib/net10.0/StaticAttention.xml", entries);
        Assert.Contains("analyzers/dotnet/cs/StaticAttention.Generator.dll", entries);
        Assert.Contains("README.md", entries);
        bool hasCodeFixes = File.Exists(Path.Combine(fixture.RepositoryRoot, "Generator", "StaticAttention.CodeFixes", "StaticAttention.CodeFixes.csproj"));
        Assert.Equal(hasCodeFixes, entries.Contains("analyzers/dotnet/cs/StaticAttention.CodeFixes.dll"));

        // Nothing else is shipped as a library or an analyzer: no Roslyn, no generator in lib/.
        string[] allowed = ["lib/net10.0/StaticAttention.dll", "lib/net10.0/StaticAttention.xml",
            "analyzers/dotnet/cs/StaticAttention.Generator.dll", "analyzers/dotnet/cs/StaticAttention.CodeFixes.dll"];
        string[] unexpected = entries.Where(e => (e.StartsWith("lib/", StringComparison.Ordinal) || e.StartsWith("analyzers/", StringComparison.Ordinal)) && !allowed.Contains(e)).ToArray();
        Assert.True(unexpected.Length == 0, $"Unexpected files in the package: {string.Join(", ", unexpected)}\n{listing}");

        ZipArchiveEntry nuspecEntry = zip.Entries.Single(e => e.FullName == "StaticAttention.nuspec");
        XDocument nuspec;
        using (Stream stream = nuspecEntry.Open())
        {
            nuspec = XDocument.Load(stream);
        }

        XNamespace ns = nuspec.Root!.Name.Namespace;
        XElement metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal("StaticAttention", metadata.Element(ns + "id")?.Value);
        Assert.Equal(package.Version, metadata.Element(ns + "version")?.Value);
        XElement license = metadata.Element(ns + "license")!;
        Assert.Equal("expression", license.Attribute("type")?.Value);
        Assert.Equal("MIT", license.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
        Assert.Equal("https://github.com/staticattention/staticattention", metadata.Element(ns + "repository")?.Attribute("url")?.Value);
        Assert.Equal("https://github.com/staticattention/staticattention", metadata.Element(ns + "projectUrl")?.Value);
        Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value));
        Assert.Contains("attention", metadata.Element(ns + "tags")?.Value ?? "", StringComparison.Ordinal);

        // The generator and the code fixes are private to the build: the package depends on ILGPU alone (the GPU path).
        string[] dependencies = metadata.Descendants(ns + "dependency").Select(d => (string?)d.Attribute("id") ?? "").Distinct().ToArray();
        Assert.True(dependencies is ["ILGPU"], $"The package should depend on ILGPU only, has {string.Join(", ", dependencies)}.\n{nuspec}");
    }

    [Fact]
    public async Task A_new_project_with_only_the_package_builds_and_runs_a_layer()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        PackedPackage package = await fixture.GetPackageAsync(cancellationToken);
        Dictionary<string, string> environment = await fixture.GetConsumerEnvironmentAsync(cancellationToken);
        string project = Consumers.CreateProject(fixture, "Consumer", TinyLayer.Program, packageVersion: null);

        // The README's install step.
        DotNetResult add = await DotNet.RunAsync(project, environment, cancellationToken, "add", "package", "StaticAttention");
        Assert.True(add.ExitCode == 0, add.Describe());
        string csproj = await File.ReadAllTextAsync(Path.Combine(project, "Consumer.csproj"), cancellationToken);
        Assert.Contains($"<PackageReference Include=\"StaticAttention\" Version=\"{package.Version}\" />", csproj, StringComparison.Ordinal);

        DotNetResult build = await DotNet.RunAsync(project, environment, cancellationToken, "build", "--nologo", "--disable-build-servers");
        Assert.True(build.ExitCode == 0, build.Describe());

        // It restored our package, from the local feed into the empty cache, and its one dependency (ILGPU, which has
        // none on .NET), nothing else.
        using (JsonDocument assets = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(project, "obj", "project.assets.json"), cancellationToken)))
        {
            string[] libraries = assets.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(["ILGPU/1.5.3", $"StaticAttention/{package.Version}"], libraries);
        }

        Assert.True(Directory.Exists(Path.Combine(environment["NUGET_PACKAGES"], "staticattention", package.Version)));

        string checkpoint = Path.Combine(project, "tiny.safetensors");
        string dll = Path.Combine(project, "bin", "Debug", "net10.0", "Consumer.dll");
        DotNetResult run = await DotNet.RunAsync(project, environment, cancellationToken, dll, checkpoint);
        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.True(File.Exists(checkpoint), "The consumer did not write its checkpoint. " + run.Describe());

        Assert.Contains($"shape: Heads={TinyLayer.Heads} HeadDim={TinyLayer.ModelDim / TinyLayer.Heads} ModelDim={TinyLayer.ModelDim} Tokens={TinyLayer.Tokens}", run.Output, StringComparison.Ordinal);
        Match line = OutputLine().Match(run.Output);
        Assert.True(line.Success, "No output line. " + run.Describe());
        float[] actual = line.Groups["values"].Value
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(v => float.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture))
            .ToArray();

        float[] expected = TinyLayer.Expected();
        Assert.True(expected.Length == actual.Length, $"Expected {expected.Length} values, got {actual.Length}. " + run.Describe());
        float largest = expected.Max(MathF.Abs);
        Assert.True(largest > 0.01f, "The reference output is too small to be a meaningful check.");
        float tolerance = 1e-4f * largest;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(
                MathF.Abs(actual[i] - expected[i]) <= tolerance,
                $"output[{i}] = {actual[i]:R}, reference {expected[i]:R} (tolerance {tolerance:R}). " + run.Describe());
        }

        Match checksum = ChecksumLine().Match(run.Output);
        Assert.True(checksum.Success, "No checksum line. " + run.Describe());
        double expectedSum = expected.Sum(v => (double)v);
        Assert.True(
            Math.Abs(double.Parse(checksum.Groups["sum"].Value, CultureInfo.InvariantCulture) - expectedSum) <= tolerance * expected.Length,
            $"checksum {checksum.Groups["sum"].Value}, reference {expectedSum:R}. " + run.Describe());
    }

    [Fact]
    public async Task A_misconfigured_layer_fails_to_build_with_SA0001_on_Heads()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        PackedPackage package = await fixture.GetPackageAsync(cancellationToken);
        Dictionary<string, string> environment = await fixture.GetConsumerEnvironmentAsync(cancellationToken);
        const string program = """
            using StaticAttention;

            [MultiHeadAttention(Heads = 5, ModelDim = 64, Tokens = 8)]
            public partial class Misconfigured;

            public static class Program
            {
                public static void Main() => System.Console.WriteLine("this must not compile");
            }

            """;
        string project = Consumers.CreateProject(fixture, "Misconfigured", program, package.Version);

        DotNetResult build = await DotNet.RunAsync(project, environment, cancellationToken, "build", "--nologo", "--disable-build-servers");
        Assert.True(build.ExitCode != 0, "The build should have failed. " + build.Describe());

        // Reported on `Heads = 5`: line 3, column of "Heads" (1-based), with the message the README quotes.
        string[] lines = program.Split('\n');
        int row = Array.FindIndex(lines, l => l.Contains("Heads = 5", StringComparison.Ordinal)) + 1;
        int column = lines[row - 1].IndexOf("Heads = 5", StringComparison.Ordinal) + 1;
        Assert.Matches(new Regex($@"Program\.cs\({row},{column}\): error SA0001: ModelDim 64 is not divisible by Heads 5"), build.Output);

        // SA0001 is the only error: the generator wrote nothing for the invalid layer, and nothing else broke.
        string[] errors = ErrorCode().Matches(build.Output).Select(m => m.Groups["code"].Value).Distinct().ToArray();
        Assert.True(errors.SequenceEqual(["SA0001"]), $"Errors: {string.Join(", ", errors)}. " + build.Describe());
    }

    [GeneratedRegex(@"^output: (?<values>.*)$", RegexOptions.Multiline)]
    private static partial Regex OutputLine();

    [GeneratedRegex(@"^checksum: (?<sum>\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex ChecksumLine();

    [GeneratedRegex(@"error (?<code>[A-Z]+[0-9]+):")]
    private static partial Regex ErrorCode();
}
