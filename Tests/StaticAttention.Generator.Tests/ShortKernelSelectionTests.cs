namespace StaticAttention.Generator.Tests;

/// <summary>
/// Which layers get their attention core written out as an <c>IShortAttentionKernel</c> (at most 32 query and key tokens,
/// a head of at most 128, no weights output, no mask but causal) and which call the runtime's general
/// <c>AttentionCore.Forward</c> (or <c>ForwardProjected</c>, which runs it after a fused projection); either way the output compiles without a warning.
/// </summary>
public sealed class ShortKernelSelectionTests
{
    public static TheoryData<string, bool> Layers => new()
    {
        { "Heads = 1, ModelDim = 128, Tokens = 32", true },
        { "Heads = 2, ModelDim = 8, Tokens = 1, Projections = Projections.None, Mask = AttentionMask.Causal", true },
        { "Heads = 4, ModelDim = 64, Tokens = 8, RelativePositionBias = true, Mask = AttentionMask.Causal", true },
        { "Heads = 4, KvHeads = 2, HeadDim = 24, ModelDim = 40, QueryTokens = 3, KeyTokens = 32, Projections = Projections.Separate", true },
        { "Heads = 1, ModelDim = 128, Tokens = 33", false }, // remarks: 33 tokens (more than 32)
        { "Heads = 2, ModelDim = 32, QueryTokens = 33, KeyTokens = 4", false },
        { "Heads = 2, ModelDim = 32, QueryTokens = 4, KeyTokens = 33", false },
        { "Heads = 1, ModelDim = 129, Tokens = 8", false },
        { "Heads = 2, ModelDim = 32, Tokens = 8, ReturnWeights = true", false },
        { "Heads = 2, ModelDim = 32, Tokens = 8, Mask = AttentionMask.KeyPaddingMask", false },
        { "Heads = 2, ModelDim = 32, Tokens = 8, Mask = AttentionMask.ValidLengths | AttentionMask.Causal", false },
    };

    [Theory, MemberData(nameof(Layers))]
    public void OnlyLayersWithinTheBoundsGetTheWrittenOutKernel(string arguments, bool expected)
    {
        GeneratorRun run = GeneratorHarness.Run(
            $$"""
            using StaticAttention;

            namespace Samples.Attention;

            [MultiHeadAttention({{arguments}})]
            public partial class Layer;
            """);

        Assert.True(run.GeneratorDiagnostics.IsEmpty, GeneratorRun.Describe(run.GeneratorDiagnostics));
        string text = run.SingleSource("Samples.Attention.Layer.g.cs");
        run.AssertCompilesCleanly();

        Assert.Equal(expected, text.Contains("internal readonly struct AttentionKernel : global::StaticAttention.Internal.Cpu.IShortAttentionKernel", StringComparison.Ordinal));
        Assert.Equal(expected, text.Contains("AttentionCore.ForwardShort<AttentionKernel>(", StringComparison.Ordinal));
        // The runtime's core: through Forward, or with a fused self-attention projection through ForwardProjected.
        Assert.Equal(!expected, text.Contains("AttentionCore.Forward(", StringComparison.Ordinal) || text.Contains("AttentionCore.ForwardProjected<QkvShape>(", StringComparison.Ordinal));
        Assert.Equal(expected, text.Contains("using global::System.Runtime.Intrinsics;", StringComparison.Ordinal));
        Assert.DoesNotContain("ScratchLength(KeyTokens)", text, StringComparison.Ordinal);
        Assert.Equal(!expected, text.Contains("not a kernel written out for this shape: ", StringComparison.Ordinal)); // the remarks say why
    }
}
