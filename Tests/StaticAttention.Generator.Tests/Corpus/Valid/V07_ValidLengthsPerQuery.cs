// Corpus: V07_ValidLengthsPerQuery
using StaticAttention;
using StaticAttention.Dimensions;
using StaticAttention.Tensors;

namespace Corpus;

[MultiHeadAttention(Heads = 4, ModelDim = 20, QueryTokens = 3, KeyTokens = 5, Projections = Projections.Separate, QkvBias = true, OutputBias = true, Mask = AttentionMask.ValidLengthsPerQuery)]
public partial class PerQuery;

public static class Use
{
    public static Tensor<D3, D20> Run(PerQuery layer, Tensor<D3, D20> q, Tensor<D5, D20> kv, int[] lengths) => layer.Forward(q, kv, kv, lengths);
}
