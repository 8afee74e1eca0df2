// Corpus: N06_OutputNotWholeItems
using StaticAttention;

namespace Corpus;

[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, QuerySize = 32, Projections = Projections.Separate)]
public partial class Up;

public static class Use
{
    // The output sized like the 32-wide input: 256 floats per item instead of 512, not whole for a batch of one.
    public static void Run(Up layer)
    {
        var x = new float[Up.Tokens * Up.QuerySize];
        var y = new float[Up.Tokens * Up.QuerySize];
        layer.Forward(x, {|SA0020:y|});
    }
}
