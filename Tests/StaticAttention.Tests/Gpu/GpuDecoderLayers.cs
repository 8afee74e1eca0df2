using StaticAttention;

namespace StaticAttention.Tests.Gpu;

// Generated decoder layers long enough for the flash kernel (more than 32 tokens), each term in a tile shape that
// matters: a window shorter than a key tile and one spanning tiles (earlier key tiles skipped), rotary of both kinds
// on part of the head, fused and separate projections, softcap (scaled up so it bends the scores), ALiBi on six heads,
// and a head wider than 64 (32-row × 16-key tiles).

/// <summary>Mistral-like: grouped heads, separate projections with biases, rotate-half on 8 of 16 features, a window of 20.</summary>
[MultiHeadAttention(Heads = 4, KvHeads = 2, HeadDim = 16, ModelDim = 32, Tokens = 100, Projections = Projections.Separate, QkvBias = true,
    Mask = AttentionMask.Causal, Rotary = RotaryEmbedding.RotateHalf, RotaryDims = 8, SlidingWindow = 20)]
public partial class FlashRotaryWindow;

/// <summary>GPT-J-like: fused projections, interleaved rotary on 6 of 16 features (θ = 500), a window of 70 spanning key tiles.</summary>
[MultiHeadAttention(Heads = 2, ModelDim = 32, Tokens = 150, QkvBias = true, OutputBias = true, Mask = AttentionMask.Causal,
    Rotary = RotaryEmbedding.Interleaved, RotaryDims = 6, RotaryBase = 500f, SlidingWindow = 70)]
public partial class FlashInterleavedWindow;

/// <summary>Cross-attention with a softcap of 1 on scores scaled by 8, multi-query, padded query and key tiles.</summary>
[MultiHeadAttention(Heads = 2, KvHeads = 1, HeadDim = 8, ModelDim = 16, QueryTokens = 40, KeyTokens = 70, KeySize = 12, ValueSize = 12,
    Projections = Projections.Separate, Scale = 8f, Softcap = 1f)]
public partial class FlashSoftcapCross;

/// <summary>BLOOM-like: six heads (not a power of two) with ALiBi, causal, and a softcap of 1.5 on scores scaled by 4.</summary>
[MultiHeadAttention(Heads = 6, ModelDim = 48, Tokens = 72, QkvBias = true, Mask = AttentionMask.Causal, Scale = 4f, Softcap = 1.5f, Alibi = true)]
public partial class FlashAlibiSoftcap;

/// <summary>A head of 72 (32-row × 16-key tiles): rotate-half on all of it, a window of 10, ALiBi.</summary>
[MultiHeadAttention(Heads = 2, HeadDim = 72, ModelDim = 24, Tokens = 80, Mask = AttentionMask.Causal,
    Rotary = RotaryEmbedding.RotateHalf, SlidingWindow = 10, Alibi = true)]
public partial class FlashWideRotaryWindow;
