// Corpus: A01_HeadsDoNotDivideModelDim
using StaticAttention;

namespace Corpus;

// ViT-B attention with 10 heads: 768 is not divisible by 10 (the nearest divisor is 8).
[MultiHeadAttention(ModelDim = 768, {|SA0001:Heads = 10|}, Tokens = 197, QkvBias = true)]
public partial class VitAttention;
