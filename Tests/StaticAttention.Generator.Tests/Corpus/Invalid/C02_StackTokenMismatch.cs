// Corpus: C02_StackTokenMismatch
using StaticAttention;
using StaticAttention.Dimensions;
using StaticAttention.Tensors;

namespace Corpus;

[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8)]
public partial class Short;

[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 16)]
public partial class Long;

// 8 tokens in, 16 expected next.
[LayerStack(typeof(Short), typeof(Short), {|SA0023:typeof(Long)|})]
public partial class Stack;
