// Corpus: C03_StackMemberNotALayer
using StaticAttention;
using StaticAttention.Dimensions;
using StaticAttention.Tensors;

namespace Corpus;

[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8)]
public partial class Block;

public sealed class LayerNorm;

// LayerNorm is not an attention layer.
[LayerStack(typeof(Block), {|SA0024:typeof(LayerNorm)|})]
public partial class Stack;
