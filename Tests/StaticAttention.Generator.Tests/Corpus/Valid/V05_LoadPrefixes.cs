// Corpus: V05_LoadPrefixes
using StaticAttention;

namespace Corpus;

[MultiHeadAttention(Heads = 8, ModelDim = 512, Tokens = 16, QkvBias = true, OutputBias = true)]
public partial class Encoder;

public static class Use
{
    public static Encoder[] Run(string path, System.IO.Stream stream, int block) =>
    [
        Encoder.Load(path),
        Encoder.Load(path, ""),
        Encoder.Load(path, "encoder.layers.0.self_attn."),
        Encoder.Load(stream, prefix: $"encoder.layers.{block}.self_attn"),
    ];
}
