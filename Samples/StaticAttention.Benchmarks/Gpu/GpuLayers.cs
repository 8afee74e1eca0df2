namespace StaticAttention.Benchmarks.Gpu;

// The layers --gpu times (besides VitBAttention and TemporalAttention of Layers.cs) and the fixture layers --verify
// runs, declared as a user would declare them. The fixture layers match Tests/Fixtures/cases.json case by case.

/// <summary>The attention core at length 4096: B1 N4096 H16 D64, no projections (q = k = v = x split into heads).</summary>
[MultiHeadAttention(Heads = 16, ModelDim = 1024, Tokens = 4096, Projections = Projections.None)]
public partial class CoreLongAttention;

/// <summary>
/// The projections of a ViT-B block with one token per batch item: attention over a single key is a softmax of one
/// score (weight 1), so nearly all the time is the qkv and output GEMMs ([rows, 768] -> 2304, then -> 768).
/// </summary>
[MultiHeadAttention(Heads = 12, ModelDim = 768, Tokens = 1, QkvBias = true, OutputBias = true)]
public partial class ProjectionsOnlyAttention;

[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, QkvBias = true, OutputBias = true, RelativePositionBias = true)]
public partial class FixtureTemporalQkv;

[MultiHeadAttention(Heads = 2, ModelDim = 32, Tokens = 16, Projections = Projections.None, RelativePositionBias = true)]
public partial class FixtureTemporalNoQkv;

[MultiHeadAttention(Heads = 5, ModelDim = 40, QueryTokens = 4, KeyTokens = 6, QuerySize = 24, KeySize = 16, ValueSize = 12,
    Projections = Projections.Separate, Mask = AttentionMask.ValidLengths)]
public partial class FixtureD2lValidLengths;

[MultiHeadAttention(Heads = 4, ModelDim = 20, QueryTokens = 3, KeyTokens = 5, Projections = Projections.Separate,
    QkvBias = true, OutputBias = true, Mask = AttentionMask.ValidLengthsPerQuery)]
public partial class FixtureD2lPerQuery;

[MultiHeadAttention(Heads = 6, ModelDim = 48, QueryTokens = 10, KeyTokens = 10, Projections = Projections.Separate,
    QkvBias = true, OutputBias = true, Mask = AttentionMask.KeepMask, ReturnWeights = true)]
public partial class FixtureSeedCMasked;

[MultiHeadAttention(Heads = 4, ModelDim = 32, QueryTokens = 5, KeyTokens = 9, Projections = Projections.Separate,
    QkvBias = true, OutputBias = true, ReturnWeights = true)]
public partial class FixtureSeedCCross;

[MultiHeadAttention(Heads = 3, ModelDim = 192, Tokens = 197, QkvBias = true, OutputBias = true)]
public partial class FixtureDeit;

[MultiHeadAttention(Heads = 4, ModelDim = 32, Tokens = 7, QkvBias = true, OutputBias = true,
    Mask = AttentionMask.KeyPaddingMask | AttentionMask.Causal, ReturnWeights = true)]
public partial class FixtureTorchCausal;

[MultiHeadAttention(Heads = 8, KvHeads = 2, HeadDim = 8, ModelDim = 64, Tokens = 12, Projections = Projections.Separate,
    Mask = AttentionMask.Causal)]
public partial class FixtureGqaCausal;
