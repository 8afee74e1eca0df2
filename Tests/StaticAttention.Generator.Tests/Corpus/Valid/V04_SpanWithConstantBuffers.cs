// Corpus: V04_SpanWithConstantBuffers
using StaticAttention;

namespace Corpus;

[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8)]
public partial class Layer;

public static class Use
{
    public static float[] Run(Layer layer)
    {
        var x = new float[3 * Layer.Tokens * Layer.ModelDim];
        var y = new float[3 * Layer.Tokens * Layer.ModelDim];
        layer.Forward(x, y);
        System.Span<float> one = stackalloc float[Layer.Tokens * Layer.ModelDim];
        layer.Forward(one, new System.Span<float>(y, 0, one.Length));
        return y;
    }
}
