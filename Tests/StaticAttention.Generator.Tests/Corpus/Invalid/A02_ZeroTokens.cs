// Corpus: A02_ZeroTokens
using StaticAttention;

namespace Corpus;

// A length read from a config that was never filled in.
[MultiHeadAttention(Heads = 8, ModelDim = 512, {|SA0002:Tokens = 0|})]
public partial class EmptySequence;
