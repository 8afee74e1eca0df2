using StaticAttention.Internal.Cpu;

namespace StaticAttention.Tests.Kernels;

/// <summary>Hand-computed cases for <see cref="AttentionCore"/>, contiguous heads (row stride = heads·headDim).</summary>
public class AttentionCoreTests
{
    private static (float[] Context, float[] Weights) Run(
        float[] q, float[] k, float[] v, int heads, int kvHeads, int headDim, int queryTokens, int keyTokens,
        int batch = 1, float scale = 1f, AttentionMask kind = AttentionMask.None,
        int[]? validLengths = null, bool[]? mask = null, float[]? table = null)
    {
        var context = new float[batch * queryTokens * heads * headDim];
        var weights = new float[batch * heads * queryTokens * keyTokens];
        AttentionCore.Forward(
            q, heads * headDim, k, v, kvHeads * headDim, batch, heads, kvHeads, headDim, queryTokens, keyTokens, scale,
            kind, validLengths, mask, table, context, weights, new float[AttentionCore.ScratchLength(keyTokens)]);
        return (context, weights);
    }

    private static void Near(float[] expected, float[] actual, float tolerance = 1e-6f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int n = 0; n < expected.Length; n++)
        {
            Assert.True(Math.Abs(expected[n] - actual[n]) <= tolerance, $"element {n}: {actual[n]} != {expected[n]}");
        }
    }

    [Fact]
    public void OneHeadTwoKeysKnownSoftmax()
    {
        // scores [0, ln 3] -> weights [1/4, 3/4]; context = 2/4 + 3·6/4 = 5
        var (context, weights) = Run(q: [1], k: [0, MathF.Log(3)], v: [2, 6], 1, 1, 1, 1, 2);
        Near([0.25f, 0.75f], weights);
        Near([5f], context, 1e-5f);
    }

    [Fact]
    public void ScaleMultipliesTheDotProduct()
    {
        // q·k = [0, 2·ln 3], scale 1/2 -> the same [1/4, 3/4]
        var (_, weights) = Run(q: [2, 0], k: [0, 0, MathF.Log(3), 5], v: [0, 0, 0, 0], 1, 1, 2, 1, 2, scale: 0.5f);
        Near([0.25f, 0.75f], weights);
    }

    [Fact]
    public void ValidLengthZeroGivesUniformWeights()
    {
        var (_, weights) = Run(q: [1, 1], k: [1, 2, 3, 1, 2, 3], v: [1, 2, 3, 1, 2, 3], 1, 1, 1, 1, 3, batch: 2, kind: AttentionMask.ValidLengths, validLengths: [0, 1]);
        Near([1f / 3, 1f / 3, 1f / 3, 1, 0, 0], weights);
    }

    [Fact]
    public void ValidLengthsPerQueryReadOneLengthPerRow()
    {
        var (context, weights) = Run(
            q: [0, 0], k: [0, 0, 0], v: [3, 6, 9], 1, 1, 1, 2, 3, kind: AttentionMask.ValidLengthsPerQuery, validLengths: [1, 2]);
        Near([1, 0, 0, 0.5f, 0.5f, 0], weights);
        Near([3, 4.5f], context);
    }

    [Fact]
    public void KeepMaskAllFalseGivesUniformWeights()
    {
        var (_, weights) = Run(q: [1], k: [5, -5], v: [0, 0], 1, 1, 1, 1, 2, kind: AttentionMask.KeepMask, mask: [false, false]);
        Near([0.5f, 0.5f], weights);
    }

    [Fact]
    public void KeepMaskFalseHidesThatKey()
    {
        var (context, weights) = Run(q: [1], k: [5, -5], v: [7, 8], 1, 1, 1, 1, 2, kind: AttentionMask.KeepMask, mask: [false, true]);
        Near([0, 1], weights);
        Near([8], context);
    }

    [Fact]
    public void KeyPaddingAllTrueGivesZeros()
    {
        var (context, weights) = Run(q: [1], k: [1, 2], v: [7, 8], 1, 1, 1, 1, 2, kind: AttentionMask.KeyPaddingMask, mask: [true, true]);
        Assert.Equal([0f, 0f], weights);
        Assert.Equal([0f], context);
    }

    [Fact]
    public void KeyPaddingIsPerBatchItem()
    {
        var (context, _) = Run(q: [0, 0], k: [0, 0, 0, 0], v: [2, 4, 6, 8], 1, 1, 1, 1, 2, batch: 2, kind: AttentionMask.KeyPaddingMask, mask: [false, true, false, false]);
        Near([2, 7], context);
    }

    [Fact]
    public void CausalRowZeroAttendsOnlyKeyZero()
    {
        var (context, weights) = Run(q: [1, 1, 1], k: [0, 0, 0], v: [3, 6, 9], 1, 1, 1, 3, 3, kind: AttentionMask.Causal);
        Near([1, 0, 0, 0.5f, 0.5f, 0, 1f / 3, 1f / 3, 1f / 3], weights);
        Near([3, 4.5f, 6], context);
    }

    [Fact]
    public void CausalAppliesAfterReplacements()
    {
        // Valid length 0: every key is -1e6, then causal hides j > i, so row i is uniform over keys 0..i.
        var (_, weights) = Run(q: [1, 1], k: [1, 2], v: [0, 0], 1, 1, 1, 2, 2,
            kind: AttentionMask.ValidLengths | AttentionMask.Causal, validLengths: [0]);
        Near([1, 0, 0.5f, 0.5f], weights);
    }

    [Fact]
    public void CausalWithPaddedFirstKeyGivesAZeroRow()
    {
        var (context, weights) = Run(q: [1, 1], k: [1, 2], v: [5, 5], 1, 1, 1, 2, 2,
            kind: AttentionMask.KeyPaddingMask | AttentionMask.Causal, mask: [true, false]);
        Near([0, 0, 0, 1], weights);
        Near([0, 5], context);
    }

    [Fact]
    public void RelativePositionBiasReadsTableAtIMinusJPlusTMinusOne()
    {
        // q = 0, so scores are the bias alone. T = 2, table [3, 1]: bias[i, j] = table[i - j + 1].
        float[] table = [0, MathF.Log(3), 0];
        var (_, weights) = Run(q: [0, 0], k: [1, 1], v: [0, 0], 1, 1, 1, 2, 2, table: table);

        // row 0: [table[1], table[0]] = [ln 3, 0]; row 1: [table[2], table[1]] = [0, ln 3]
        Near([0.75f, 0.25f, 0.25f, 0.75f], weights);
    }

    [Fact]
    public void GroupedQueryHeadsReadTheirKvHead()
    {
        // 4 query heads, 2 kv heads, one key: context of head h is v of kv head h / 2.
        var (context, _) = Run(q: [1, 1, 1, 1], k: [1, 1], v: [10, 20], 4, 2, 1, 1, 1);
        Near([10, 10, 20, 20], context);
    }

    [Fact]
    public void NaNInQueryPropagates()
    {
        var (context, weights) = Run(q: [float.NaN], k: [1, 2], v: [1, 2], 1, 1, 1, 1, 2);
        Assert.All(weights, w => Assert.True(float.IsNaN(w)));
        Assert.True(float.IsNaN(context[0]));
    }

    [Fact]
    public void NaNInValuePropagates()
    {
        var (context, _) = Run(q: [1], k: [1, 2], v: [float.NaN, 2], 1, 1, 1, 1, 2);
        Assert.True(float.IsNaN(context[0]));
    }

    [Fact]
    public void StridedFusedSlicesMatchContiguousInputs()
    {
        // A fused [rows, q | k | v] buffer passed as column slices gives the same result as separate copies.
        const int heads = 2, kvHeads = 1, d = 3, n = 4, batch = 2;
        int qw = heads * d, kvw = kvHeads * d, stride = qw + 2 * kvw;
        float[] fused = RandomLayer.Values(new Random(7), batch * n * stride, 1);
        float[] q = new float[batch * n * qw], k = new float[batch * n * kvw], v = new float[batch * n * kvw];
        for (int r = 0; r < batch * n; r++)
        {
            fused.AsSpan(r * stride, qw).CopyTo(q.AsSpan(r * qw));
            fused.AsSpan(r * stride + qw, kvw).CopyTo(k.AsSpan(r * kvw));
            fused.AsSpan(r * stride + qw + kvw, kvw).CopyTo(v.AsSpan(r * kvw));
        }

        var (expected, expectedWeights) = Run(q, k, v, heads, kvHeads, d, n, n, batch, kind: AttentionMask.Causal);
        var context = new float[batch * n * qw];
        var weights = new float[batch * heads * n * n];
        AttentionCore.Forward(
            fused, stride, fused.AsSpan(qw), fused.AsSpan(qw + kvw), stride, batch, heads, kvHeads, d, n, n, 1f,
            AttentionMask.Causal, default, default, default, context, weights, new float[n]);
        Assert.Equal(expected, context);
        Assert.Equal(expectedWeights, weights);
    }

    [Fact]
    public void EmptyWeightsSpanSkipsWeights()
    {
        var context = new float[1];
        AttentionCore.Forward([1], 1, [0, MathF.Log(3)], [2, 6], 1, 1, 1, 1, 1, 1, 2, 1f, AttentionMask.None, default, default, default, context, default, new float[2]);
        Near([5f], context, 1e-5f);
    }

    [Fact]
    public void ForwardDoesNotAllocate()
    {
        float[] q = new float[16], k = new float[16], v = new float[16], context = new float[16], weights = new float[32], scratch = new float[4];
        AttentionCore.Forward(q, 4, k, v, 4, 1, 2, 2, 2, 4, 4, 1f, AttentionMask.Causal, default, default, default, context, weights, scratch);
        long before = GC.GetAllocatedBytesForCurrentThread();
        AttentionCore.Forward(q, 4, k, v, 4, 1, 2, 2, 2, 4, 4, 1f, AttentionMask.Causal, default, default, default, context, weights, scratch);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
