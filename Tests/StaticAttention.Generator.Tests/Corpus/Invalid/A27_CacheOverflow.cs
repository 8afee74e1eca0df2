// Corpus: A27_CacheOverflow
using StaticAttention;

namespace Corpus;

// A context length typed with extra zeros: the cache alone would hold more than an int can count.
[MultiHeadAttention(Heads = 32, KvHeads = 8, HeadDim = 64, ModelDim = 2048, Tokens = 512, Mask = AttentionMask.Causal,
    Rotary = RotaryEmbedding.RotateHalf, RotaryBase = 500000f, {|SA0012:CacheTokens = 10240000|})]
public partial class CacheOverflow;
