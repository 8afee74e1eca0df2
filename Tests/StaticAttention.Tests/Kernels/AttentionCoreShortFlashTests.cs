using StaticAttention.Internal.Cpu;
using StaticAttention.Internal.Threading;

namespace StaticAttention.Tests.Kernels;

/// <summary>
/// The key-major short kernel (at most <see cref="AttentionCore.ShortKeys"/> keys) and the flash kernel (more keys, no
/// weights output) against <see cref="SimpleAttention.Forward"/>, in both vector widths, one and two threads bit for
/// bit: every key count 1..16 with every mask kind ± causal, the bias, GQA, weights and NaNs; long heads whose key
/// counts are not multiples of the block, causal skipping, masks, NaN rows and all-masked rows.
/// </summary>
public class AttentionCoreShortFlashTests
{
    private static readonly int[] HeadDims = [1, 3, 24, 64, 80, 128];
    private static readonly int[] LongKeyCounts = [17, 32, 40, 48, 63, 64, 65, 80, 100, 129, 144, 200]; // 32, 48, 80, 144: a last block of whole Vector512s


    public static TheoryData<int> ShortSeeds()
    {
        // Key counts 1..16, each with every mask kind, causal on odd seeds.
        var seeds = new TheoryData<int>();
        for (int seed = 0; seed < 160; seed += 2) seeds.Add(seed + (seed / 10 % 2));
        return seeds;
    }

    public static TheoryData<int> LongSeeds()
    {
        var seeds = new TheoryData<int>();
        for (int seed = 0; seed < 60; seed++) seeds.Add(seed);
        return seeds;
    }

    private static CoreCase Draw(Random rng, int nk, int nq, int d, AttentionMask kind, bool weights, int maxPairs)
    {
        int kvHeads = rng.Next(1, 3);
        int heads = kvHeads * rng.Next(1, 3);
        int batch = rng.Next(1, 3);
        if (batch * heads > maxPairs) (batch, heads, kvHeads) = heads > maxPairs ? (1, 1, 1) : (1, heads, kvHeads);
        int qStride = heads * d + rng.Next(3), kvStride = kvHeads * d + rng.Next(3);
        float amplitude = rng.Next(3) == 0 ? 4f : 1f; // sometimes peaky softmaxes, whose running max grows
        float[] q = RandomLayer.Values(rng, batch * nq * qStride, amplitude);
        float[] k = RandomLayer.Values(rng, batch * nk * kvStride, amplitude);
        float[] v = RandomLayer.Values(rng, batch * nk * kvStride, 1);
        if (rng.Next(6) == 0)
        {
            float[] poisoned = rng.Next(3) switch { 0 => q, 1 => k, _ => v };
            poisoned[rng.Next(poisoned.Length)] = float.NaN;
        }


        int[] lengths = (kind & ~AttentionMask.Causal) switch
        {
            AttentionMask.ValidLengths => Enumerable.Range(0, batch).Select(_ => rng.Next(nk + 1)).ToArray(),
            AttentionMask.ValidLengthsPerQuery => Enumerable.Range(0, batch * nq).Select(_ => rng.Next(4) == 0 ? 0 : rng.Next(nk + 1)).ToArray(),
            _ => [],
        };
        bool allMasked = rng.Next(4) == 0; // a batch item whose keys are all masked
        bool[] mask = (kind & ~AttentionMask.Causal) switch
        {
            AttentionMask.KeepMask => Enumerable.Range(0, batch * nq * nk).Select(n => !(allMasked && n < nq * nk) && rng.Next(4) != 0).ToArray(),
            AttentionMask.KeyPaddingMask => Enumerable.Range(0, batch * nk).Select(n => (allMasked && n < nk) || rng.Next(4) == 0).ToArray(),
            _ => [],
        };
        float[] table = nq == nk && rng.Next(2) == 0 ? RandomLayer.Values(rng, (2 * nq - 1) * heads, 2) : [];
        float scale = 1f / MathF.Sqrt(d) * (rng.Next(2) == 0 ? 1f : 0.5f + (float)rng.NextDouble());
        return new CoreCase(q, qStride, k, v, kvStride, batch, heads, kvHeads, d, nq, nk, scale, kind, lengths, mask, table, weights);
    }

    private static AttentionMask Kind(int n, bool causal) =>
        (AttentionMask)((n % 5) switch { 0 => 0, var m => 1 << (m - 1) }) | (causal ? AttentionMask.Causal : 0);


    private static void Check(CoreCase c)
    {
        var (expected, expectedWeights) = c.Run(simple: true, wide: false, 1);
        foreach (bool wide in new[] { false, true })
        {
            var (context, weights) = c.Run(simple: false, wide, 1);
            Tolerance.AssertClose(expected, context, $"context ({(wide ? 512 : 256)}) of {c}", 1e-5);
            Tolerance.AssertClose(expectedWeights, weights, $"weights ({(wide ? 512 : 256)}) of {c}", 1e-5);
            for (int n = 0; n < expected.Length; n++)
            {
                if (expected[n] == 0f && !float.IsNaN(context[n])) Assert.True(Math.Abs(context[n]) < 1e-6f, $"element {n} of {c}");
            }

            var (context2, weights2) = c.Run(simple: false, wide, 2);
            Assert.Equal(context, context2);
            Assert.Equal(weights, weights2);
        }
    }

    [Theory]
    [MemberData(nameof(ShortSeeds))]
    public void ShortKernelMatchesThePlainLoop(int seed)
    {
        var rng = new Random(seed);
        int nk = seed / 2 % AttentionCore.ShortKeys + 1;
        int nq = rng.Next(3) != 0 ? nk : rng.Next(1, 40); // self-attention (bias possible) or cross with up to 3 blocks of rows
        int d = HeadDims[rng.Next(HeadDims.Length)];
        Check(Draw(rng, nk, nq, d, Kind(seed / 32, seed % 2 == 1), rng.Next(2) == 0, 4));
    }

    [Theory]
    [MemberData(nameof(LongSeeds))]
    public void FlashKernelMatchesThePlainLoop(int seed)
    {
        var rng = new Random(1000 + seed);
        int nk = LongKeyCounts[rng.Next(LongKeyCounts.Length)];
        int nq = rng.Next(3) != 0 ? nk : rng.Next(1, 90);
        int d = nk > 100 ? HeadDims[rng.Next(4)] : HeadDims[rng.Next(HeadDims.Length)];
        Check(Draw(rng, nk, nq, d, Kind(seed, seed / 5 % 2 == 1), weights: false, nk > 100 ? 1 : 4));
    }

    [Fact]
    public void FlashSplitsLongHeadsIntoQueryBlocksWithTheSameBits()
    {
        // B1 H1 N600: query blocks of the flash kernel, causal skipping many key blocks, a growing max over blocks.
        var rng = new Random(7);
        const int n = 600, d = 8;
        float[] x = RandomLayer.Values(rng, n * d, 3);
        var c = new CoreCase(x, d, x, x, d, 1, 1, 1, d, n, n, 0.5f, AttentionMask.Causal, [], [], [], false);
        Check(c);
    }

    [Theory]
    [InlineData(AttentionMask.None)]
    [InlineData(AttentionMask.Causal)]
    [InlineData(AttentionMask.ValidLengths)]
    public void FlashMatchesThePlainLoopForEveryKeyCountUpTo160(AttentionMask kind)
    {
        // Every remainder of the last key block (and of the tiles within it) at both widths, with 13 query rows
        // (three groups of four and one left over).
        for (int nk = AttentionCore.ShortKeys + 1; nk <= 160; nk++)
        {
            var rng = new Random(nk);
            const int d = 5, nq = 13;
            float[] q = RandomLayer.Values(rng, nq * d, 2);
            float[] kv = RandomLayer.Values(rng, nk * d, 2);
            int[] lengths = kind == AttentionMask.ValidLengths ? [rng.Next(nk + 1)] : [];
            Check(new CoreCase(q, d, kv, kv, d, 1, 1, 1, d, nq, nk, 0.7f, kind, lengths, [], [], false));
        }
    }

    [Theory]
    [InlineData(1, 12, 197, AttentionMask.None)]     // 12 heads in jobs of 52 rows: shared key/value panels
    [InlineData(1, 12, 197, AttentionMask.Causal)]
    [InlineData(2, 8, 400, AttentionMask.None)]      // 16 heads in jobs of 136 rows (a head of one job packs its own blocks: the other tests)
    [InlineData(2, 8, 400, AttentionMask.KeyPaddingMask)]
    public void FlashSplitHeadsMatchThePlainLoopWithSharedOrOwnPanels(int batch, int heads, int n, AttentionMask kind)
    {
        var rng = new Random(n + heads);
        const int d = 12;
        int stride = heads * d + 1;
        float[] x = RandomLayer.Values(rng, batch * n * stride, 2);
        bool[] mask = kind == AttentionMask.KeyPaddingMask ? Enumerable.Range(0, batch * n).Select(_ => rng.Next(5) == 0).ToArray() : [];
        Check(new CoreCase(x, stride, x, x, stride, batch, heads, heads, d, n, n, 0.3f, kind, [], mask, [], false));
    }

    [Theory]
    [InlineData(64)]  // four key vectors per row of a block: the fused step with AVX-512
    [InlineData(24)]
    public void FlashRunningMaxKeptWithinTheSlackAndRetakenBeyondIt(int d)
    {
        // Four blocks of 64 keys whose scores shift by block, in units of log2: block 1 rises by about 4 (within the
        // fused step's slack of 8, so the rows keep block 0's max and weigh up to 2^8), block 2 by 14 to 28 (beyond it:
        // the block's own max, the accumulators rescaled), block 3 falls back to block 0's level (weights near 0).
        var rng = new Random(d);
        const int nk = 256, nq = 9;
        float[] shift = [0f, 3f, 10f, 0f]; // natural units: scale 1, q rows of 1 to 2, k rows add shift/d per element
        float[] q = new float[nq * d], k = new float[nk * d], v = RandomLayer.Values(rng, nk * d, 1);
        for (int i = 0; i < nq; i++)
        {
            for (int x = 0; x < d; x++) q[i * d + x] = 1f + i / 8f + 0.05f * (float)rng.NextDouble();
        }

        for (int j = 0; j < nk; j++)
        {
            for (int x = 0; x < d; x++) k[j * d + x] = (shift[j / 64] + 0.5f * (float)(rng.NextDouble() - 0.5)) / d;
        }

        Check(new CoreCase(q, d, k, v, d, 1, 1, 1, d, nq, nk, 1f, AttentionMask.None, [], [], [], false));
    }

    [Fact]
    public void ShortKernelSplitsManyQueryRowsWithTheSameBits()
    {
        // B1 H1, 300 query rows over 12 keys: the rows are split into blocks; per-row lengths and causal read absolute rows.
        var rng = new Random(6);
        Check(Draw(rng, 12, 300, 24, AttentionMask.ValidLengthsPerQuery | AttentionMask.Causal, weights: true, 1));
        Check(Draw(rng, 12, 300, 24, AttentionMask.KeepMask, weights: false, 1));
    }

    [Fact]
    public void FlashKeepsNaNValuesOfCausallySkippedKeys()
    {
        // The plain loop multiplies every value row by its weight, zero or not: a NaN (or infinite) value of a key that causal
        // hides makes that column NaN in every row that sees any key, also where the flash kernel skips the key's block.
        var rng = new Random(8);
        const int n = 200, d = 8;
        float[] q = RandomLayer.Values(rng, n * d, 1), k = RandomLayer.Values(rng, n * d, 1), v = RandomLayer.Values(rng, n * d, 1);
        v[190 * d + 3] = float.NaN;
        v[150 * d + 5] = float.PositiveInfinity;
        var c = new CoreCase(q, d, k, v, d, 1, 1, 1, d, n, n, 0.3f, AttentionMask.Causal, [], [], [], false);
        var (context, _) = c.Run(simple: false, wide: true, 1);
        for (int i = 0; i < n; i++)
        {
            Assert.True(float.IsNaN(context[i * d + 3]), $"row {i}");
            Assert.True(i < 150 ? float.IsNaN(context[i * d + 5]) : float.IsInfinity(context[i * d + 5]), $"row {i}");
            Assert.True(float.IsFinite(context[i * d]), $"row {i}");
        }

        var (expected, _) = c.Run(simple: true, wide: false, 1);
        foreach (bool wide in new[] { false, true })
        {
            (context, _) = c.Run(simple: false, wide, 1);
            for (int x = 0; x < expected.Length; x++)
            {
                Assert.True(float.IsFinite(expected[x]) ? Math.Abs(expected[x] - context[x]) < 1e-5f : expected[x].Equals(context[x]), $"element {x}");
            }
        }
    }

    [Fact]
    public void FlashRowOfNaNScoresIsNaNAndMaskedRowsAreZero()
    {
        // Batch item 0: key 70 of 100 has a NaN key vector, so every row is NaN; item 1: every key padded, so zeros.
        var rng = new Random(9);
        const int n = 100, d = 4;
        float[] q = RandomLayer.Values(rng, 2 * n * d, 1), k = RandomLayer.Values(rng, 2 * n * d, 1), v = RandomLayer.Values(rng, 2 * n * d, 1);
        k[70 * d] = float.NaN;
        bool[] padded = Enumerable.Range(0, 2 * n).Select(j => j >= n || j == 3).ToArray();
        var c = new CoreCase(q, d, k, v, d, 2, 1, 1, d, n, n, 0.5f, AttentionMask.KeyPaddingMask, [], padded, [], false);
        var (context, _) = c.Run(simple: false, wide: false, 1);
        Assert.All(context.Take(n * d), x => Assert.True(float.IsNaN(x)));
        Assert.All(context.Skip(n * d), x => Assert.Equal(0f, x));
        Check(c);
    }

    [Fact]
    public void FlashWithoutMaskKeepsNaNAndInfiniteScores()
    {
        // No mask nor bias: full blocks take the scores kernel's fused softmax step unless a row's block max is not finite.
        // Head 0: key 130 has a NaN, so every row is NaN. Head 1: row 5 has an infinite query element (scores ±inf or NaN),
        // row 9 huge ones (scores overflow to ±inf), row 13 tiny ones (every score 0).
        var rng = new Random(12);
        const int n = 200, h = 2, d = 16;
        float[] q = RandomLayer.Values(rng, n * h * d, 2), k = RandomLayer.Values(rng, n * h * d, 2), v = RandomLayer.Values(rng, n * h * d, 1);
        k[(130 * h + 0) * d + 1] = float.NaN;
        q[(5 * h + 1) * d + 2] = float.PositiveInfinity;
        for (int x = 0; x < d; x++)
        {
            q[(9 * h + 1) * d + x] = x % 2 == 0 ? 1e30f : -1e30f;
            q[(13 * h + 1) * d + x] = 1e-30f;
        }

        Check(new CoreCase(q, h * d, k, v, h * d, 1, h, h, d, n, n, 0.125f, AttentionMask.None, [], [], [], false));
    }

    [Fact]
    public void TemporalShapeMatchesThePlainLoop()
    {
        // The temporal layers' shape, scaled down in batch: T8 D64 H12 with the relative bias and no mask.
        var rng = new Random(10);
        const int b = 3, h = 12, t = 8, d = 64;
        float[] q = RandomLayer.Values(rng, b * t * h * d, 2), k = RandomLayer.Values(rng, b * t * h * d, 2), v = RandomLayer.Values(rng, b * t * h * d, 1);
        var c = new CoreCase(q, h * d, k, v, h * d, b, h, h, d, t, t, 0.125f, AttentionMask.None, [], [], RandomLayer.Values(rng, (2 * t - 1) * h, 1), false);
        Check(c);
    }
}
