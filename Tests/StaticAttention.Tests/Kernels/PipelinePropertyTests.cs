using StaticAttention.Reference;

namespace StaticAttention.Tests.Kernels;

/// <summary>The kernels composed as the generator composes them agree with the double-precision reference on random layers.</summary>
public class PipelinePropertyTests
{
    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (int seed = 0; seed < 250; seed++)
        {
            seeds.Add(seed);
        }

        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void KernelsMatchReference(int seed)
    {
        var layer = RandomLayer.Create(seed);
        var s = layer.Spec;
        int outputLength = layer.Batch * s.QueryTokens * s.ModelDim;
        int weightsLength = s.ReturnWeights ? layer.Batch * s.Heads * s.QueryTokens * s.KeyTokens : 0;

        var expected = new float[outputLength];
        var expectedWeights = new float[weightsLength];
        ReferenceAttention.Forward(s, layer.Weights, layer.Batch, layer.Query, layer.Key, layer.Value, layer.ValidLengths, layer.Mask, expected, expectedWeights);

        var actual = new float[outputLength];
        var actualWeights = new float[weightsLength];
        KernelPipeline.Forward(s, layer.Weights, layer.Batch, layer.Query, layer.Key, layer.Value, layer.ValidLengths, layer.Mask, actual, actualWeights);

        Tolerance.AssertClose(expected, actual, $"output of {layer}", 1e-4);
        Tolerance.AssertClose(expectedWeights, actualWeights, $"weights of {layer}", 1e-4);
    }

    [Fact]
    public void RandomLayersCoverEveryOption()
    {
        // Guards the generator of random layers: 250 seeds reach every projection, mask kind and flag.
        var seen = new HashSet<string>();
        for (int seed = 0; seed < 250; seed++)
        {
            var s = RandomLayer.Create(seed).Spec;
            seen.Add(s.Projections.ToString());
            seen.Add((s.Mask & ~AttentionMask.Causal).ToString());
            if ((s.Mask & AttentionMask.Causal) != 0) seen.Add("Causal");
            if (s.SelfAttention) seen.Add("self"); else seen.Add("cross");
            if (s.KvHeads != s.Heads) seen.Add("gqa");
            if (s.QueryWidth != s.ModelDim) seen.Add("headDim");
            if (s.QkvBias) seen.Add("qkvBias");
            if (s.OutputBias) seen.Add("outputBias");
            if (s.RelativePositionBias) seen.Add("relative");
            if (s.ReturnWeights) seen.Add("weights");
            if (s.Scale != 1f / MathF.Sqrt(s.HeadDim)) seen.Add("scale");
            if (s.Projections == Projections.Separate && s.KeySize != s.QuerySize && s.ValueSize != s.KeySize) seen.Add("sizes");
            if (s.Projections == Projections.Fused && !s.SelfAttention) seen.Add("fusedCross");
            if ((s.Mask & AttentionMask.Causal) != 0 && s.Mask != AttentionMask.Causal) seen.Add("causalCombined");
        }

        string[] wanted =
        [
            "Fused", "Separate", "None", "ValidLengths", "ValidLengthsPerQuery", "KeepMask", "KeyPaddingMask", "Causal",
            "self", "cross", "gqa", "headDim", "qkvBias", "outputBias", "relative", "weights", "scale", "sizes", "fusedCross", "causalCombined",
        ];
        Assert.All(wanted, w => Assert.Contains(w, seen));
    }
}
