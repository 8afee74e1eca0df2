using StaticAttention.Tests.Fixtures;
using StaticAttention.Tests.Layers;

namespace StaticAttention.Tests.Decoder;

/// <summary>
/// The six decoder cases of decoder/cases.json (Llama, Qwen2, GPT-J, Mistral, Gemma 2, BLOOM) through their generated
/// layers on the CPU: the whole sequence at once, and decoded with the layer's cache (the prefill at once, then one token at
/// a time; and in other chunkings), each compared with PyTorch's expected rows.
/// </summary>
public sealed class DecoderFixtureParityTests
{
    [Theory]
    [MemberData(nameof(DecoderFixtureCases.Names), MemberType = typeof(DecoderFixtureCases))]
    public void Whole_sequence_matches_PyTorch(string fixtureCase)
    {
        DecoderFixtureCases.Run run = DecoderFixtureCases.Execute(fixtureCase);
        Tolerance.AssertClose(run.Io.F32("expected.output"), run.Output, fixtureCase + " output");
    }

    [Theory]
    [MemberData(nameof(DecoderFixtureCases.Names), MemberType = typeof(DecoderFixtureCases))]
    public void Prefill_then_one_token_at_a_time_matches_PyTorch(string fixtureCase)
    {
        float[] decoded = DecoderFixtureCases.Decoded(fixtureCase, DecoderFixtureCases.PrefillThenSingles(fixtureCase));
        Tolerance.AssertClose(DecoderFixtureCases.Io(fixtureCase).F32("expected.output"), decoded, fixtureCase + " decoded output");
    }

    [Theory]
    [MemberData(nameof(DecoderFixtureCases.Names), MemberType = typeof(DecoderFixtureCases))]
    public void Decoding_in_random_chunks_matches_PyTorch(string fixtureCase)
    {
        int tokens = DecoderFixtureCases.Io(fixtureCase).Shape("x")[1];
        var random = new Random(fixtureCase.Length * 7919 + tokens);
        for (int round = 0; round < 3; round++)
        {
            var chunks = new List<int>();
            for (int left = tokens; left > 0;)
            {
                int n = random.Next(1, left + 1);
                chunks.Add(n);
                left -= n;
            }
            float[] decoded = DecoderFixtureCases.Decoded(fixtureCase, chunks);
            Tolerance.AssertClose(DecoderFixtureCases.Io(fixtureCase).F32("expected.output"), decoded, fixtureCase + " decoded in chunks " + string.Join(",", chunks));
        }
    }

    [Fact]
    public void A_reset_cache_decodes_the_same_rows_again()
    {
        var io = DecoderFixtureCases.Io("mistral_sliding_window");
        var layer = MistralAttention.Load(DecoderFixtureCases.WeightsPath("mistral_sliding_window"), "model.layers.0.self_attn.");
        float[] x = io.F32("x");
        int batch = io.Shape("x")[0];
        using MistralAttention.Cache cache = layer.CreateCache(batch);
        var prompt = FirstTokens(x, batch, MistralAttention.Tokens, 6, MistralAttention.QuerySize);
        var first = new float[batch * 6 * MistralAttention.ModelDim];
        var second = new float[first.Length];
        layer.Forward(prompt, cache, first);
        cache.Reset();
        Assert.Equal(0, cache.Length);
        layer.Forward(prompt, cache, second);
        Assert.Equal(first, second);
        Assert.Equal(6, cache.Length);
    }

    [Fact]
    public void Bad_cached_calls_throw_with_the_numbers()
    {
        var layer = LlamaAttention.Load(DecoderFixtureCases.WeightsPath("llama_rope_gqa"), "model.layers.0.self_attn.");
        using LlamaAttention.Cache cache = layer.CreateCache(batch: 2);
        Assert.Equal(2, cache.Batch);
        Assert.Equal(LlamaAttention.CacheTokens, cache.Capacity);

        // Not a whole number of tokens for two sequences.
        var odd = new float[3 * LlamaAttention.QuerySize];
        var ex = Assert.Throws<ArgumentException>(() => layer.Forward(odd, cache, new float[3 * LlamaAttention.ModelDim]));
        Assert.Equal("x", ex.ParamName);

        // The output does not fit.
        var two = new float[2 * LlamaAttention.QuerySize];
        ex = Assert.Throws<ArgumentException>(() => layer.Forward(two, cache, new float[LlamaAttention.ModelDim]));
        Assert.Equal("output", ex.ParamName);
        Assert.Equal(0, cache.Length);

        // Past the capacity: 16 tokens fit, 17 do not.
        var full = new float[2 * LlamaAttention.CacheTokens * LlamaAttention.QuerySize];
        layer.Forward(full, cache, new float[2 * LlamaAttention.CacheTokens * LlamaAttention.ModelDim]);
        Assert.Equal(LlamaAttention.CacheTokens, cache.Length);
        ex = Assert.Throws<ArgumentException>(() => layer.Forward(two, cache, new float[2 * LlamaAttention.ModelDim]));
        Assert.Equal("x", ex.ParamName);
        Assert.Contains("16", ex.Message);

        // Disposed.
        cache.Dispose();
        Assert.True(cache.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => layer.Forward(two, cache, new float[2 * LlamaAttention.ModelDim]));
        Assert.Throws<ArgumentNullException>(() => layer.Forward(two, null!, new float[2 * LlamaAttention.ModelDim]));
    }

    [Fact]
    public void A_decode_step_allocates_nothing()
    {
        var layer = LlamaAttention.Load(DecoderFixtureCases.WeightsPath("llama_rope_gqa"), "model.layers.0.self_attn.");
        layer.MaxDegreeOfParallelism = 1; // every allocation of the step is then on this thread
        using LlamaAttention.Cache cache = layer.CreateCache(batch: 1);
        var token = new float[LlamaAttention.QuerySize];
        var row = new float[LlamaAttention.ModelDim];
        for (int i = 0; i < token.Length; i++) token[i] = MathF.Sin(i);
        layer.Forward(token, cache, row); // the first call rents its scratch
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int step = 1; step < 8; step++) layer.Forward(token, cache, row);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(8, cache.Length);
    }

    private static float[] FirstTokens(float[] x, int batch, int tokens, int n, int size)
    {
        var chunk = new float[batch * n * size];
        for (int b = 0; b < batch; b++) Array.Copy(x, b * tokens * size, chunk, b * n * size, n * size);
        return chunk;
    }
}
