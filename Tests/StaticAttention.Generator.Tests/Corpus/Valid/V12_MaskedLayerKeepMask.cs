// Corpus: V12_MaskedLayerKeepMask
using StaticAttention;

namespace Corpus;

[MultiHeadAttention(Heads = 6, ModelDim = 48, QueryTokens = 10, KeyTokens = 10, Projections = Projections.Separate, QkvBias = true, OutputBias = true, Mask = AttentionMask.KeepMask, ReturnWeights = true)]
public partial class ClassicAttention;

public static class Use
{
    public static void Run(ClassicAttention layer, float[] q, float[] k, float[] v, bool[] keep, float[] output, float[] weights) =>
        layer.Forward(q, k, v, mask: keep, output: output, weights: weights);
}
