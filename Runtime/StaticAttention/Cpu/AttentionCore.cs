using System;

namespace StaticAttention.Cpu
{
    /// <summary>
    /// Scaled dot-product attention over projected heads: for every batch item b, query head h (reading key/value
    /// head <c>h / (Heads / KvHeads)</c>) and query row i, <c>context[b, i, h, :] = softmax(scale · q·kᵀ + bias, masked) · v</c>.
    /// </summary>
    public static class AttentionCore
    {
        /// <summary>The scratch length, in floats, that <see cref="Forward"/> needs.</summary>
        public static int ScratchLength(int keyTokens) => throw new NotImplementedException();

        /// <summary>
        /// Runs attention for <paramref name="batch"/> items.
        /// Query head h of row (b, i) starts at <c>q[(b·QueryTokens + i)·qRowStride + h·HeadDim]</c>; key and value head g
        /// of row (b, j) at <c>k[(b·KeyTokens + j)·kvRowStride + g·HeadDim]</c> (likewise <paramref name="v"/>), so the
        /// columns of a fused qkv projection can be passed as slices without copying.
        /// <paramref name="context"/> is <c>[batch·QueryTokens, Heads·HeadDim]</c>; <paramref name="weights"/> is
        /// <c>[batch, Heads, QueryTokens, KeyTokens]</c> or empty.
        /// Masks (<paramref name="maskKind"/>): <see cref="AttentionMask.ValidLengths"/> / <see cref="AttentionMask.ValidLengthsPerQuery"/>
        /// replace scores of keys at or beyond the length by -1e6; <see cref="AttentionMask.KeepMask"/> replaces scores where
        /// <paramref name="mask"/> is false by -1e9; <see cref="AttentionMask.KeyPaddingMask"/> sets keys where
        /// <paramref name="mask"/> is true to -inf; <see cref="AttentionMask.Causal"/> sets keys j &gt; i to -inf
        /// (applied after the replacements). A row with every score -inf gives zero weights and a zero context.
        /// <paramref name="relativePositionBias"/> is the <c>[2·QueryTokens-1, Heads]</c> table or empty; it is added to the
        /// scaled scores before masking.
        /// </summary>
        public static void Forward(
            ReadOnlySpan<float> q, int qRowStride,
            ReadOnlySpan<float> k, ReadOnlySpan<float> v, int kvRowStride,
            int batch, int heads, int kvHeads, int headDim, int queryTokens, int keyTokens, float scale,
            AttentionMask maskKind, ReadOnlySpan<int> validLengths, ReadOnlySpan<bool> mask,
            ReadOnlySpan<float> relativePositionBias,
            Span<float> context, Span<float> weights, Span<float> scratch) => throw new NotImplementedException();
    }
}
