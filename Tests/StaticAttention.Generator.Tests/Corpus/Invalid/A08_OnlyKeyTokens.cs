// Corpus: A08_OnlyKeyTokens
using StaticAttention;

namespace Corpus;

// Cross-attention with the query length missing.
[MultiHeadAttention(Heads = 4, ModelDim = 64, {|SA0006:KeyTokens = 49|})]
public partial class HalfCross;
