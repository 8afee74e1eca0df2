using StaticAttention.Internal;
using StaticAttention.Internal.Cpu;
using StaticAttention.Internal.Threading;

namespace StaticAttention.Tests.Decoder;

/// <summary>Bad arguments to the decoder runtime: each is the exception its contract names, with the numbers in the message.</summary>
public sealed class DecoderArgumentTests
{
    private sealed class TestCache(int batch, int kvHeads, int capacity, int headDim) : KeyValueCache(batch, kvHeads, capacity, headDim);

    private static readonly DecoderTerms Causal = new(true, 0, 0, false);

    [Fact]
    public void CacheStartsEmptyWithItsSizes()
    {
        using var cache = new TestCache(2, 3, 16, 8);
        Assert.Equal((2, 3, 16, 8, 0, false), (cache.Batch, cache.KvHeads, cache.Capacity, cache.HeadDim, cache.Length, cache.IsDisposed));
    }

    [Theory]
    [InlineData(0, 1, 1, 1)]
    [InlineData(1, 0, 1, 1)]
    [InlineData(1, 1, -1, 1)]
    [InlineData(1, 1, 1, 0)]
    public void CacheSizesMustBePositive(int batch, int kvHeads, int capacity, int headDim) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TestCache(batch, kvHeads, capacity, headDim));

    [Fact]
    public void CacheTooLargeForOneArrayThrows()
    {
        var e = Assert.Throws<ArgumentException>(() => new TestCache(1024, 64, 1 << 20, 128));
        Assert.Contains("1024", e.Message);
    }

    [Fact]
    public void AppendTokensReturnsTheTokensPerSequence()
    {
        using var cache = new TestCache(2, 1, 8, 4);
        Assert.Equal(3, Guard.AppendTokens(cache, 2 * 3 * 5, 5, "x"));
        Assert.Equal(8, Guard.AppendTokens(cache, 2 * 8 * 5, 5, "x"));
    }

    [Fact]
    public void AppendTokensNullCacheThrows() =>
        Assert.Equal("cache", Assert.Throws<ArgumentNullException>(() => Guard.AppendTokens(null!, 10, 5, "x")).ParamName);

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(-10)]
    public void AppendTokensNotWholeOrEmptyThrows(int length)
    {
        using var cache = new TestCache(2, 1, 8, 4);
        var e = Assert.Throws<ArgumentException>(() => Guard.AppendTokens(cache, length, 5, "x"));
        Assert.Equal("x", e.ParamName);
        Assert.Contains(length.ToString(), e.Message);
        Assert.Contains("batch of 2", e.Message);
        Assert.Contains("5 elements per token", e.Message);
    }

    [Fact]
    public void AppendTokensPastTheCapacityThrows()
    {
        using var cache = new TestCache(2, 1, 8, 4);
        float[] rows = new float[2 * 6 * 4];
        DecoderAttention.Append(cache, rows, rows, 4, 6);
        var e = Assert.Throws<ArgumentException>(() => Guard.AppendTokens(cache, 2 * 3 * 5, 5, "x"));
        Assert.Equal("x", e.ParamName);
        foreach (string number in new[] { "30", "3 tokens", "batch of 2", "5 elements per token", "holds 6", "capacity of 8" })
        {
            Assert.Contains(number, e.Message);
        }

        Assert.Equal(2, Guard.AppendTokens(cache, 2 * 2 * 5, 5, "x"));
    }

    [Fact]
    public void DisposedCacheThrowsObjectDisposed()
    {
        var cache = new TestCache(1, 1, 4, 2);
        cache.Dispose();
        Assert.True(cache.IsDisposed);
        cache.Dispose();
        float[] rows = new float[2];
        Assert.Throws<ObjectDisposedException>(() => Guard.AppendTokens(cache, 2, 2, "x"));
        Assert.Throws<ObjectDisposedException>(() => DecoderAttention.Append(cache, rows, rows, 2, 1));
        Assert.Throws<ObjectDisposedException>(() => DecoderAttention.Forward(Causal, rows, 2, cache, 1, 1, 1f, default, new float[2], WorkerPool.Shared, 1));
        Assert.Throws<ObjectDisposedException>(cache.Reset);
    }

    [Fact]
    public void AppendPastTheCapacityThrowsAndKeepsTheCache()
    {
        using var cache = new TestCache(1, 2, 4, 3);
        float[] rows = new float[5 * 6];
        DecoderAttention.Append(cache, rows, rows, 6, 3);
        var e = Assert.Throws<ArgumentException>(() => DecoderAttention.Append(cache, rows, rows, 6, 2));
        Assert.Contains("holds 3 of its capacity of 4", e.Message);
        Assert.Equal(3, cache.Length);
        cache.Reset();
        Assert.Equal(0, cache.Length);
        DecoderAttention.Append(cache, rows, rows, 6, 4);
        Assert.Equal(4, cache.Length);
    }

    [Fact]
    public void AppendShortRowsThrows()
    {
        using var cache = new TestCache(2, 2, 4, 3);
        var e = Assert.Throws<ArgumentException>(() => DecoderAttention.Append(cache, new float[2 * 6], new float[4 * 6], 6, 2));
        Assert.Equal("k", e.ParamName);
        Assert.Contains("24", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => DecoderAttention.Append(cache, new float[100], new float[100], 5, 2));
    }

    [Fact]
    public void CachedForwardNeedsTheQueryTokensAppended()
    {
        using var cache = new TestCache(1, 1, 4, 2);
        float[] rows = new float[4];
        DecoderAttention.Append(cache, rows, rows, 2, 1);
        var e = Assert.Throws<ArgumentException>(() => DecoderAttention.Forward(Causal, rows, 2, cache, 1, 2, 1f, default, new float[4], WorkerPool.Shared, 1));
        Assert.Contains("cache holds 1", e.Message);
    }

    [Fact]
    public void ForwardShortSpansThrow()
    {
        float[] q = new float[2 * 8], kv = new float[3 * 8], context = new float[2 * 8];
        void Run(float[] q, float[] k, float[] context, int heads = 2, int kvHeads = 1) => DecoderAttention.Forward(
            Causal, q, 8, k, kv, 24, 0, 8, 1, heads, kvHeads, 4, 2, 1, 3, 0.5f, default, context, WorkerPool.Shared, 1);
        Run(q, kv, context);
        Assert.Equal("q", Assert.Throws<ArgumentException>(() => Run(new float[15], kv, context)).ParamName);
        Assert.Equal("k", Assert.Throws<ArgumentException>(() => Run(q, new float[19], context)).ParamName);
        Assert.Equal("context", Assert.Throws<ArgumentException>(() => Run(q, kv, new float[15])).ParamName);
        Assert.Equal("kvHeads", Assert.Throws<ArgumentException>(() => Run(q, kv, context, heads: 2, kvHeads: 3)).ParamName);
        Assert.Equal("alibiSlopes", Assert.Throws<ArgumentException>(() => DecoderAttention.Forward(
            new DecoderTerms(true, 0, 0, true), q, 8, kv, kv, 24, 0, 8, 1, 2, 1, 4, 2, 1, 3, 0.5f, new float[1], context, WorkerPool.Shared, 1)).ParamName);
    }

    [Fact]
    public void RotaryTablePastItsPositionsThrows()
    {
        var table = RotaryTable.Create(RotaryEmbedding.RotateHalf, 10000f, 4, 8);
        float[] rows = new float[3 * 8];
        table.Apply(rows, 3, 8, 0, 2, 4, 3, 5);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => table.Apply(rows, 3, 8, 0, 2, 4, 3, 6));
        Assert.Contains("8 positions", e.Message);
        Assert.Contains("6", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Apply(rows, 3, 8, 0, 2, 4, 9, 0));
    }

    [Fact]
    public void RotaryTableShortSpanThrows()
    {
        var table = RotaryTable.Create(RotaryEmbedding.Interleaved, 10000f, 4, 8);
        var e = Assert.Throws<ArgumentException>(() => table.Apply(new float[3 * 8 - 1], 3, 8, 0, 2, 4, 3, 0));
        Assert.Contains("23", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Apply(new float[24], 3, 8, 0, 2, 2, 3, 0));
    }

    [Theory]
    [InlineData(RotaryEmbedding.None, 10000f, 4, 8)]
    [InlineData(RotaryEmbedding.RotateHalf, 10000f, 3, 8)]
    [InlineData(RotaryEmbedding.RotateHalf, 10000f, 0, 8)]
    [InlineData(RotaryEmbedding.RotateHalf, 0f, 4, 8)]
    [InlineData(RotaryEmbedding.Interleaved, 10000f, 4, 0)]
    public void RotaryTableBadSizesThrow(RotaryEmbedding kind, float theta, int dims, int positions) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RotaryTable.Create(kind, theta, dims, positions));

    [Fact]
    public void RotaryTableTurnsPairsByPositionTimesFrequency()
    {
        // r = 4, θ = 100: pair 0 turns by p, pair 1 by p/10; features past r stay.
        var table = RotaryTable.Create(RotaryEmbedding.RotateHalf, 100f, 4, 4);
        float[] row = [1, 1, 0, 0, 7];
        table.Apply(row, 1, 5, 0, 1, 5, 1, 3);
        Assert.Equal(Math.Cos(3), row[0], 1e-6);
        Assert.Equal(Math.Cos(0.3), row[1], 1e-6);
        Assert.Equal(Math.Sin(3), row[2], 1e-6);
        Assert.Equal(Math.Sin(0.3), row[3], 1e-6);
        Assert.Equal(7, row[4]);

        var interleaved = RotaryTable.Create(RotaryEmbedding.Interleaved, 100f, 4, 4);
        float[] pairs = [1, 0, 1, 0];
        interleaved.Apply(pairs, 1, 4, 0, 1, 4, 1, 2);
        double[] expected = [Math.Cos(2), Math.Sin(2), Math.Cos(0.2), Math.Sin(0.2)];
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], pairs[i], 1e-6);
    }

    [Fact]
    public void RowsWithoutVisibleKeysAreZerosAndNaNSpreads()
    {
        // One head of 2, keys 0..1; query at position 3 with a window of 1 sees only key 3, which does not exist.
        float[] q = [1, 2, float.NaN, 1], kv = [1, 1, 2, 2];
        var context = new float[4];
        DecoderAttention.Forward(new DecoderTerms(true, 1, 0, false), q, 2, kv, kv, 4, 0, 2, 1, 1, 1, 2, 2, 2, 2, 1f, default, context, WorkerPool.Shared, 1);
        Assert.Equal([0f, 0f, 0f, 0f], context);
        DecoderAttention.Forward(Causal, q, 2, kv, kv, 4, 0, 2, 1, 1, 1, 2, 2, 0, 2, 1f, default, context, WorkerPool.Shared, 1);
        Assert.Equal([1f, 1f], context[..2]);
        Assert.True(float.IsNaN(context[2]) && float.IsNaN(context[3]));
    }
}
