using StaticAttention;

namespace StaticAttention.Sample;

/// <summary>AIM / TimeSformer temporal attention over 8 frames, ViT-B width, timm names (qkv, proj, relative_position_bias_table).</summary>
[MultiHeadAttention(Heads = 12, ModelDim = 768, Tokens = 8, Projections = Projections.Fused,
    QkvBias = true, OutputBias = true, RelativePositionBias = true)]
public partial class TemporalAttention;

/// <summary>d2l MultiHeadAttention, cross-attention with its own input sizes and valid lengths per batch item.</summary>
[MultiHeadAttention(Heads = 5, ModelDim = 100, QueryTokens = 10, KeyTokens = 12, QuerySize = 64, KeySize = 48, ValueSize = 32,
    Projections = Projections.Separate, Mask = AttentionMask.ValidLengths)]
public partial class D2lAttention;

/// <summary>The classic multi-head attention module with biases (Wq, Wk, Wv, fc), a keep-mask, and the attention weights returned.</summary>
[MultiHeadAttention(Heads = 8, ModelDim = 512, QueryTokens = 128, KeyTokens = 128, Projections = Projections.Separate,
    QkvBias = true, OutputBias = true, Mask = AttentionMask.KeepMask, ReturnWeights = true)]
public partial class ClassicAttention;
