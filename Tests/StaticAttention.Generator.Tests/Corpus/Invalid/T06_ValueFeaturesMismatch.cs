// Corpus: T06_ValueFeaturesMismatch
using StaticAttention;
using StaticAttention.Dimensions;
using StaticAttention.Tensors;

namespace Corpus;

[MultiHeadAttention(Heads = 5, ModelDim = 40, QueryTokens = 4, KeyTokens = 6, QuerySize = 24, KeySize = 16, ValueSize = 12, Projections = Projections.Separate, Mask = AttentionMask.ValidLengths)]
public partial class D2l;

public static class Use
{
    // d2l: values are 12 wide, but the keys (16 wide) are passed again as values.
    public static Tensor<D4, D40> Run(D2l layer, Tensor<D4, D24> q, Tensor<D6, D16> k, int[] lengths) =>
        layer.Forward(q, k, {|CS1503:k|}, lengths);
}
