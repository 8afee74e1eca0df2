using StaticAttention;

namespace StaticAttention.Tests.Layers;

// Generated layers that cover options the fixtures do not; GeneratedLayerTests runs them against the reference.

[MultiHeadAttention(Heads = 3, ModelDim = 24, QueryTokens = 5, KeyTokens = 7, Projections = Projections.Fused, QkvBias = true)]
public partial class FusedCross;

[MultiHeadAttention(Heads = 4, HeadDim = 6, ModelDim = 20, Tokens = 9, Projections = Projections.Separate, OutputBias = true,
    Scale = 0.3f, Mask = AttentionMask.ValidLengthsPerQuery | AttentionMask.Causal, ReturnWeights = true)]
public partial class WideHeadsCausalPerQuery;

[MultiHeadAttention(Heads = 6, KvHeads = 1, ModelDim = 36, QueryTokens = 4, KeyTokens = 11, QuerySize = 10, KeySize = 7, ValueSize = 5,
    Projections = Projections.Separate, QkvBias = true, Mask = AttentionMask.KeyPaddingMask)]
public partial class MultiQueryCross;

[MultiHeadAttention(Heads = 2, ModelDim = 16, Tokens = 6, Mask = AttentionMask.KeepMask | AttentionMask.Causal, ReturnWeights = true)]
public partial class KeepMaskCausal;

[MultiHeadAttention(Heads = 1, ModelDim = 3, Tokens = 1, Projections = Projections.None, Mask = AttentionMask.ValidLengths)]
public partial class SingleToken;

[MultiHeadAttention(Heads = 4, KvHeads = 2, ModelDim = 32, Tokens = 5, QkvBias = true, OutputBias = true, RelativePositionBias = true,
    Mask = AttentionMask.Causal)]
public partial class GroupedRelativeCausal;
