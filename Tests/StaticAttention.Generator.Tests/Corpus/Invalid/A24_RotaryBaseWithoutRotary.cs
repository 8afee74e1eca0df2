// Corpus: A24_RotaryBaseWithoutRotary
using StaticAttention;

namespace Corpus;

// rope_theta copied from Qwen2's config, but Rotary itself forgotten: a warning, the layer is still generated.
[MultiHeadAttention(Heads = 6, KvHeads = 2, HeadDim = 8, ModelDim = 48, Tokens = 9, Mask = AttentionMask.Causal, QkvBias = true,
    {|SA0029:RotaryBase = 1000000f|})]
public partial class RotaryBaseWithoutRotary;
