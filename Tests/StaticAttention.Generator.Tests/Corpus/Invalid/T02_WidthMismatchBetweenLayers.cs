// Corpus: T02_WidthMismatchBetweenLayers
using StaticAttention;
using StaticAttention.Dimensions;
using StaticAttention.Tensors;

namespace Corpus;

[MultiHeadAttention(Heads = 12, ModelDim = 768, Tokens = 8)]
public partial class Wide;

[MultiHeadAttention(Heads = 8, ModelDim = 512, Tokens = 8)]
public partial class Narrow;

public static class Use
{
    // Feeding a 768-wide output into a 512-wide layer.
    public static Tensor<D8, D512> Run(Wide wide, Narrow narrow, Tensor<D8, D768> x)
    {
        using Tensor<D8, D768> h = wide.Forward(x);
        return narrow.Forward({|CS1503:h|});
    }
}
