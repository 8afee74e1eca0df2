// Corpus: A25_NegativeSoftcap
using StaticAttention;

namespace Corpus;

// A softcap is a bound on |score|: negative makes no sense.
[MultiHeadAttention(Heads = 4, KvHeads = 2, HeadDim = 32, ModelDim = 64, Tokens = 12, Mask = AttentionMask.Causal,
    Rotary = RotaryEmbedding.RotateHalf, {|SA0030:Softcap = -50f|})]
public partial class NegativeSoftcap;
