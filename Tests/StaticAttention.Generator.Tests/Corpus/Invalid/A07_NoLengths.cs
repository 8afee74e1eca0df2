// Corpus: A07_NoLengths
using StaticAttention;

namespace Corpus;

// No sequence length at all.
[{|SA0006:MultiHeadAttention|}(Heads = 4, ModelDim = 64)]
public partial class NoLength;
