// Corpus: C06_StackWithInvalidLayer
using StaticAttention;

namespace Corpus;

[MultiHeadAttention(ModelDim = 64, {|SA0001:Heads = 5|}, Tokens = 8)]
public partial class Broken;

// A stack of a layer that does not compile.
[LayerStack({|SA0024:typeof(Broken)|})]
public partial class Stack;
