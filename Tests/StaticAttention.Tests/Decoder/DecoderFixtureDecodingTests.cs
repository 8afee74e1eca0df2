using StaticAttention.Tests.Layers;
using StaticAttention.Weights;

namespace StaticAttention.Tests.Decoder;

/// <summary>
/// The six decoder fixtures through the runtime pieces (<see cref="DecoderPipeline"/>): on the whole sequence, and decoded
/// with a cache as the fixtures prescribe (the prefill at once, then one token at a time).
/// </summary>
public sealed class DecoderFixtureDecodingTests
{
    private static readonly Dictionary<string, AttentionLayerSpec> Specs = new()
    {
        ["llama_rope_gqa"] = LlamaAttention.Spec,
        ["qwen2_rope_bias"] = Qwen2Attention.Spec,
        ["gptj_interleaved_partial"] = GptJAttention.Spec,
        ["mistral_sliding_window"] = MistralAttention.Spec,
        ["gemma2_softcap"] = Gemma2Attention.Spec,
        ["bloom_alibi"] = BloomAttention.Spec,
    };

    [Theory]
    [MemberData(nameof(DecoderFixtureCases.Names), MemberType = typeof(DecoderFixtureCases))]
    public void WholeSequenceAndDecodingMatchPyTorch(string name)
    {
        AttentionLayerSpec s = Specs[name];
        AttentionWeights weights = AttentionWeights.Load(DecoderFixtureCases.WeightsPath(name), "model.layers.0.self_attn.", s);
        var io = DecoderFixtureCases.Io(name);
        float[] x = io.F32("x"), expected = io.F32("expected.output");
        int batch = x.Length / (s.QueryTokens * s.QuerySize), tokens = s.QueryTokens;
        var pipeline = new DecoderPipeline(s, weights, s.CacheTokens);

        var whole = new float[expected.Length];
        pipeline.Forward(batch, x, whole);
        Tolerance.AssertClose(expected, whole, name + " whole sequence");

        using var cache = new DecoderPipeline.Cache(batch, s, s.CacheTokens);
        var decoded = new float[expected.Length];
        int prefill = DecoderFixtureCases.Prefill(name);
        for (int done = 0; done < tokens;)
        {
            int n = done == 0 ? prefill : 1;
            var y = new float[batch * n * s.ModelDim];
            pipeline.Forward(cache, n, DecoderPropertyTests.Rows(x, batch, tokens, s.QuerySize, done, n), y);
            DecoderPropertyTests.Place(y, decoded, batch, tokens, s.ModelDim, done, n);
            done += n;
        }

        Tolerance.AssertClose(expected, decoded, name + " decoded");
    }
}
