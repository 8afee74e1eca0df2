// Corpus: A03_NegativeKeySize
using StaticAttention;

namespace Corpus;

// A sign slip in a computed key size.
[MultiHeadAttention(Heads = 8, ModelDim = 512, QueryTokens = 16, KeyTokens = 32, {|SA0002:KeySize = -256|}, Projections = Projections.Separate)]
public partial class CrossAttention;
