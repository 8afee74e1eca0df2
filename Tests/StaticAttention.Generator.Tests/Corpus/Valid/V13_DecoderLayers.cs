// Corpus: V13_DecoderLayers
using StaticAttention;

namespace Corpus;

// Decoder layers declared from their Hugging Face configs, each with a cache for decoding token by token.

// Llama 3.2 1B: num_attention_heads 32, num_key_value_heads 8, head_dim 64, rope_theta 500000.
[MultiHeadAttention(Heads = 32, KvHeads = 8, HeadDim = 64, ModelDim = 2048, Tokens = 512, Projections = Projections.Separate,
    Mask = AttentionMask.Causal, Rotary = RotaryEmbedding.RotateHalf, RotaryBase = 500000f, CacheTokens = 1024)]
public partial class Llama;

// Mistral: a sliding window of 4096.
[MultiHeadAttention(Heads = 32, KvHeads = 8, HeadDim = 128, ModelDim = 4096, Tokens = 64, Projections = Projections.Separate,
    Mask = AttentionMask.Causal, Rotary = RotaryEmbedding.RotateHalf, SlidingWindow = 4096, CacheTokens = 8192)]
public partial class Mistral;

// Gemma 2: attn_logit_softcapping 50, Heads·HeadDim ≠ ModelDim.
[MultiHeadAttention(Heads = 8, KvHeads = 4, HeadDim = 256, ModelDim = 2304, Tokens = 32, Projections = Projections.Separate,
    Mask = AttentionMask.Causal, Rotary = RotaryEmbedding.RotateHalf, Softcap = 50f, SlidingWindow = 4096, CacheTokens = 256)]
public partial class Gemma2;

// GPT-J: interleaved rotary on the first 64 of 256 features.
[MultiHeadAttention(Heads = 16, ModelDim = 4096, Tokens = 16, Projections = Projections.Separate, Mask = AttentionMask.Causal,
    Rotary = RotaryEmbedding.Interleaved, RotaryDims = 64)]
public partial class GptJ;

// BLOOM: ALiBi with fused q/k/v and biases, no rotary.
[MultiHeadAttention(Heads = 16, ModelDim = 1024, Tokens = 16, QkvBias = true, OutputBias = true, Mask = AttentionMask.Causal,
    Alibi = true, CacheTokens = 64)]
public partial class Bloom;

// A softcap alone needs neither a causal mask nor self-attention.
[MultiHeadAttention(Heads = 4, ModelDim = 64, QueryTokens = 8, KeyTokens = 6, Softcap = 30f)]
public partial class SoftcappedCross;
