// Corpus: A12_NoProjectionsWithBias
using StaticAttention;

namespace Corpus;

// AIM's projection-free temporal attention cannot have biases.
[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, {|SA0010:Projections = Projections.None|}, QkvBias = true)]
public partial class NoQkvButBias;
