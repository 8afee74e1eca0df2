// Corpus: V08_GroupedQuery
using StaticAttention;
using StaticAttention.Dimensions;
using StaticAttention.Tensors;

namespace Corpus;

[MultiHeadAttention(Heads = 8, KvHeads = 2, HeadDim = 8, ModelDim = 64, Tokens = 12, Projections = Projections.Separate, Mask = AttentionMask.Causal)]
public partial class Gqa;

public static class Use
{
    public static void Run(Gqa layer, Tensor<D12, D64> x, Tensor<D12, D64> y) => layer.Forward(x, y);
}
