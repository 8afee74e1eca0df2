// Corpus: V06_KeyPaddingMask
using StaticAttention;

namespace Corpus;

[MultiHeadAttention(Heads = 4, ModelDim = 32, Tokens = 7, QkvBias = true, OutputBias = true, Mask = AttentionMask.KeyPaddingMask | AttentionMask.Causal, ReturnWeights = true)]
public partial class Torch;

public static class Use
{
    public static float[] Run(Torch layer)
    {
        var x = new float[2 * 7 * 32];
        bool[] mask = new bool[2 * 7];
        var output = new float[2 * 7 * 32];
        var weights = new float[2 * 4 * 7 * 7];
        layer.Forward(x, mask, output, weights);
        return weights;
    }
}
