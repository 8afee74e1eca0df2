using System;

namespace StaticAttention
{
    /// <summary>
    /// Which masks a layer's <c>Forward</c> accepts. At most one of <see cref="ValidLengths"/>,
    /// <see cref="ValidLengthsPerQuery"/>, <see cref="KeepMask"/> and <see cref="KeyPaddingMask"/>;
    /// <see cref="Causal"/> combines with any of them.
    /// </summary>
    [Flags]
    public enum AttentionMask
    {
        /// <summary>No mask: every query sees every key.</summary>
        None = 0,

        /// <summary>
        /// d2l <c>valid_lens</c> per batch item, shape <c>(B)</c>: keys at or beyond the length get the score -1e6
        /// (replaced, not added), so a length of 0 gives uniform weights.
        /// </summary>
        ValidLengths = 1,

        /// <summary>d2l <c>valid_lens</c> per query row, shape <c>(B, QueryTokens)</c>, with the same -1e6 replacement.</summary>
        ValidLengthsPerQuery = 2,

        /// <summary>
        /// A boolean keep-mask <c>(B, QueryTokens, KeyTokens)</c>, true = attend, in the element order of the classic Wq/Wk/Wv/fc module's
        /// <c>[B,1,Nq,Nk]</c>; masked scores are replaced by -1e9, so a fully masked row gives uniform weights.
        /// </summary>
        KeepMask = 4,

        /// <summary>
        /// torch <c>key_padding_mask</c> <c>(B, KeyTokens)</c>, true = ignore that key; masked scores are -inf, and a
        /// query row with no visible key gives zeros (not NaN).
        /// </summary>
        KeyPaddingMask = 8,

        /// <summary>Query i sees keys j ≤ i (-inf elsewhere). Needs equal query and key lengths.</summary>
        Causal = 16,
    }
}
