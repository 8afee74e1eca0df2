using StaticAttention;

namespace StaticAttention.Tests.Weights;

// Generated layers the checkpoint tests load: a Llama-like GQA layer for sharded checkpoints, and one layer per name map.

[MultiHeadAttention(Heads = 4, KvHeads = 2, ModelDim = 16, Tokens = 5, Projections = Projections.Separate, QkvBias = true, OutputBias = true,
    Mask = AttentionMask.Causal)]
public partial class ShardedGqa;

[MultiHeadAttention(Heads = 2, ModelDim = 8, Tokens = 4, Projections = Projections.Separate, QkvBias = true, OutputBias = true)]
public partial class SeparateWithBiases;

[MultiHeadAttention(Heads = 2, ModelDim = 8, Tokens = 4, Projections = Projections.Fused, QkvBias = true, OutputBias = true,
    Mask = AttentionMask.Causal)]
public partial class FusedCausalWithBiases;
