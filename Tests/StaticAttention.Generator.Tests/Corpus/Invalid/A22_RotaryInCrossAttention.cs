// Corpus: A22_RotaryInCrossAttention
using StaticAttention;

namespace Corpus;

// Rotary positions rotate queries and keys of one sequence; a cross-attention's two sequences have no common positions.
[MultiHeadAttention(Heads = 4, ModelDim = 64, QueryTokens = 8, KeyTokens = 16, Projections = Projections.Separate,
    {|SA0027:Rotary = RotaryEmbedding.RotateHalf|})]
public partial class CrossWithRotary;
