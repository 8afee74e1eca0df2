using StaticAttention;

namespace StaticAttention.Tests.Layers;

// One generated layer per case of decoder/cases.json, declared as a user would from the model's config.json. Each has a
// cache a little larger than (or exactly) its fixture's sequence, so decoding it token by token fits.

/// <summary>llama_rope_gqa: HF Llama self-attention, grouped-query, rotate-half rotary (θ = 10⁴).</summary>
[MultiHeadAttention(Heads = 4, KvHeads = 2, HeadDim = 16, ModelDim = 64, Tokens = 11, Mask = AttentionMask.Causal,
    Rotary = RotaryEmbedding.RotateHalf, CacheTokens = 16)]
public partial class LlamaAttention;

/// <summary>qwen2_rope_bias: HF Qwen2 self-attention, q/k/v biases, θ = 10⁶; the cache holds exactly the sequence.</summary>
[MultiHeadAttention(Heads = 6, KvHeads = 2, HeadDim = 8, ModelDim = 48, Tokens = 9, Mask = AttentionMask.Causal, QkvBias = true,
    Rotary = RotaryEmbedding.RotateHalf, RotaryBase = 1000000f, CacheTokens = 9)]
public partial class Qwen2Attention;

/// <summary>gptj_interleaved_partial: GPT-J self-attention, interleaved rotary on the first 8 of 16 features.</summary>
[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 10, Mask = AttentionMask.Causal,
    Rotary = RotaryEmbedding.Interleaved, RotaryDims = 8, CacheTokens = 12)]
public partial class GptJAttention;

/// <summary>mistral_sliding_window: HF Mistral self-attention, multi-query, a sliding window of 4.</summary>
[MultiHeadAttention(Heads = 4, KvHeads = 1, HeadDim = 8, ModelDim = 32, Tokens = 14, Mask = AttentionMask.Causal,
    Rotary = RotaryEmbedding.RotateHalf, SlidingWindow = 4, CacheTokens = 16)]
public partial class MistralAttention;

/// <summary>gemma2_softcap: HF Gemma 2 self-attention, Heads·HeadDim ≠ ModelDim, logit softcap 5.</summary>
[MultiHeadAttention(Heads = 4, KvHeads = 2, HeadDim = 32, ModelDim = 64, Tokens = 12, Mask = AttentionMask.Causal,
    Rotary = RotaryEmbedding.RotateHalf, Softcap = 5f, CacheTokens = 12)]
public partial class Gemma2Attention;

/// <summary>bloom_alibi: BLOOM-style self-attention, six heads (not a power of two) with ALiBi, q/k/v biases.</summary>
[MultiHeadAttention(Heads = 6, ModelDim = 48, Tokens = 10, Mask = AttentionMask.Causal, QkvBias = true, Alibi = true, CacheTokens = 10)]
public partial class BloomAttention;
