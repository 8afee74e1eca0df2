// Corpus: V03_Stack
using StaticAttention;
using StaticAttention.Dimensions;
using StaticAttention.Tensors;

namespace Corpus;

[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, QuerySize = 32, Projections = Projections.Separate)]
public partial class Up;

[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, Mask = AttentionMask.Causal)]
public partial class Block;

[LayerStack(typeof(Up), typeof(Block), typeof(Block))]
public partial class Encoder;

public static class Use
{
    public static Tensor<D8, D64> Run(Up up, Block a, Block b, Tensor<D8, D32> x) => new Encoder(up, a, b).Forward(x);
}
