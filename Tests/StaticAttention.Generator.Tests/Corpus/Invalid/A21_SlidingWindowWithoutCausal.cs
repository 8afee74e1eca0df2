// Corpus: A21_SlidingWindowWithoutCausal
using StaticAttention;

namespace Corpus;

// Mistral's config names sliding_window, but the causal mask is implied there and must be written here.
[MultiHeadAttention(Heads = 4, KvHeads = 1, HeadDim = 8, ModelDim = 32, Tokens = 14, Projections = Projections.Separate,
    Rotary = RotaryEmbedding.RotateHalf, {|SA0026:SlidingWindow = 4|})]
public partial class WindowWithoutCausal;
