// Corpus: V10_DynamicBuffers
using StaticAttention;

namespace Corpus;

[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8)]
public partial class Layer;

public static class Use
{
    // Lengths known only at run time are checked at call time, not by the analyzer.
    public static float[] Run(Layer layer, int batch)
    {
        var x = new float[batch * Layer.Tokens * Layer.ModelDim];
        var y = new float[x.Length];
        layer.Forward(x, y);
        return y;
    }
}
