// Corpus: V09_NoProjections
using StaticAttention;
using StaticAttention.Dimensions;
using StaticAttention.Tensors;

namespace Corpus;

[MultiHeadAttention(Heads = 2, ModelDim = 32, Tokens = 16, Projections = Projections.None, RelativePositionBias = true)]
public partial class NoQkv;

public static class Use
{
    public static Tensor<D16, D32> Run(NoQkv layer, Tensor<D16, D32> x)
    {
        using Tensor<D16, D32> h = layer.Forward(x);
        return layer.Forward(h);
    }
}
