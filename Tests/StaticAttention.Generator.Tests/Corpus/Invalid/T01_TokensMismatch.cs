// Corpus: T01_TokensMismatch
using StaticAttention;
using StaticAttention.Dimensions;
using StaticAttention.Tensors;

namespace Corpus;

[MultiHeadAttention(Heads = 12, ModelDim = 768, Tokens = 16)]
public partial class Layer16;

public static class Use
{
    // An activation of (8, 768) where (16, 768) is expected.
    public static Tensor<D16, D768> Run(Layer16 layer, Tensor<D8, D768> x) => layer.Forward({|CS1503:x|});
}

[MultiHeadAttention(Heads = 12, ModelDim = 768, Tokens = 8)]
public partial class Layer8;
