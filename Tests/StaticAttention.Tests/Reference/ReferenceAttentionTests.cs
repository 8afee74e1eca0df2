using StaticAttention.Reference;
using StaticAttention.Weights;

namespace StaticAttention.Tests.Reference;

/// <summary>Hand-computed whole layers for <see cref="ReferenceAttention"/>.</summary>
public class ReferenceAttentionTests
{
    [Fact]
    public void NoProjectionsOneHeadIsPlainAttention()
    {
        // x = [[0], [ln 3]], scale 1: row 0 scores [0, 0] -> [1/2, 1/2]; row 1 scores [0, ln²3]
        var spec = AttentionLayerSpec.Create("L", 1, 1, 2, 2, projections: Projections.None, returnWeights: true, scale: 1f, selfAttention: true);
        float l3 = MathF.Log(3);
        float[] x = [0, l3];
        var output = new float[2];
        var weights = new float[4];
        ReferenceAttention.Forward(spec, new AttentionWeights(), 1, x, x, x, default, default, output, weights);

        double e = Math.Exp((double)l3 * l3);
        Assert.Equal(0.5, weights[0], 6);
        Assert.Equal(0.5, weights[1], 6);
        Assert.Equal(1 / (1 + e), weights[2], 6);
        Assert.Equal(l3 / 2, output[0], 6);
        Assert.Equal(l3 * e / (1 + e), output[1], 5);
    }

    [Fact]
    public void SeparateProjectionsAndBiasesApply()
    {
        // One head of width 1, one key: the weight is 1, so output = Wo·(Wv·v + bv) + bo.
        var spec = AttentionLayerSpec.Create("L", 1, 1, 1, 1, querySize: 2, keySize: 3, valueSize: 2,
            projections: Projections.Separate, qkvBias: true, outputBias: true);
        var w = new AttentionWeights
        {
            Query = [1, 1], QueryBias = [0],
            Key = [1, 1, 1], KeyBias = [0],
            Value = [2, 3], ValueBias = [1],
            Output = [10], OutputBias = [0.5f],
        };
        var output = new float[1];
        ReferenceAttention.Forward(spec, w, 1, [1, 2], [1, 1, 1], [1, 1], default, default, output, default);
        Assert.Equal(10 * (2 + 3 + 1) + 0.5f, output[0], 4);
    }

    [Fact]
    public void FusedRowsProjectQueryKeyValueInOrder()
    {
        // Model width 1, one head, one token: q row 0, k row 1, v row 2 of the fused matrix; v = 4·x.
        var spec = AttentionLayerSpec.Create("L", 1, 1, 1, 1, projections: Projections.Fused, selfAttention: true);
        var w = new AttentionWeights { Fused = [2, 3, 4], Output = [1] };
        var output = new float[2];
        ReferenceAttention.Forward(spec, w, 2, [1, -2], [1, -2], [1, -2], default, default, output, default);
        Assert.Equal([4f, -8f], output);
    }

    [Fact]
    public void FullyPaddedRowGivesZerosNotNaN()
    {
        var spec = AttentionLayerSpec.Create("L", 1, 1, 2, 2, projections: Projections.None, mask: AttentionMask.KeyPaddingMask, returnWeights: true, selfAttention: true);
        var output = new float[2];
        var weights = new float[4];
        ReferenceAttention.Forward(spec, new AttentionWeights(), 1, [1, 2], [1, 2], [1, 2], default, [true, true], output, weights);
        Assert.Equal([0f, 0f], output);
        Assert.Equal([0f, 0f, 0f, 0f], weights);
    }

    [Fact]
    public void NaNInputPropagates()
    {
        var spec = AttentionLayerSpec.Create("L", 1, 1, 2, 2, projections: Projections.None, selfAttention: true);
        var output = new float[2];
        float[] x = [float.NaN, 1];
        ReferenceAttention.Forward(spec, new AttentionWeights(), 1, x, x, x, default, default, output, default);
        Assert.True(float.IsNaN(output[0]) && float.IsNaN(output[1]));
    }

    [Fact]
    public void WrongLengthsThrow()
    {
        var spec = AttentionLayerSpec.Create("L", 1, 2, 2, 2, projections: Projections.None, mask: AttentionMask.ValidLengths, selfAttention: true);
        float[] x = new float[4];
        var e = Assert.Throws<ArgumentException>(() =>
            ReferenceAttention.Forward(spec, new AttentionWeights(), 1, x, x, x, [1], default, new float[3], default));
        Assert.Equal("output", e.ParamName);
        e = Assert.Throws<ArgumentException>(() =>
            ReferenceAttention.Forward(spec, new AttentionWeights(), 1, x, x, x, [1, 1], default, new float[4], default));
        Assert.Equal("validLengths", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            ReferenceAttention.Forward(spec, new AttentionWeights(), 1, x, x, x, [3], default, new float[4], default));
    }
}
