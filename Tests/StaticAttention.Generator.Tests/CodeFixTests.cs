using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using StaticAttention.CodeFixes;
using StaticAttention.Generator.Diagnostics;

namespace StaticAttention.Generator.Tests;

/// <summary>
/// The code fixes of StaticAttention.CodeFixes, run by Roslyn's code-fix test harness offline (.NET 10 reference
/// assemblies from Basic.Reference.Assemblies): the diagnostic before, the fixed source after, and no diagnostic left.
/// </summary>
public sealed class CodeFixTests
{
    [Fact]
    public Task SA0015_makes_the_class_partial() => Verify<MakePartialCodeFix>(
        """
        using StaticAttention;

        [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8)]
        public sealed class {|SA0015:Layer|};
        """,
        """
        using StaticAttention;

        [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8)]
        public sealed partial class Layer;
        """);

    [Fact]
    public Task SA0015_makes_a_stack_partial() => Verify<MakePartialCodeFix>(
        """
        using StaticAttention;

        [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8)]
        public partial class Block;

        [LayerStack(typeof(Block), typeof(Block))]
        public sealed class {|SA0015:Encoder|};
        """,
        """
        using StaticAttention;

        [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8)]
        public partial class Block;

        [LayerStack(typeof(Block), typeof(Block))]
        public sealed partial class Encoder;
        """);

    [Theory]
    [InlineData(10, 768, 8)]
    [InlineData(5, 64, 4)]
    [InlineData(7, 48, 6)]
    public Task SA0001_sets_Heads_to_the_nearest_divisor(int heads, int modelDim, int fixedHeads) => Verify<NearestDivisorHeadsCodeFix>(
        $$"""
        using StaticAttention;

        [MultiHeadAttention(ModelDim = {{modelDim}}, {|SA0001:Heads = {{heads}}|}, Tokens = 8)]
        public partial class Layer;
        """,
        $$"""
        using StaticAttention;

        [MultiHeadAttention(ModelDim = {{modelDim}}, Heads = {{fixedHeads}}, Tokens = 8)]
        public partial class Layer;
        """);

    [Theory]
    [InlineData("QueryTokens")]
    [InlineData("KeyTokens")]
    public Task SA0006_turns_the_one_length_into_Tokens(string given) => Verify<UseTokensCodeFix>(
        $$"""
        using StaticAttention;

        [MultiHeadAttention(Heads = 4, ModelDim = 64, {|SA0006:{{given}} = 16|})]
        public partial class Layer;
        """,
        """
        using StaticAttention;

        [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 16)]
        public partial class Layer;
        """);

    [Fact]
    public Task SA0006_without_any_length_offers_no_fix() => Verify<UseTokensCodeFix>(
        """
        using StaticAttention;

        [{|SA0006:MultiHeadAttention|}(Heads = 4, ModelDim = 64)]
        public partial class Layer;
        """,
        fixedSource: null);

    private static async Task Verify<TCodeFix>(string source, string? fixedSource)
        where TCodeFix : CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<GeneratorDiagnosticsAnalyzer, TCodeFix, DefaultVerifier>
        {
            TestCode = source,
            FixedCode = fixedSource ?? source,
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
        };
        test.TestState.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net100.References.All);
        test.TestState.AdditionalReferences.Add(typeof(MultiHeadAttentionAttribute).Assembly);
        await test.RunAsync(TestContext.Current.CancellationToken);
    }
}

/// <summary>
/// Test-only: reports the generator's diagnostics as an analyzer, because the code-fix harness takes its diagnostics
/// from an analyzer. (In an IDE, code fixes see generator diagnostics directly.)
/// </summary>
#pragma warning disable RS1036, RS1038, RS1041 // a test double that never ships in a compiler
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GeneratorDiagnosticsAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [.. typeof(DiagnosticDescriptors)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Select(field => field.GetValue(null))
        .OfType<DiagnosticDescriptor>()];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        // Per document (the harness fixes only document-local diagnostics): run the generator, keep this tree's diagnostics.
        context.RegisterSemanticModelAction(static model =>
        {
            GeneratorDriver driver = CSharpGeneratorDriver.Create(
                [new AttentionGenerator().AsSourceGenerator()],
                parseOptions: (CSharpParseOptions)model.SemanticModel.SyntaxTree.Options);
            driver.RunGeneratorsAndUpdateCompilation(model.SemanticModel.Compilation, out _, out ImmutableArray<Diagnostic> diagnostics, model.CancellationToken);
            foreach (Diagnostic diagnostic in diagnostics)
            {
                if (diagnostic.Location.SourceTree == model.SemanticModel.SyntaxTree) model.ReportDiagnostic(diagnostic);
            }
        });
    }
}
#pragma warning restore RS1036, RS1038, RS1041
