// Corpus: C04_StackWithCrossAttention
using StaticAttention;
using StaticAttention.Dimensions;
using StaticAttention.Tensors;

namespace Corpus;

[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8)]
public partial class SelfBlock;

[MultiHeadAttention(Heads = 4, ModelDim = 64, QueryTokens = 8, KeyTokens = 8, Projections = Projections.Separate)]
public partial class CrossBlock;

// Cross-attention needs a memory the stack does not have.
[LayerStack(typeof(SelfBlock), {|SA0025:typeof(CrossBlock)|})]
public partial class Stack;
