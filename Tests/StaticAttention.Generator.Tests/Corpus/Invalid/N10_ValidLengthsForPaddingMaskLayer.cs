// Corpus: N10_ValidLengthsForPaddingMaskLayer
using StaticAttention;

namespace Corpus;

[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, Mask = AttentionMask.KeyPaddingMask)]
public partial class Padded;

public static class Use
{
    // d2l-style valid lengths for a layer that takes a torch key padding mask.
    public static void Run(Padded layer, float[] x, int[] lengths, float[] output) =>
        layer.Forward(x, {|SA0022:validLengths: lengths|}, output: output);
}
