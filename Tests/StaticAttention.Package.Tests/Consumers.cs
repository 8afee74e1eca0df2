using System.Security;
using System.Text;

namespace StaticAttention.Package.Tests;

/// <summary>
/// Writes the files every consumer shares, in the fixture's temporary folder: a <c>nuget.config</c> that clears the
/// inherited sources and lists the local feed (the only source of <c>StaticAttention</c>, by package source mapping)
/// plus the machine's usual sources, and empty <c>Directory.Build.props</c>/<c>.targets</c>/<c>Directory.Packages.props</c>
/// so nothing above the folder leaks in. Consumer builds get their own empty NuGet caches.
/// </summary>
public static class Consumers
{
    public const string LocalSourceName = "staticattention-local";

    /// <summary>Prepares the shared files and returns the environment for consumer builds.</summary>
    public static async Task<Dictionary<string, string>> PrepareAsync(PackageFixture fixture, CancellationToken cancellationToken)
    {
        // The sources this machine normally restores from (read before our nuget.config exists).
        DotNetResult list = await DotNet.RunAsync(fixture.Root, null, cancellationToken, "nuget", "list", "source", "--format", "Short");
        Assert.True(list.ExitCode == 0, list.Describe());
        List<string> machineSources = list.Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("E ", StringComparison.Ordinal))
            .Select(line => line[2..].Trim())
            .Where(source => !string.Equals(Path.GetFullPath(source, fixture.Root), fixture.Feed, StringComparison.Ordinal))
            .ToList();

        var config = new StringBuilder();
        config.AppendLine("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
        config.AppendLine("<configuration>");
        config.AppendLine("  <packageSources>");
        config.AppendLine("    <clear />");
        config.AppendLine($"    <add key=\"{LocalSourceName}\" value=\"{SecurityElement.Escape(fixture.Feed)}\" />");
        for (int i = 0; i < machineSources.Count; i++)
        {
            config.AppendLine($"    <add key=\"machine-{i}\" value=\"{SecurityElement.Escape(machineSources[i])}\" />");
        }

        config.AppendLine("  </packageSources>");
        config.AppendLine("  <packageSourceMapping>");
        config.AppendLine($"    <packageSource key=\"{LocalSourceName}\"><package pattern=\"StaticAttention\" /></packageSource>");
        for (int i = 0; i < machineSources.Count; i++)
        {
            config.AppendLine($"    <packageSource key=\"machine-{i}\"><package pattern=\"*\" /></packageSource>");
        }

        config.AppendLine("  </packageSourceMapping>");
        config.AppendLine("</configuration>");
        await File.WriteAllTextAsync(Path.Combine(fixture.Root, "nuget.config"), config.ToString(), cancellationToken);
        foreach (string name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            await File.WriteAllTextAsync(Path.Combine(fixture.Root, name), "<Project />\n", cancellationToken);
        }

        return new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = Path.Combine(fixture.Root, "nuget-packages"),
            ["NUGET_HTTP_CACHE_PATH"] = Path.Combine(fixture.Root, "nuget-http-cache"),
        };
    }

    /// <summary>
    /// A new console project as <c>dotnet new console</c> writes it (plus warnings as errors, so generated code
    /// that warns fails the test; NuGet's audit of an unreachable source excepted), with <paramref name="program"/> as its <c>Program.cs</c>.
    /// </summary>
    public static string CreateProject(PackageFixture fixture, string name, string program, string? packageVersion)
    {
        string directory = Path.Combine(fixture.Root, name);
        Directory.CreateDirectory(directory);
        string reference = packageVersion is null
            ? ""
            : $"""

                <ItemGroup>
                  <PackageReference Include="StaticAttention" Version="{packageVersion}" />
                </ItemGroup>
              """;
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <!-- NuGet's audit warns when a source is unreachable: the network's business, not the package's. -->
                <WarningsNotAsErrors>NU1900</WarningsNotAsErrors>
              </PropertyGroup>{reference}
            </Project>

            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), program);
        return directory;
    }
}
