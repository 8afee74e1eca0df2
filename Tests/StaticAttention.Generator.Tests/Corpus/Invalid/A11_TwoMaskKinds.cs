// Corpus: A11_TwoMaskKinds
using StaticAttention;

namespace Corpus;

// Valid lengths and a key padding mask say the same thing twice.
[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, {|SA0009:Mask = AttentionMask.ValidLengths | AttentionMask.KeyPaddingMask|})]
public partial class DoubleMask;
