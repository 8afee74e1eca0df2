// Corpus: N03_LocalArrayOneTokenShort
using StaticAttention;

namespace Corpus;

[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8)]
public partial class Layer;

public static class Use
{
    // An off-by-one in the token count.
    public static float[] Run(Layer layer)
    {
        var x = new float[7 * 64];
        var y = new float[8 * 64];
        layer.Forward({|SA0019:x|}, y);
        return y;
    }
}
