using System.Text.RegularExpressions;
using System.Xml.Linq;

[assembly: AssemblyFixture(typeof(StaticAttention.Package.Tests.PackageFixture))]

namespace StaticAttention.Package.Tests;

/// <summary>
/// Packs the <c>StaticAttention</c> package once per test run, with <c>dotnet pack</c> of the repository's runtime
/// project in Release (as a release would), into a temporary local feed outside the repository. Consumer projects
/// are created beside that feed, so they inherit nothing from the repository (<c>Directory.Build.props</c>, central
/// package versions, <c>global.json</c>) and see the package the way a user does. Everything lives in one temporary
/// folder, deleted at the end (kept when <c>STATICATTENTION_KEEP_PACKAGE_TEMP=1</c>, to look at after a failure).
/// </summary>
public sealed partial class PackageFixture : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private PackedPackage? _package;
    private Exception? _failure;
    private Dictionary<string, string>? _consumerEnvironment;

    public PackageFixture()
    {
        RepositoryRoot = FindRepositoryRoot();
        Root = Path.Combine(Path.GetTempPath(), "staticattention-package-" + Guid.NewGuid().ToString("N")[..10]);
        if (Path.GetFullPath(Root).StartsWith(RepositoryRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The temporary folder {Root} is inside the repository {RepositoryRoot}; consumers there would inherit its build files.");
        }

        Directory.CreateDirectory(Root);
        Feed = Path.Combine(Root, "feed");
        Directory.CreateDirectory(Feed);
    }

    /// <summary>The repository (the folder of <c>StaticAttention.sln</c>).</summary>
    public string RepositoryRoot { get; }

    /// <summary>The temporary folder holding the feed, the NuGet caches and the consumer projects.</summary>
    public string Root { get; }

    /// <summary>The local package source <c>dotnet pack</c> writes to.</summary>
    public string Feed { get; }

    /// <summary>
    /// The packed package, packing it on first use. A pack failure is thrown again to every test that asks, with the
    /// whole <c>dotnet pack</c> output.
    /// </summary>
    public async Task<PackedPackage> GetPackageAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_failure is not null)
            {
                throw new InvalidOperationException("Packing failed earlier: " + _failure.Message, _failure);
            }

            if (_package is null)
            {
                try
                {
                    _package = await PackAsync(cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _failure = e;
                    throw;
                }
            }

            return _package;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<PackedPackage> PackAsync(CancellationToken cancellationToken)
    {
        string project = Path.Combine(RepositoryRoot, "Runtime", "StaticAttention", "StaticAttention.csproj");
        DotNetResult pack = await DotNet.RunAsync(
            RepositoryRoot, environment: null, cancellationToken,
            "pack", project, "-c", "Release", "-o", Feed, "--nologo", "--disable-build-servers");
        if (pack.ExitCode != 0)
        {
            throw new InvalidOperationException("dotnet pack failed. " + pack.Describe());
        }

        string[] packages = Directory.GetFiles(Feed, "StaticAttention.*.nupkg");
        if (packages.Length != 1)
        {
            throw new InvalidOperationException(
                $"Expected one StaticAttention .nupkg in {Feed}, found [{string.Join(", ", packages.Select(Path.GetFileName))}]. " + pack.Describe());
        }

        Match version = PackageFileName().Match(Path.GetFileName(packages[0]));
        if (!version.Success)
        {
            throw new InvalidOperationException($"Cannot read a version from {packages[0]}.");
        }

        return new PackedPackage(packages[0], version.Groups["version"].Value, pack);
    }

    /// <summary>
    /// The environment for consumer builds (empty NuGet caches in the temporary folder), writing the consumers'
    /// shared <c>nuget.config</c> and build files on first use.
    /// </summary>
    public async Task<Dictionary<string, string>> GetConsumerEnvironmentAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _consumerEnvironment ??= await Consumers.PrepareAsync(this, cancellationToken);
            return _consumerEnvironment;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The <c>&lt;Version&gt;</c> of <c>Directory.Build.props</c>, the one place the version is set.</summary>
    public string DeclaredVersion()
    {
        XDocument props = XDocument.Load(Path.Combine(RepositoryRoot, "Directory.Build.props"));
        return props.Descendants("Version").Single().Value.Trim();
    }

    public async ValueTask DisposeAsync()
    {
        _gate.Dispose();
        if (Environment.GetEnvironmentVariable("STATICATTENTION_KEEP_PACKAGE_TEMP") == "1")
        {
            return;
        }

        for (int attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                if (Directory.Exists(Root))
                {
                    Directory.Delete(Root, recursive: true);
                }

                return;
            }
            catch (IOException) when (attempt < 2)
            {
                await Task.Delay(500);
            }
            catch (UnauthorizedAccessException) when (attempt < 2)
            {
                await Task.Delay(500);
            }
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StaticAttention.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No StaticAttention.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"^StaticAttention\.(?<version>\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\.nupkg$")]
    private static partial Regex PackageFileName();
}

/// <summary>The package <c>dotnet pack</c> wrote: its path, its version, and the pack run (for messages).</summary>
public sealed record PackedPackage(string Path, string Version, DotNetResult Pack);
