// Corpus: N08_NamedPrefixWithoutDot
using StaticAttention;

namespace Corpus;

[MultiHeadAttention(Heads = 8, ModelDim = 512, Tokens = 16, QkvBias = true, OutputBias = true)]
public partial class Encoder;

public static class Use
{
    // torch names are encoder.layers.0.self_attn.in_proj_weight.
    public static Encoder Run(System.IO.Stream stream) => Encoder.Load(stream, {|SA0021:prefix: "encoder.layers.0.self_attn"|});
}
