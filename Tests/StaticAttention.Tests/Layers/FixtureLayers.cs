using StaticAttention;

namespace StaticAttention.Tests.Layers;

// One generated layer per fixture case of cases.json, declared exactly as a user would.

/// <summary>aim_temporal_qkv: AIM / TimeSformer temporal attention with fused qkv, biases and the relative position bias.</summary>
[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, Projections = Projections.Fused,
    QkvBias = true, OutputBias = true, RelativePositionBias = true)]
public partial class TemporalAttention;

/// <summary>aim_temporal_noqkv: AIM / TimeSformer temporal attention without projections.</summary>
[MultiHeadAttention(Heads = 2, ModelDim = 32, Tokens = 16, Projections = Projections.None, RelativePositionBias = true)]
public partial class TemporalAttentionNoQkv;

/// <summary>d2l_valid_lens_1d: d2l MultiHeadAttention, valid lengths per batch item.</summary>
[MultiHeadAttention(Heads = 5, ModelDim = 40, QueryTokens = 4, KeyTokens = 6, QuerySize = 24, KeySize = 16, ValueSize = 12,
    Projections = Projections.Separate, Mask = AttentionMask.ValidLengths)]
public partial class D2lAttention;

/// <summary>d2l_valid_lens_2d: d2l MultiHeadAttention with bias, valid lengths per query row.</summary>
[MultiHeadAttention(Heads = 4, ModelDim = 20, QueryTokens = 3, KeyTokens = 5, Projections = Projections.Separate,
    QkvBias = true, OutputBias = true, Mask = AttentionMask.ValidLengthsPerQuery)]
public partial class D2lAttentionPerQuery;

/// <summary>seedc_mask_weights: the classic Wq/Wk/Wv/fc module with a keep-mask, returning the weights.</summary>
[MultiHeadAttention(Heads = 6, ModelDim = 48, QueryTokens = 10, KeyTokens = 10, Projections = Projections.Separate,
    QkvBias = true, OutputBias = true, Mask = AttentionMask.KeepMask, ReturnWeights = true)]
public partial class SeedCMasked;

/// <summary>seedc_cross: the classic Wq/Wk/Wv/fc module as cross-attention, returning the weights.</summary>
[MultiHeadAttention(Heads = 4, ModelDim = 32, QueryTokens = 5, KeyTokens = 9, Projections = Projections.Separate,
    QkvBias = true, OutputBias = true, ReturnWeights = true)]
public partial class SeedCCross;

/// <summary>deit_tiny_block: timm ViT attention under a block prefix.</summary>
[MultiHeadAttention(Heads = 3, ModelDim = 192, Tokens = 197, QkvBias = true, OutputBias = true)]
public partial class DeitAttention;

/// <summary>torch_mha_causal_padding: torch nn.MultiheadAttention with causal and key padding masks.</summary>
[MultiHeadAttention(Heads = 4, ModelDim = 32, Tokens = 7, QkvBias = true, OutputBias = true,
    Mask = AttentionMask.KeyPaddingMask | AttentionMask.Causal, ReturnWeights = true)]
public partial class TorchMhaCausal;

/// <summary>gqa_causal: grouped-query causal attention with Llama names.</summary>
[MultiHeadAttention(Heads = 8, KvHeads = 2, HeadDim = 8, ModelDim = 64, Tokens = 12, Projections = Projections.Separate,
    Mask = AttentionMask.Causal)]
public partial class GqaCausal;

/// <summary>gqa_causal loaded into a fused layout (q_proj/k_proj/v_proj concatenated at load).</summary>
[MultiHeadAttention(Heads = 8, KvHeads = 2, HeadDim = 8, ModelDim = 64, Tokens = 12, Mask = AttentionMask.Causal)]
public partial class GqaCausalFused;
