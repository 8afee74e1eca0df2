using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace StaticAttention.Generator.Tests;

/// <summary>
/// Runs <see cref="AttentionGenerator"/> over in-memory sources, the way a user project would: C# latest, nullable
/// enabled, a library without <c>AllowUnsafeBlocks</c>, referencing a fixed .NET 10 reference set
/// (Basic.Reference.Assemblies) plus the StaticAttention runtime, never the test AppDomain's assemblies.
/// </summary>
internal static class GeneratorHarness
{
    public const string AssemblyName = "StaticAttention.UserProject";

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        allowUnsafe: false,
        // What `dotnet build` uses for a .NET 10 project (AnalysisLevel latest): every warning wave is on.
        warningLevel: 9999,
        deterministic: true,
        // As the SDK does (its default NoWarn is 1701;1702): ILGPU, which generated kernels use, is built against an
        // older System.Runtime, and unifying that reference with .NET 10's is not a problem of the user's code.
        specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic>
        {
            ["CS1701"] = ReportDiagnostic.Suppress,
            ["CS1702"] = ReportDiagnostic.Suppress,
        });

    /// <summary>.NET 10 reference assemblies, the runtime assembly and whatever non-framework assembly it depends on.</summary>
    public static readonly ImmutableArray<MetadataReference> References = CreateReferences();

    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CSharpCompilation.Create(
            AssemblyName,
            sources.Select((source, i) => Parse(source, $"Source{i}.cs")),
            References,
            CompilationOptions);

    public static SyntaxTree Parse(string source, string path) =>
        CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new AttentionGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs a fresh driver over <paramref name="sources"/> (the first one is the "user" file).</summary>
    public static GeneratorRun Run(params string[] sources) => Run(CreateDriver(), CreateCompilation(sources));

    /// <summary>Runs <paramref name="driver"/> (fresh or from an earlier run) over <paramref name="compilation"/>.</summary>
    public static GeneratorRun Run(GeneratorDriver driver, CSharpCompilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _, TestContext.Current.CancellationToken);
        return new GeneratorRun(compilation, output, driver, driver.GetRunResult());
    }

    private static ImmutableArray<MetadataReference> CreateReferences()
    {
        Assembly runtime = typeof(MultiHeadAttentionAttribute).Assembly;
        string directory = Path.GetDirectoryName(runtime.Location)!;
        var references = ImmutableArray.CreateBuilder<MetadataReference>();
        references.AddRange(Basic.Reference.Assemblies.Net100.References.All);
        references.Add(MetadataReference.CreateFromFile(runtime.Location));

        // If the runtime grows a package dependency (ILGPU, ...), generated code may need it too; such assemblies
        // are copied beside the runtime, while framework assemblies are not and come from the reference set above.
        foreach (AssemblyName dependency in runtime.GetReferencedAssemblies())
        {
            string path = Path.Combine(directory, dependency.Name + ".dll");
            if (File.Exists(path))
            {
                references.Add(MetadataReference.CreateFromFile(path));
            }
        }

        return references.ToImmutable();
    }
}

/// <summary>One generator run: its input and output compilations, the driver (to run again) and the run result.</summary>
internal sealed record GeneratorRun(
    CSharpCompilation InputCompilation,
    Compilation OutputCompilation,
    GeneratorDriver Driver,
    GeneratorDriverRunResult RunResult)
{
    public GeneratorRunResult Result => Assert.Single(RunResult.Results);

    public ImmutableArray<GeneratedSourceResult> GeneratedSources => Result.GeneratedSources;

    /// <summary>The diagnostics the generator reported (SA0001...).</summary>
    public ImmutableArray<Diagnostic> GeneratorDiagnostics => Result.Diagnostics;

    /// <summary>The compiler's diagnostics for the user code plus the generated code.</summary>
    public ImmutableArray<Diagnostic> CompilationDiagnostics =>
        OutputCompilation.GetDiagnostics(TestContext.Current.CancellationToken);

    public SyntaxTree UserTree => InputCompilation.SyntaxTrees.First();

    public IEnumerable<SyntaxTree> GeneratedTrees => GeneratedSources.Select(source => source.SyntaxTree);

    /// <summary>The generated layer files, without the compilation-wide dimension markers.</summary>
    public ImmutableArray<GeneratedSourceResult> LayerSources =>
        [.. GeneratedSources.Where(source => source.HintName != DimensionsHintName)];

    /// <summary>The text of <c>StaticAttention.Dimensions.g.cs</c>, or null when none was generated.</summary>
    public string? DimensionsSource =>
        GeneratedSources.Where(source => source.HintName == DimensionsHintName).Select(source => source.SourceText.ToString()).SingleOrDefault();

    public const string DimensionsHintName = "StaticAttention.Dimensions.g.cs";

    /// <summary>Fails unless the generator wrote exactly one layer file, named <paramref name="hintName"/>; returns its text.</summary>
    public string SingleSource(string hintName)
    {
        GeneratedSourceResult source = Assert.Single(LayerSources);
        Assert.Equal(hintName, source.HintName);
        return source.SourceText.ToString();
    }

    /// <summary>Fails, listing them, when the output compilation has any warning or error (warnings count as errors).</summary>
    public void AssertCompilesCleanly()
    {
        Diagnostic[] problems = CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        if (problems.Length == 0)
        {
            problems = [.. Emit()];
        }

        Assert.True(problems.Length == 0, "The output compilation has diagnostics:\n" + Describe(problems));
    }

    /// <summary>Fails when any error of the output compilation is located in a generated file.</summary>
    public void AssertNoErrorInGeneratedCode()
    {
        var generated = GeneratedTrees.ToHashSet();
        Diagnostic[] inGenerated = CompilationDiagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree is { } tree && generated.Contains(tree))
            .ToArray();
        Assert.True(inGenerated.Length == 0, "Errors in generated code:\n" + Describe(inGenerated));
    }

    public static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join("\n", diagnostics.Select(d => $"  {d.Location.GetLineSpan()}: {d.Id} {d.Severity}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}"));

    private ImmutableArray<Diagnostic> Emit()
    {
        using var stream = new MemoryStream();
        var result = OutputCompilation.Emit(stream, cancellationToken: TestContext.Current.CancellationToken);
        return result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();
    }
}
