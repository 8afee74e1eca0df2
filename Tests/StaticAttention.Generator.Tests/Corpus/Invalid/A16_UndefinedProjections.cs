// Corpus: A16_UndefinedProjections
using StaticAttention;

namespace Corpus;

// An enum value cast from an int that no member has.
[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, {|SA0014:Projections = (Projections)7|})]
public partial class BadEnum;
