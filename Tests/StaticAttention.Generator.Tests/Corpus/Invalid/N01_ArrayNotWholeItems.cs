// Corpus: N01_ArrayNotWholeItems
using StaticAttention;

namespace Corpus;

[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8)]
public partial class Layer;

public static class Use
{
    // 1000 floats are not a whole number of 8x64 items.
    public static void Run(Layer layer, float[] output) => layer.Forward({|SA0019:new float[1000]|}, output);
}
