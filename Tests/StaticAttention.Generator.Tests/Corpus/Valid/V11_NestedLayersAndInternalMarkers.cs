// Corpus: V11_NestedLayersAndInternalMarkers
using StaticAttention;
using StaticAttention.Dimensions;
using StaticAttention.Tensors;

namespace Corpus;

public static partial class Model
{
    [MultiHeadAttention(Heads = 2, ModelDim = 8, Tokens = 4)]
    internal partial class Tiny;

    internal static Tensor<D4, D8> Run(Tiny layer, Tensor<D4, D8> x) => layer.Forward(x);
}
