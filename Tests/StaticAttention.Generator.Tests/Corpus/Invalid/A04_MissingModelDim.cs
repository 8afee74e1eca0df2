// Corpus: A04_MissingModelDim
using StaticAttention;

namespace Corpus;

// ModelDim forgotten: the layer has no width.
[{|SA0003:MultiHeadAttention|}(Heads = 8, Tokens = 16)]
public partial class NoWidth;
