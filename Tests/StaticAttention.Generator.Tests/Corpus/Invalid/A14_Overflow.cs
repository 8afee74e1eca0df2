// Corpus: A14_Overflow
using StaticAttention;

namespace Corpus;

// A sequence length typed with three extra zeros.
[MultiHeadAttention(Heads = 16, ModelDim = 1024, {|SA0012:Tokens = 4096000|})]
public partial class Huge;
