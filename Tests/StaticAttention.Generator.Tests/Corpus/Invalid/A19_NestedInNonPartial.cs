// Corpus: A19_NestedInNonPartial
using StaticAttention;

namespace Corpus;

public class Model
{
    // Nested in a class that is not partial.
    [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8)]
    public partial class {|SA0017:Attention|};
}
