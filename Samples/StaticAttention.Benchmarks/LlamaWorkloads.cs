using StaticAttention.Reference;
using StaticAttention.Weights;

namespace StaticAttention.Benchmarks;

/// <summary>Random Llama-3.2-1B attention weights under Hugging Face's names, loaded as a user loads a checkpoint.</summary>
internal static class Llama1BCheckpoint
{
    public static Llama1BAttention Load()
    {
        const int c = Llama1BAttention.ModelDim, q = Llama1BAttention.Heads * Llama1BAttention.HeadDim, kv = Llama1BAttention.KvHeads * Llama1BAttention.HeadDim;
        // Llama's initializer range (std 0.02) gives activations of a trained model's size.
        var tensors = new List<(string Name, int[] Shape, float[] Data)>
        {
            ("q_proj.weight", [q, c], Workload.Random(q * c, seed: 101, scale: 0.035f)),
            ("k_proj.weight", [kv, c], Workload.Random(kv * c, seed: 102, scale: 0.035f)),
            ("v_proj.weight", [kv, c], Workload.Random(kv * c, seed: 103, scale: 0.035f)),
            ("o_proj.weight", [c, q], Workload.Random(c * q, seed: 104, scale: 0.035f)),
        };
        using var checkpoint = new MemoryStream();
        SafetensorsWriter.Write(checkpoint, tensors);
        checkpoint.Position = 0;
        return Llama1BAttention.Load(checkpoint, "");
    }

    /// <summary>The layer's configuration for the reference, over <paramref name="tokens"/> positions from 0.</summary>
    public static AttentionLayerSpec Spec(int tokens) => AttentionLayerSpec.Create(
        "llama1b", Llama1BAttention.Heads, Llama1BAttention.ModelDim, tokens, tokens, kvHeads: Llama1BAttention.KvHeads,
        headDim: Llama1BAttention.HeadDim, mask: AttentionMask.Causal, selfAttention: true,
        rotary: RotaryEmbedding.RotateHalf, rotaryBase: 500000f, cacheTokens: Llama1BAttention.CacheTokens);
}

/// <summary><c>prefill_llama1b</c>: the plain causal <c>Forward</c> of the Llama-3.2-1B layer over its 512 tokens.</summary>
public sealed class PrefillWorkload : Workload
{
    private readonly Llama1BAttention _layer;
    private readonly float[] _x, _output;

    public PrefillWorkload(Shape shape)
        : base(shape)
    {
        _layer = Llama1BCheckpoint.Load();
        _x = Random(Llama1BAttention.Tokens * Llama1BAttention.ModelDim, seed: 42);
        _output = new float[_x.Length];
    }

    public override void Run() => _layer.Forward(_x, _output);

    public override double RelativeError()
    {
        Run();
        var reference = new float[_output.Length];
        ReferenceAttention.Forward(Llama1BCheckpoint.Spec(Llama1BAttention.Tokens), _layer.Weights, 1, _x, _x, _x, default, default, reference, default);
        return RelativeError(_output, reference);
    }
}
