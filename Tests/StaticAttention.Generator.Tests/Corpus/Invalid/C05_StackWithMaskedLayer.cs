// Corpus: C05_StackWithMaskedLayer
using StaticAttention;
using StaticAttention.Dimensions;
using StaticAttention.Tensors;

namespace Corpus;

[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, Mask = AttentionMask.KeyPaddingMask)]
public partial class Padded;

// A padding mask per call cannot pass through the stack.
[LayerStack({|SA0025:typeof(Padded)|})]
public partial class Stack;
