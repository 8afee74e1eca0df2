// Corpus: A20_Static
using StaticAttention;

namespace Corpus;

// A static class cannot hold weights.
[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8)]
public static partial class {|SA0018:StaticLayer|};
