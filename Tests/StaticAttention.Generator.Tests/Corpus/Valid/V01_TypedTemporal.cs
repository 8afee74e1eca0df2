// Corpus: V01_TypedTemporal
using StaticAttention;
using StaticAttention.Dimensions;
using StaticAttention.Tensors;

namespace Corpus;

[MultiHeadAttention(Heads = 12, ModelDim = 768, Tokens = 8, QkvBias = true, OutputBias = true, RelativePositionBias = true)]
public partial class Temporal;

public static class Use
{
    public static float[] Run(float[] frames)
    {
        var layer = Temporal.Load("aim.safetensors", "blocks.0.temporal_attn.");
        using Tensor<D8, D768> x = Tensor<D8, D768>.FromSpan(frames);
        using Tensor<D8, D768> y = layer.Forward(x);
        return y.ToArray();
    }
}
