// Corpus: N05_PaddingMaskTooShort
using StaticAttention;

namespace Corpus;

[MultiHeadAttention(Heads = 4, ModelDim = 32, Tokens = 7, Mask = AttentionMask.KeyPaddingMask)]
public partial class Padded;

public static class Use
{
    // One flag per key is 7 per item, not 3.
    public static void Run(Padded layer, float[] output)
    {
        float[] x = new float[7 * 32];
        bool[] mask = [true, false, true];
        layer.Forward(x, {|SA0020:mask|}, output);
    }
}
