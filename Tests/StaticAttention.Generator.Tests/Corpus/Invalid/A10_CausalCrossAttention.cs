// Corpus: A10_CausalCrossAttention
using StaticAttention;

namespace Corpus;

// A decoder's causal mask put on the encoder-decoder attention (10 queries, 20 keys).
[MultiHeadAttention(Heads = 4, ModelDim = 64, QueryTokens = 10, KeyTokens = 20, Projections = Projections.Separate, {|SA0008:Mask = AttentionMask.Causal|})]
public partial class CausalCross;
