// Corpus: N04_OutputForAnotherBatch
using StaticAttention;

namespace Corpus;

[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8)]
public partial class Layer;

public static class Use
{
    // Two items in, an output sized for three.
    public static float[] Run(Layer layer)
    {
        var x = new float[2 * Layer.Tokens * Layer.ModelDim];
        var y = new float[3 * Layer.Tokens * Layer.ModelDim];
        layer.Forward(x, {|SA0020:y|});
        return y;
    }
}
