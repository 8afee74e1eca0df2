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

    [Theory]
    [InlineData("{|SA0026:SlidingWindow = 4|}", "SlidingWindow = 4, Mask = AttentionMask.Causal")]
    [InlineData("Mask = AttentionMask.None, {|SA0026:Alibi = true|}", "Mask = AttentionMask.Causal, Alibi = true")]
    [InlineData("{|SA0026:CacheTokens = 16|}, Mask = 0", "CacheTokens = 16, Mask = AttentionMask.Causal")]
    public Task SA0026_adds_Causal_to_Mask(string arguments, string fixedArguments) => Verify<AddCausalCodeFix>(
        $$"""
        using StaticAttention;

        [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, {{arguments}})]
        public partial class Layer;
        """,
        $$"""
        using StaticAttention;

        [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, {{fixedArguments}})]
        public partial class Layer;
        """);

    [Fact]
    public Task SA0026_ors_Causal_into_a_written_mask() => Verify<AddCausalCodeFix>(
        """
        using StaticAttention;

        [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, Mask = AttentionMask.KeyPaddingMask, {|SA0026:{|SA0031:Alibi = true|}|})]
        public partial class Layer;
        """,
        // This release runs ALiBi with no other mask (SA0031), which the fix leaves to the user.
        """
        using StaticAttention;

        [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, Mask = AttentionMask.KeyPaddingMask | AttentionMask.Causal, {|SA0031:Alibi = true|})]
        public partial class Layer;
        """);

    [Fact]
    public Task SA0026_adds_Mask_once_for_every_option_that_needs_it_and_keeps_the_line_layout() => Verify<AddCausalCodeFix>(
        """
        using StaticAttention;

        [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8,
            {|SA0026:SlidingWindow = 4|}, {|SA0026:CacheTokens = 16|} // a decoder
        )]
        public partial class Layer;
        """,
        """
        using StaticAttention;

        [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8,
            SlidingWindow = 4, CacheTokens = 16, Mask = AttentionMask.Causal // a decoder
        )]
        public partial class Layer;
        """,
        iterations: 1);

    [Fact]
    public Task SA0026_writes_Causal_as_qualified_as_the_file_needs() => Verify<AddCausalCodeFix>(
        """
        [StaticAttention.MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, {|SA0026:Alibi = true|})]
        public partial class Layer;
        """,
        """
        [StaticAttention.MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, Alibi = true, Mask = StaticAttention.AttentionMask.Causal)]
        public partial class Layer;
        """);

    [Theory]
    [InlineData("ModelDim = 64, {|SA0028:RotaryDims = 7|}", "ModelDim = 64, RotaryDims = 6")] // odd: the even number below
    [InlineData("ModelDim = 64, {|SA0028:RotaryDims = 18|}", "ModelDim = 64, RotaryDims = 16")] // too large: HeadDim
    [InlineData("HeadDim = 8, ModelDim = 64, {|SA0028:RotaryDims = 9|}", "HeadDim = 8, ModelDim = 64, RotaryDims = 8")]
    [InlineData("HeadDim = 15, ModelDim = 64, {|SA0028:RotaryDims = 17|}", "HeadDim = 15, ModelDim = 64, RotaryDims = 14")] // an odd HeadDim: the even number below it
    [InlineData("HeadDim = 15, ModelDim = 64, {|SA0028:RotaryDims = 0|}", "HeadDim = 15, ModelDim = 64, RotaryDims = 14")]
    public Task SA0028_makes_RotaryDims_even_and_at_most_HeadDim(string arguments, string fixedArguments) => Verify<EvenRotaryDimsCodeFix>(
        $$"""
        using StaticAttention;

        [MultiHeadAttention(Heads = 4, {{arguments}}, Tokens = 8, Rotary = RotaryEmbedding.RotateHalf)]
        public partial class Layer;
        """,
        $$"""
        using StaticAttention;

        [MultiHeadAttention(Heads = 4, {{fixedArguments}}, Tokens = 8, Rotary = RotaryEmbedding.RotateHalf)]
        public partial class Layer;
        """);

    [Fact]
    public Task SA0028_adds_an_even_RotaryDims_when_HeadDim_is_odd() => Verify<EvenRotaryDimsCodeFix>(
        """
        using StaticAttention;

        [MultiHeadAttention(Heads = 4, ModelDim = 60, Tokens = 8, {|SA0028:Rotary = RotaryEmbedding.Interleaved|})]
        public partial class Layer;
        """,
        """
        using StaticAttention;

        [MultiHeadAttention(Heads = 4, ModelDim = 60, Tokens = 8, Rotary = RotaryEmbedding.Interleaved, RotaryDims = 14)]
        public partial class Layer;
        """);

    [Theory]
    [InlineData("RotaryDims = -2")]
    [InlineData("RotaryDims = 1")] // 0 would mean all of HeadDim
    public Task SA0028_offers_no_fix_without_an_obvious_value(string rotaryDims) => Verify<EvenRotaryDimsCodeFix>(
        $$"""
        using StaticAttention;

        [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, Rotary = RotaryEmbedding.RotateHalf, {|SA0028:{{rotaryDims}}|})]
        public partial class Layer;
        """,
        fixedSource: null);

    [Fact]
    public Task SA0029_adds_Rotary() => Verify<AddRotaryCodeFix>(
        """
        using StaticAttention;

        [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, {|SA0029:RotaryBase = 500000f|})]
        public partial class Layer;
        """,
        """
        using StaticAttention;

        [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, RotaryBase = 500000f, Rotary = RotaryEmbedding.RotateHalf)]
        public partial class Layer;
        """);

    [Fact]
    public Task SA0029_replaces_Rotary_None_once_for_both_options() => Verify<AddRotaryCodeFix>(
        """
        using StaticAttention;

        [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, Rotary = RotaryEmbedding.None, {|SA0029:RotaryDims = 8|}, {|SA0029:RotaryBase = 1000000f|})]
        public partial class Layer;
        """,
        """
        using StaticAttention;

        [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, Rotary = RotaryEmbedding.RotateHalf, RotaryDims = 8, RotaryBase = 1000000f)]
        public partial class Layer;
        """,
        iterations: 1);

    private static async Task Verify<TCodeFix>(string source, string? fixedSource, int? iterations = null)
        where TCodeFix : CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<GeneratorDiagnosticsAnalyzer, TCodeFix, DefaultVerifier>
        {
            TestCode = source,
            FixedCode = fixedSource ?? source,
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
        };
        if (iterations is int count)
        {
            test.NumberOfIncrementalIterations = count;
            test.NumberOfFixAllIterations = count;
        }
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
