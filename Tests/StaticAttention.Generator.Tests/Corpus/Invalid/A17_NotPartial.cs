// Corpus: A17_NotPartial
using StaticAttention;

namespace Corpus;

// The class lacks 'partial', so the generator cannot add the layer.
[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8)]
public class {|SA0015:NotPartial|};
