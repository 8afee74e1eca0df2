// Corpus: T05_ResultAssignedToWrongType
using StaticAttention;
using StaticAttention.Dimensions;
using StaticAttention.Tensors;

namespace Corpus;

[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, QuerySize = 32, Projections = Projections.Separate)]
public partial class Up;

public static class Use
{
    // Expecting the layer to keep the width.
    public static Tensor<D8, D32> Run(Up layer, Tensor<D8, D32> x)
    {
        Tensor<D8, D32> y = {|CS0029:layer.Forward(x)|};
        return y;
    }
}
