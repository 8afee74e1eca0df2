// Corpus: N07_PrefixWithoutDot
using StaticAttention;

namespace Corpus;

[MultiHeadAttention(Heads = 12, ModelDim = 768, Tokens = 8, QkvBias = true, OutputBias = true, RelativePositionBias = true)]
public partial class Temporal;

public static class Use
{
    // timm names are blocks.0.temporal_attn.qkv.weight: the prefix needs its dot.
    public static Temporal Run() => Temporal.Load("aim.safetensors", {|SA0021:"blocks.0.temporal_attn"|});
}
