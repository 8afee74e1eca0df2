using StaticAttention.Internal.Cpu;
using StaticAttention.Internal.Threading;

namespace StaticAttention.Tests.Kernels;

/// <summary>
/// The blocked kernels (both vector widths, one and two threads) against <see cref="SimpleAttention.Forward"/> on
/// random shapes that reach every edge: one query row, key counts and head dims that are not multiples of the width,
/// GQA, strided (fused) inputs, every mask kind with and without causal, the relative bias, weights output and NaNs.
/// </summary>
public class AttentionCoreFastPathTests
{
    private static readonly int[] KeyCounts = [1, 7, 8, 9, 16, 17, 31, 32, 33, 65, 129, 200];
    private static readonly int[] HeadDims = [1, 3, 8, 24, 64, 80, 128];
    private static readonly WorkerPool Pool = CoreCase.Pool;

    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (int seed = 0; seed < 120; seed++) seeds.Add(seed);
        return seeds;
    }


    private static CoreCase Draw(int seed)
    {
        var rng = new Random(seed);
        int nk = KeyCounts[rng.Next(KeyCounts.Length)];
        int d = HeadDims[rng.Next(HeadDims.Length)];
        bool self = rng.Next(2) == 0;
        int nq = self ? nk : (rng.Next(3) == 0 ? 1 : rng.Next(1, 70));
        int kvHeads = rng.Next(1, 3);
        int heads = kvHeads * rng.Next(1, 3);
        int batch = rng.Next(1, 3);
        var kind = (AttentionMask)(rng.Next(5) switch { 0 => 0, var n => 1 << (n - 1) });
        if (rng.Next(2) == 0) kind |= AttentionMask.Causal;
        int qStride = heads * d + rng.Next(3), kvStride = kvHeads * d + rng.Next(3);
        float amplitude = rng.Next(3) == 0 ? 4f : 1f; // sometimes peaky softmaxes
        float[] q = RandomLayer.Values(rng, batch * nq * qStride, amplitude);
        float[] k = RandomLayer.Values(rng, batch * nk * kvStride, amplitude);
        float[] v = RandomLayer.Values(rng, batch * nk * kvStride, 1);
        if (rng.Next(8) == 0) (rng.Next(2) == 0 ? k : v)[rng.Next(k.Length)] = float.NaN;

        int[] lengths = (kind & ~AttentionMask.Causal) switch
        {
            AttentionMask.ValidLengths => Enumerable.Range(0, batch).Select(_ => rng.Next(nk + 1)).ToArray(),
            AttentionMask.ValidLengthsPerQuery => Enumerable.Range(0, batch * nq).Select(_ => rng.Next(nk + 1)).ToArray(),
            _ => [],
        };
        bool[] mask = (kind & ~AttentionMask.Causal) switch
        {
            AttentionMask.KeepMask => Enumerable.Range(0, batch * nq * nk).Select(_ => rng.Next(4) != 0).ToArray(),
            AttentionMask.KeyPaddingMask => Enumerable.Range(0, batch * nk).Select(_ => rng.Next(4) == 0).ToArray(),
            _ => [],
        };
        float[] table = nq == nk && rng.Next(2) == 0 ? RandomLayer.Values(rng, (2 * nq - 1) * heads, 2) : [];
        float scale = 1f / MathF.Sqrt(d) * (rng.Next(2) == 0 ? 1f : 0.5f + (float)rng.NextDouble());
        return new CoreCase(q, qStride, k, v, kvStride, batch, heads, kvHeads, d, nq, nk, scale, kind, lengths, mask, table, rng.Next(2) == 0);
    }


    [Theory]
    [MemberData(nameof(Seeds))]
    public void BlockedKernelsMatchThePlainLoop(int seed)
    {
        CoreCase c = Draw(seed);
        var (expected, expectedWeights) = c.Run(simple: true, wide: false, 1);
        foreach (bool wide in new[] { false, true })
        {
            var (context, weights) = c.Run(simple: false, wide, 1);
            Tolerance.AssertClose(expected, context, $"context ({(wide ? 512 : 256)}) of {c}", 1e-5);
            Tolerance.AssertClose(expectedWeights, weights, $"weights ({(wide ? 512 : 256)}) of {c}", 1e-5);

            // Zero rows (every key -inf) are exact zeros, as in the plain loop.
            for (int n = 0; n < expected.Length; n++)
            {
                if (expected[n] == 0f && !float.IsNaN(context[n])) Assert.True(context[n] == 0f || Math.Abs(context[n]) < 1e-6f);
            }

            var (context2, weights2) = c.Run(simple: false, wide, 2);
            Assert.Equal(context, context2);
            Assert.Equal(weights, weights2);
        }
    }

    [Fact]
    public void LongSequencesSplitOverQueryBlocksGiveTheSameBits()
    {
        // B1 H2 N300: (b, h) pairs are split into query blocks; one and two threads agree bit for bit, and with the plain loop.
        var rng = new Random(5);
        const int n = 300, h = 2, d = 24;
        float[] x = RandomLayer.Values(rng, n * h * d, 2);
        var c = new CoreCase(x, h * d, x, x, h * d, 1, h, h, d, n, n, 0.3f, AttentionMask.Causal, [], [], [], true);
        var (expected, expectedWeights) = c.Run(simple: true, wide: false, 1);
        foreach (bool wide in new[] { false, true })
        {
            var (context, weights) = c.Run(simple: false, wide, 1);
            Tolerance.AssertClose(expected, context, "context", 1e-5);
            Tolerance.AssertClose(expectedWeights, weights, "weights", 1e-5);
            var (context2, weights2) = c.Run(simple: false, wide, 2);
            Assert.Equal(context, context2);
            Assert.Equal(weights, weights2);
        }
    }

    [Fact]
    public void NaNKeyBehindPaddedKeysStillGivesNaN()
    {
        // Row scores [NaN, -inf]: the plain loop's max is NaN, so the row is NaN, not a zero row.
        foreach (bool wide in new[] { false, true })
        {
            var c = new CoreCase([1], 1, [float.NaN, 1], [1, 2], 1, 1, 1, 1, 1, 1, 2, 1f, AttentionMask.KeyPaddingMask, [], [false, true], [], true);
            var (context, weights) = c.Run(simple: false, wide, 1);
            Assert.True(float.IsNaN(context[0]));
            Assert.All(weights, w => Assert.True(float.IsNaN(w)));
        }
    }

    [Fact]
    public void PooledForwardDoesNotAllocate()
    {
        var c = Draw(3);
        var context = new float[c.Batch * c.Nq * c.Heads * c.HeadDim];
        var weights = new float[c.Batch * c.Heads * c.Nq * c.Nk];
        var scratch = new float[AttentionCore.ScratchLength(c.Nk)];
        for (int pass = 0; pass < 2; pass++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            AttentionCore.Forward(
                c.Q, c.QStride, c.K, c.V, c.KvStride, c.Batch, c.Heads, c.KvHeads, c.HeadDim, c.Nq, c.Nk, c.Scale,
                c.Kind, c.ValidLengths, c.Mask, c.Table, context, weights, scratch, Pool, 2);
            if (pass == 1) Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        }
    }
}
