using StaticAttention.Reference;
using StaticAttention.Tests.Kernels;

namespace StaticAttention.Tests.Reference;

/// <summary>The reference and the composed CPU kernels reproduce every PyTorch fixture (1e-4 relative to the largest |value|).</summary>
public class HandMappedFixtureTests
{
    public static TheoryData<string> Names() => new(HandMappedFixture.Names);

    [Theory]
    [MemberData(nameof(Names))]
    public void ReferenceMatchesPyTorch(string name) => Check(HandMappedFixture.Load(name), ReferenceAttention.Forward, "reference");

    [Theory]
    [MemberData(nameof(Names))]
    public void KernelsMatchPyTorch(string name) => Check(HandMappedFixture.Load(name), KernelPipeline.Forward, "kernels");

    private delegate void Layer(
        AttentionLayerSpec spec, global::StaticAttention.Weights.AttentionWeights weights, int batch,
        ReadOnlySpan<float> query, ReadOnlySpan<float> key, ReadOnlySpan<float> value,
        ReadOnlySpan<int> validLengths, ReadOnlySpan<bool> mask, Span<float> output, Span<float> attentionWeights);

    private static void Check(HandMappedFixture c, Layer layer, string what)
    {
        var output = new float[c.ExpectedOutput.Length];
        var weights = new float[c.ExpectedWeights.Length];
        layer(c.Spec, c.Weights, c.Batch, c.Query, c.Key, c.Value, c.ValidLengths, c.Mask, output, weights);
        Tolerance.AssertClose(c.ExpectedOutput, output, $"{what} output of {c.Name}", 1e-4);
        Tolerance.AssertClose(c.ExpectedWeights, weights, $"{what} weights of {c.Name}", 1e-4);
    }
}
