// Corpus: N09_MaskForUnmaskedLayer
using StaticAttention;

namespace Corpus;

[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8)]
public partial class Plain;

public static class Use
{
    // A padding mask for a layer declared without one.
    public static void Run(Plain layer, float[] x, bool[] padding, float[] output) =>
        layer.Forward(x, {|SA0022:mask: padding|}, output: output);
}
