using StaticAttention;

namespace StaticAttention.Tests.Layers;

// Layers whose attention core the generator writes out for the exact shape (IShortAttentionKernel): every token count of
// interest (1, 2, 7, 8, 16, 32) and head width (1, 24, 64, 80, 128), with and without the relative bias and causal.
// Without projections, Forward is the core alone on x, so ShortKernelTests compares it with SimpleAttention.Forward.

[MultiHeadAttention(Heads = 3, ModelDim = 3, Tokens = 1, Projections = Projections.None, RelativePositionBias = true)]
public partial class ShortT1D1Bias;

[MultiHeadAttention(Heads = 2, ModelDim = 48, Tokens = 2, Projections = Projections.None, Mask = AttentionMask.Causal)]
public partial class ShortT2D24Causal;

[MultiHeadAttention(Heads = 1, ModelDim = 80, Tokens = 7, Projections = Projections.None, RelativePositionBias = true,
    Mask = AttentionMask.Causal)]
public partial class ShortT7D80BiasCausal;

[MultiHeadAttention(Heads = 3, ModelDim = 72, Tokens = 7, Projections = Projections.None)]
public partial class ShortT7D24;

[MultiHeadAttention(Heads = 2, ModelDim = 128, Tokens = 8, Projections = Projections.None, RelativePositionBias = true)]
public partial class ShortT8D64Bias;

[MultiHeadAttention(Heads = 1, ModelDim = 128, Tokens = 8, Projections = Projections.None, Mask = AttentionMask.Causal)]
public partial class ShortT8D128Causal;

[MultiHeadAttention(Heads = 1, ModelDim = 128, Tokens = 16, Projections = Projections.None, RelativePositionBias = true,
    Mask = AttentionMask.Causal)]
public partial class ShortT16D128BiasCausal;

[MultiHeadAttention(Heads = 4, ModelDim = 4, Tokens = 16, Projections = Projections.None)]
public partial class ShortT16D1;

[MultiHeadAttention(Heads = 2, ModelDim = 160, Tokens = 32, Projections = Projections.None, RelativePositionBias = true,
    Mask = AttentionMask.Causal)]
public partial class ShortT32D80BiasCausal;

[MultiHeadAttention(Heads = 1, ModelDim = 128, Tokens = 32, Projections = Projections.None)]
public partial class ShortT32D128;

[MultiHeadAttention(Heads = 2, ModelDim = 128, Tokens = 32, Projections = Projections.None, RelativePositionBias = true)]
public partial class ShortT32D64Bias;

/// <summary>Cross-attention with grouped heads and separate projections through the written-out kernel: 5 queries, 32 keys.</summary>
[MultiHeadAttention(Heads = 4, KvHeads = 2, HeadDim = 24, ModelDim = 40, QueryTokens = 5, KeyTokens = 32, KeySize = 12, ValueSize = 20,
    Projections = Projections.Separate, QkvBias = true, OutputBias = true)]
public partial class ShortGroupedCross;

/// <summary>The temporal shape with a fused projection: q, k and v read in place from the qkv buffer (stride 3·C).</summary>
[MultiHeadAttention(Heads = 3, ModelDim = 72, Tokens = 12, QkvBias = true, OutputBias = true, RelativePositionBias = true)]
public partial class ShortFusedT12;
