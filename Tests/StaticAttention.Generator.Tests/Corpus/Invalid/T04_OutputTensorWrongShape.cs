// Corpus: T04_OutputTensorWrongShape
using StaticAttention;
using StaticAttention.Dimensions;
using StaticAttention.Tensors;

namespace Corpus;

[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, QuerySize = 32, Projections = Projections.Separate)]
public partial class Up;

public static class Use
{
    // The compiler picks the span overload as the nearest and reports both arguments.
    // The output buffer is sized like the input (32 features), not like the output (64).
    public static void Run(Up layer, Tensor<D8, D32> x, Tensor<D8, D32> output) => layer.Forward({|CS1503:x|}, {|CS1503:output|});
}
