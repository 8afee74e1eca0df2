// Corpus: A23_OddRotaryDims
using StaticAttention;

namespace Corpus;

// partial_rotary_factor 0.4 of head_dim 16 taken as 7 instead of rounding to a whole pair.
[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 10, Mask = AttentionMask.Causal,
    Rotary = RotaryEmbedding.RotateHalf, {|SA0028:RotaryDims = 7|})]
public partial class OddRotaryDims;
