// Corpus: A05_KvHeadsDoNotDivideHeads
using StaticAttention;

namespace Corpus;

// Grouped-query attention with 3 key/value heads for 8 query heads.
[MultiHeadAttention(Heads = 8, {|SA0004:KvHeads = 3|}, ModelDim = 512, Tokens = 64, Projections = Projections.Separate)]
public partial class Gqa;
