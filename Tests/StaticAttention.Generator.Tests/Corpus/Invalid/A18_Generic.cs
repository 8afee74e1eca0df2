// Corpus: A18_Generic
using StaticAttention;

namespace Corpus;

// A layer generic over its element type.
[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8)]
public partial class {|SA0016:GenericLayer|}<T>;
