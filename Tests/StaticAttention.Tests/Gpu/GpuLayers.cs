using StaticAttention;

namespace StaticAttention.Tests.Gpu;

// Generated layers whose attention runs through the flash kernel (more than 32 query or key tokens), one per mask kind,
// sized so the CPU accelerator runs them quickly: a padded last query tile, a padded last key tile, GQA, head widths
// that are not a multiple of 32, a head wider than 64; and one with a single token, the small kernel at T = 1 between two GEMMs.

[MultiHeadAttention(Heads = 2, ModelDim = 16, Tokens = 40, QkvBias = true, OutputBias = true,
    Mask = AttentionMask.KeyPaddingMask | AttentionMask.Causal, ReturnWeights = true)]
public partial class FlashPaddingCausal;

[MultiHeadAttention(Heads = 2, ModelDim = 16, Tokens = 36, QkvBias = true, RelativePositionBias = true, Mask = AttentionMask.ValidLengths)]
public partial class FlashRelativeValidLengths;

[MultiHeadAttention(Heads = 2, KvHeads = 1, HeadDim = 40, ModelDim = 24, QueryTokens = 12, KeyTokens = 45, QuerySize = 10, KeySize = 7,
    ValueSize = 5, Projections = Projections.Separate, QkvBias = true, OutputBias = true, Mask = AttentionMask.KeepMask, ReturnWeights = true)]
public partial class FlashCrossKeepMask;

[MultiHeadAttention(Heads = 1, ModelDim = 8, Tokens = 33, Projections = Projections.None, Mask = AttentionMask.ValidLengthsPerQuery | AttentionMask.Causal)]
public partial class FlashPerQueryCausal;

/// <summary>One token per item with fused projections, as the GPU benchmark's projections shape: the small kernel at T = 1 between two GEMMs.</summary>
[MultiHeadAttention(Heads = 4, ModelDim = 32, Tokens = 1, QkvBias = true, OutputBias = true)]
public partial class OneTokenProjections;

/// <summary>A head wider than 64: the flash kernel's 32-row × 16-key tiles (two rows per thread), causal, key padding and weights.</summary>
[MultiHeadAttention(Heads = 2, HeadDim = 72, ModelDim = 24, Tokens = 40, QkvBias = true, OutputBias = true,
    Mask = AttentionMask.KeyPaddingMask | AttentionMask.Causal, ReturnWeights = true)]
public partial class FlashWideHeadCausal;
