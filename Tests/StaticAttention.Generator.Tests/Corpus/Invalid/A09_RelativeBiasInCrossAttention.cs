// Corpus: A09_RelativeBiasInCrossAttention
using StaticAttention;

namespace Corpus;

// A relative position table needs one sequence (i - j over the same tokens).
[MultiHeadAttention(Heads = 4, ModelDim = 64, QueryTokens = 8, KeyTokens = 16, Projections = Projections.Separate, {|SA0007:RelativePositionBias = true|})]
public partial class CrossWithBias;
