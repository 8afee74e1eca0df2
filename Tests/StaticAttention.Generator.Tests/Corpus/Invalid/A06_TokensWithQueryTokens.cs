// Corpus: A06_TokensWithQueryTokens
using StaticAttention;

namespace Corpus;

// Self-attention length and a cross-attention query length together.
[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, {|SA0005:QueryTokens = 8|})]
public partial class Confused;
