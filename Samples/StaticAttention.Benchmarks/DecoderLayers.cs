namespace StaticAttention.Benchmarks;

/// <summary>
/// One attention layer of Llama-3.2-1B, declared from its config.json (hidden_size 2048, num_attention_heads 32,
/// num_key_value_heads 8, head_dim 64, rope_theta 500000, no biases) with a 1024-token cache: the decode-step and
/// prefill shapes of issue 17. <c>Tokens</c> is the prefill length the plain <c>Forward</c> runs.
/// (Llama 3.2 also scales its rotary frequencies, rope_type "llama3"; the benchmark keeps the plain θ, which reads and
/// computes the same amount.)
/// </summary>
[MultiHeadAttention(Heads = 32, KvHeads = 8, HeadDim = 64, ModelDim = 2048, Tokens = 512, Mask = AttentionMask.Causal,
    Rotary = RotaryEmbedding.RotateHalf, RotaryBase = 500000f, CacheTokens = 1024)]
public partial class Llama1BAttention;
