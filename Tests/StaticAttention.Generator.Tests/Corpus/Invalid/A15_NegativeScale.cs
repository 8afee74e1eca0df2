// Corpus: A15_NegativeScale
using StaticAttention;

namespace Corpus;

// A scale written as a negative exponent by mistake.
[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, {|SA0013:Scale = -0.125f|})]
public partial class NegativeScale;
