using StaticAttention.Reference;
using StaticAttention.Tests.Kernels;

namespace StaticAttention.Tests.Reference;

/// <summary>The reference and the composed CPU kernels reproduce every PyTorch fixture (1e-4 relative to the largest |value|).</summary>
public class FixtureParityTests
{
    public static TheoryData<string> Names() => new(FixtureCase.Names);

    [Theory]
    [MemberData(nameof(Names))]
    public void ReferenceMatchesPyTorch(string name) => Check(FixtureCase.Load(name), ReferenceAttention.Forward, "reference");

    [Theory]
    [MemberData(nameof(Names))]
    public void KernelsMatchPyTorch(string name) => Check(FixtureCase.Load(name), KernelPipeline.Forward, "kernels");

    private delegate void Layer(
        AttentionLayerSpec spec, Weights.AttentionWeights weights, int batch,
        ReadOnlySpan<float> query, ReadOnlySpan<float> key, ReadOnlySpan<float> value,
        ReadOnlySpan<int> validLengths, ReadOnlySpan<bool> mask, Span<float> output, Span<float> attentionWeights);

    private static void Check(FixtureCase c, Layer layer, string what)
    {
        var output = new float[c.ExpectedOutput.Length];
        var weights = new float[c.ExpectedWeights.Length];
        layer(c.Spec, c.Weights, c.Batch, c.Query, c.Key, c.Value, c.ValidLengths, c.Mask, output, weights);
        Tolerance.AssertClose(c.ExpectedOutput, output, 1e-4, $"{what} output of {c.Name}");
        Tolerance.AssertClose(c.ExpectedWeights, weights, 1e-4, $"{what} weights of {c.Name}");
    }
}
