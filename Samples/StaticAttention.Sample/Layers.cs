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

/// <summary>
/// A Llama-style decoder layer (HF names q_proj/k_proj/v_proj/o_proj): grouped-query, rotate-half rotary, causal, with a
/// key/value cache for decoding token by token. Llama-3.2-1B's attention is the same with Heads 32, KvHeads 8, HeadDim 64,
/// ModelDim 2048 and RotaryBase 500000.
/// </summary>
[MultiHeadAttention(Heads = 8, KvHeads = 2, HeadDim = 32, ModelDim = 256, Tokens = 32, Mask = AttentionMask.Causal,
    Rotary = RotaryEmbedding.RotateHalf, RotaryBase = 500000f, CacheTokens = 64)]
public partial class LlamaStyleAttention;
