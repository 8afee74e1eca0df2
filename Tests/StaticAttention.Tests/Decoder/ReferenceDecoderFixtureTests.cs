using StaticAttention.Reference;
using StaticAttention.Tests.Layers;
using StaticAttention.Weights;

namespace StaticAttention.Tests.Decoder;

/// <summary>
/// The reference implementation with the decoder terms (rotary, window, softcap, ALiBi) against the six decoder fixtures,
/// and the library's ALiBi slopes against the reference's.
/// </summary>
public sealed class ReferenceDecoderFixtureTests
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
    public void ReferenceMatchesPyTorch(string name)
    {
        AttentionLayerSpec spec = Specs[name];
        AttentionWeights weights = AttentionWeights.Load(DecoderFixtureCases.WeightsPath(name), "model.layers.0.self_attn.", spec);
        var io = DecoderFixtureCases.Io(name);
        float[] x = io.F32("x");
        int batch = x.Length / (spec.QueryTokens * spec.QuerySize);
        var output = new float[batch * spec.QueryTokens * spec.ModelDim];
        ReferenceAttention.Forward(spec, weights, batch, x, x, x, default, default, output, default);
        Tolerance.AssertClose(io.F32("expected.output"), output, name + " reference output");
    }

    [Fact]
    public void LayerDefaultsAlibiSlopesEqualTheReferenceSlopes()
    {
        for (int heads = 1; heads <= 40; heads++)
        {
            float[] slopes = LayerDefaults.AlibiSlopes(heads);
            double[] expected = ReferenceAttention.AlibiSlopes(heads);
            Assert.Equal(expected.Length, slopes.Length);
            for (int h = 0; h < heads; h++)
            {
                Assert.True((float)expected[h] == slopes[h], $"{heads} heads, head {h}: {slopes[h]} vs reference {expected[h]}");
            }
        }
    }

    [Fact]
    public void AlibiSlopesOfSixHeadsAreBloomsInterleavedExtension()
    {
        // p = 4: 2^-2, 2^-4, 2^-6, 2^-8, then the odd slopes of 8 heads: 2^-1, 2^-3.
        Assert.Equal([0.25, 0.0625, 0.015625, 0.00390625, 0.5, 0.125], ReferenceAttention.AlibiSlopes(6));
    }
}
