// Corpus: N11_PositionalMaskForUnmaskedLayer
using StaticAttention;

namespace Corpus;

[MultiHeadAttention(Heads = 4, ModelDim = 64, QueryTokens = 8, KeyTokens = 8, Projections = Projections.Separate)]
public partial class Cross;

public static class Use
{
    // A keep-mask passed positionally to a layer without a mask.
    public static void Run(Cross layer, float[] q, float[] k, float[] v, bool[] keep, float[] output) =>
        layer.{|CS1501:Forward|}(q, k, v, {|SA0022:keep|}, output);
}
