using StaticAttention.Tests.Kernels;
using StaticAttention.Weights;

namespace StaticAttention.Tests.Decoder;

/// <summary>One random decoder layer (self-attention, fused projections, random score terms) with its weights and input, drawn from a seed.</summary>
internal sealed record RandomDecoderLayer(int Seed, AttentionLayerSpec Spec, int Batch, AttentionWeights Weights, float[] X)
{
    private static readonly int[] HeadDims = [2, 3, 4, 6, 8, 10, 16, 17, 24, 32, 64];

    public static RandomDecoderLayer Create(int seed)
    {
        var rng = new Random(seed);
        int heads = rng.Next(1, 8);
        int kvHeads = Divisor(rng, heads);
        int headDim = HeadDims[rng.Next(HeadDims.Length)];
        int modelDim = rng.Next(3) == 0 ? heads * headDim : rng.Next(1, 40);
        int tokens = rng.Next(5) == 0 ? rng.Next(30, 80) : rng.Next(1, 20);

        var rotary = (RotaryEmbedding)rng.Next(3);
        int rotaryDims = 0;
        if (rotary != RotaryEmbedding.None && headDim >= 2)
        {
            // r = 2, r = HeadDim (as 0, the default) or an even r in between.
            rotaryDims = rng.Next(3) switch { 0 => 2, 1 => headDim % 2 == 0 ? 0 : headDim - 1, _ => 2 * rng.Next(1, headDim / 2 + 1) };
        }
        else
        {
            rotary = RotaryEmbedding.None;
        }

        bool alibi = rng.Next(3) == 0;
        int window = rng.Next(3) == 0 ? rng.Next(1, tokens + 4) : 0;
        bool causal = alibi || window > 0 || rng.Next(4) != 0;
        float softcap = rng.Next(3) == 0 ? (float)(0.3 + 5 * rng.NextDouble()) : 0f;
        float scale = rng.Next(3) == 0 ? (float)(0.1 + 2 * rng.NextDouble()) : 0f;
        float rotaryBase = rng.Next(3) == 0 ? 1e6f : rng.Next(2) == 0 ? 100f : 0f;
        bool qkvBias = rng.Next(2) == 0, outputBias = rng.Next(2) == 0;

        var spec = AttentionLayerSpec.Create(
            $"RandomDecoder{seed}", heads, modelDim, tokens, tokens, kvHeads, headDim,
            projections: Projections.Fused, qkvBias: qkvBias, outputBias: outputBias,
            mask: causal ? AttentionMask.Causal : AttentionMask.None, scale: scale, selfAttention: true,
            rotary: rotary, rotaryBase: rotaryBase, rotaryDims: rotaryDims, slidingWindow: window, softcap: softcap, alibi: alibi,
            cacheTokens: tokens + rng.Next(4));

        int batch = rng.Next(1, 4);
        // Weights of scale 2/sqrt(in) make scores of a few units, so the softcap and ALiBi change the result.
        var weights = new AttentionWeights
        {
            Fused = RandomLayer.Values(rng, spec.FusedWidth * modelDim, 2 / MathF.Sqrt(modelDim)),
            FusedBias = qkvBias ? RandomLayer.Values(rng, spec.FusedWidth, 0.5f) : [],
            Output = RandomLayer.Values(rng, modelDim * spec.QueryWidth, 1 / MathF.Sqrt(spec.QueryWidth)),
            OutputBias = outputBias ? RandomLayer.Values(rng, modelDim, 0.5f) : [],
        };
        return new RandomDecoderLayer(seed, spec, batch, weights, RandomLayer.Values(rng, batch * tokens * modelDim, 1));
    }

    public override string ToString() => $"seed {Seed}, batch {Batch}: {Spec}";

    private static int Divisor(Random rng, int n)
    {
        while (true)
        {
            int d = rng.Next(1, n + 1);
            if (n % d == 0) return d;
        }
    }
}
