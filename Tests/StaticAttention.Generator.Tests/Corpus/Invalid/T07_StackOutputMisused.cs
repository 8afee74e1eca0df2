// Corpus: T07_StackOutputMisused
using StaticAttention;
using StaticAttention.Dimensions;
using StaticAttention.Tensors;

namespace Corpus;

[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8)]
public partial class Block;

[LayerStack(typeof(Block), typeof(Block))]
public partial class Encoder;

[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 16)]
public partial class LongBlock;

public static class Use
{
    // The encoder works on 8 tokens; its output cannot feed a 16-token layer.
    public static Tensor<D16, D64> Run(Encoder encoder, LongBlock next, Tensor<D8, D64> x)
    {
        using Tensor<D8, D64> h = encoder.Forward(x);
        return next.Forward({|CS1503:h|});
    }
}
