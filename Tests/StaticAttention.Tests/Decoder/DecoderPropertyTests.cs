using StaticAttention.Reference;

namespace StaticAttention.Tests.Decoder;

/// <summary>
/// The decoder runtime (projection, <c>RotaryTable</c>, <c>DecoderAttention</c>, output projection) against the
/// double-precision reference on random layers: whole sequences, and the same sequences decoded chunk by chunk through a
/// reused cache.
/// </summary>
public sealed class DecoderPropertyTests
{
    private const int SeedCount = 150;

    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (int seed = 0; seed < SeedCount; seed++) seeds.Add(seed);
        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void WholeSequenceMatchesReference(int seed)
    {
        var layer = RandomDecoderLayer.Create(seed);
        float[] expected = Reference(layer);
        var actual = new float[expected.Length];
        new DecoderPipeline(layer.Spec, layer.Weights, layer.Spec.QueryTokens, maxDegreeOfParallelism: seed % 3 + 1).Forward(layer.Batch, layer.X, actual);
        Tolerance.AssertClose(expected, actual, $"whole sequence of {layer}");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void DecodingInRandomChunksMatchesReference(int seed)
    {
        // A cache serves causal layers only: decoding cannot see later tokens.
        var layer = RandomDecoderLayer.Create(seed);
        layer = layer with { Spec = layer.Spec with { Mask = AttentionMask.Causal } };
        AttentionLayerSpec s = layer.Spec;
        float[] expected = Reference(layer);
        var pipeline = new DecoderPipeline(s, layer.Weights, s.CacheTokens);
        using var cache = new DecoderPipeline.Cache(layer.Batch, s, s.CacheTokens);
        var rng = new Random(seed);

        // Twice through one cache: the second sequence starts after Reset.
        for (int pass = 0; pass < 2; pass++)
        {
            if (pass > 0) cache.Reset();
            var actual = new float[expected.Length];
            int done = 0;
            while (done < s.QueryTokens)
            {
                int n = Math.Min(s.QueryTokens - done, rng.Next(3) == 0 ? rng.Next(1, s.QueryTokens + 1) : 1 + rng.Next(3));
                float[] x = Rows(layer.X, layer.Batch, s.QueryTokens, s.QuerySize, done, n);
                var y = new float[layer.Batch * n * s.ModelDim];
                pipeline.Forward(cache, n, x, y);
                Place(y, actual, layer.Batch, s.QueryTokens, s.ModelDim, done, n);
                done += n;
                Assert.Equal(done, cache.Length);
            }

            Tolerance.AssertClose(expected, actual, $"decoded (pass {pass}) {layer}");
        }
    }

    [Fact]
    public void RandomLayersCoverEveryTerm()
    {
        var seen = new HashSet<string>();
        for (int seed = 0; seed < SeedCount; seed++)
        {
            var s = RandomDecoderLayer.Create(seed).Spec;
            seen.Add(s.Rotary.ToString());
            if (s.Rotary != RotaryEmbedding.None) seen.Add(s.RotaryDims == 2 ? "r=2" : s.RotaryDims == s.HeadDim ? "r=d" : "partial");
            if (s.SlidingWindow == 1) seen.Add("window 1");
            if (s.SlidingWindow >= s.QueryTokens) seen.Add("window beyond the length");
            if (s.SlidingWindow > 1 && s.SlidingWindow < s.QueryTokens) seen.Add("window");
            if (s.Softcap != 0) seen.Add("softcap");
            if (s.Alibi && (s.Heads & (s.Heads - 1)) != 0) seen.Add("alibi, heads not a power of two");
            if (s.KvHeads != s.Heads && s.KvHeads > 1) seen.Add("gqa");
            if (s.KvHeads == 1 && s.Heads > 1) seen.Add("mqa");
            if ((s.Mask & AttentionMask.Causal) == 0) seen.Add("not causal");
        }

        string[] expected =
        [
            "None", "RotateHalf", "Interleaved", "r=2", "r=d", "partial", "window 1", "window beyond the length", "window",
            "softcap", "alibi, heads not a power of two", "gqa", "mqa", "not causal",
        ];
        Assert.Empty(expected.Except(seen));
    }

    private static float[] Reference(RandomDecoderLayer layer)
    {
        AttentionLayerSpec s = layer.Spec;
        var expected = new float[layer.Batch * s.QueryTokens * s.ModelDim];
        ReferenceAttention.Forward(s, layer.Weights, layer.Batch, layer.X, layer.X, layer.X, default, default, expected, default);
        return expected;
    }

    /// <summary>Rows [first, first + n) of every item of x [batch, tokens, width], as [batch, n, width].</summary>
    internal static float[] Rows(float[] x, int batch, int tokens, int width, int first, int n)
    {
        var rows = new float[batch * n * width];
        for (int b = 0; b < batch; b++)
        {
            x.AsSpan((b * tokens + first) * width, n * width).CopyTo(rows.AsSpan(b * n * width));
        }

        return rows;
    }

    /// <summary>Writes [batch, n, width] rows to rows [first, first + n) of every item of y [batch, tokens, width].</summary>
    internal static void Place(float[] rows, float[] y, int batch, int tokens, int width, int first, int n)
    {
        for (int b = 0; b < batch; b++)
        {
            rows.AsSpan(b * n * width, n * width).CopyTo(y.AsSpan((b * tokens + first) * width));
        }
    }
}
