// Corpus: N02_StackallocNotWholeItems
using StaticAttention;

namespace Corpus;

[MultiHeadAttention(Heads = 2, ModelDim = 16, Tokens = 4)]
public partial class Small;

public static class Use
{
    // Tokens and features swapped in the buffer size: 4 + 16 instead of 4 * 16.
    public static void Run(Small layer)
    {
        System.Span<float> x = stackalloc float[Small.Tokens + Small.ModelDim];
        System.Span<float> y = stackalloc float[Small.Tokens * Small.ModelDim];
        layer.Forward({|SA0019:x|}, y);
    }
}
