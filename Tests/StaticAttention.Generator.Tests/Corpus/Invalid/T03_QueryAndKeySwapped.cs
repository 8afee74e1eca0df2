// Corpus: T03_QueryAndKeySwapped
using StaticAttention;
using StaticAttention.Dimensions;
using StaticAttention.Tensors;

namespace Corpus;

[MultiHeadAttention(Heads = 8, ModelDim = 512, QueryTokens = 16, KeyTokens = 49, KeySize = 256, ValueSize = 256, Projections = Projections.Separate)]
public partial class Cross;

public static class Use
{
    // The image memory passed as the query and the text as the key.
    public static Tensor<D16, D512> Run(Cross layer, Tensor<D16, D512> text, Tensor<D49, D256> image) =>
        layer.Forward({|CS1503:image|}, {|CS1503:text|}, image);
}
