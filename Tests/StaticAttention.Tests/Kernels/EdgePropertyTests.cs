using StaticAttention.Internal.Cpu;
using StaticAttention.Reference;

namespace StaticAttention.Tests.Kernels;

/// <summary>
/// The composed kernels against the reference on layers drawn from the kernels' edge cases (head dims 1, 3, 24, 64,
/// 80, 128; lengths 1 to 70, on both sides of the short-sequence limit and of every vector width), at both widths.
/// </summary>
public sealed class EdgePropertyTests
{
    public static TheoryData<int, VectorWidth> Cases()
    {
        var cases = new TheoryData<int, VectorWidth>();
        for (int seed = 1000; seed < 1040; seed++)
        {
            cases.Add(seed, VectorWidth.Vector256);
            cases.Add(seed, VectorWidth.Vector512);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EdgeLayersMatchReference(int seed, VectorWidth width)
    {
        using var forced = CpuKernel.Force(width);
        var layer = RandomLayer.Create(seed, edges: true);
        var s = layer.Spec;
        var expected = new float[layer.Batch * s.QueryTokens * s.ModelDim];
        var expectedWeights = new float[s.ReturnWeights ? layer.Batch * s.Heads * s.QueryTokens * s.KeyTokens : 0];
        ReferenceAttention.Forward(s, layer.Weights, layer.Batch, layer.Query, layer.Key, layer.Value, layer.ValidLengths, layer.Mask, expected, expectedWeights);

        var actual = new float[expected.Length];
        var actualWeights = new float[expectedWeights.Length];
        KernelPipeline.Forward(s, layer.Weights, layer.Batch, layer.Query, layer.Key, layer.Value, layer.ValidLengths, layer.Mask, actual, actualWeights);

        Tolerance.AssertClose(expected, actual, $"output of {layer} at {width}");
        Tolerance.AssertClose(expectedWeights, actualWeights, $"weights of {layer} at {width}");
    }
}
