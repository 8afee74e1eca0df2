// Corpus: A26_CacheWithPaddingMask
using StaticAttention;

namespace Corpus;

// A decoder with padded prompts: this release runs a cache with the causal mask alone.
[MultiHeadAttention(Heads = 4, KvHeads = 2, HeadDim = 16, ModelDim = 64, Tokens = 11,
    Mask = AttentionMask.Causal | AttentionMask.KeyPaddingMask, Rotary = RotaryEmbedding.RotateHalf, {|SA0031:CacheTokens = 16|})]
public partial class CacheWithPaddingMask;
