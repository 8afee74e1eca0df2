// Corpus: A13_FusedWithDifferentKeySize
using StaticAttention;

namespace Corpus;

// One fused in_proj_weight cannot map a 384-wide key.
[MultiHeadAttention(Heads = 4, ModelDim = 64, QueryTokens = 8, KeyTokens = 8, {|SA0011:KeySize = 384|})]
public partial class FusedCross;
