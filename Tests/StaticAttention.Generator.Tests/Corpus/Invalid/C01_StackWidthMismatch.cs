// Corpus: C01_StackWidthMismatch
using StaticAttention;
using StaticAttention.Dimensions;
using StaticAttention.Tensors;

namespace Corpus;

[MultiHeadAttention(Heads = 12, ModelDim = 768, Tokens = 8)]
public partial class Wide;

[MultiHeadAttention(Heads = 8, ModelDim = 512, Tokens = 8)]
public partial class Narrow;

// The 768-wide output of Wide cannot feed the 512-wide Narrow.
[LayerStack(typeof(Wide), {|SA0023:typeof(Narrow)|})]
public partial class Stack;
