using System.ComponentModel;

namespace StaticAttention.Internal.Cpu
{
    /// <summary>
    /// An attention kernel written out by the source generator for one layer with few tokens (at most
    /// <see cref="AttentionCore.ShortKernelMaxTokens"/> queries and keys, head width at most
    /// <see cref="AttentionCore.ShortKernelMaxHeadDim"/>), run by <see cref="AttentionCore.ForwardShort{TKernel}"/> once per
    /// (batch item, head). Its sizes, strides, scale, causality and bias are constants, its loops have literal bounds and
    /// its score vectors are named locals, one per key.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Layout (key-major, as <c>Attention/KeyMajorAttention.cs</c>): query rows are cut into blocks of R rows (R = 8 for
    /// <see cref="Run256"/>; for <see cref="Run512"/>, 16 when <see cref="QueryTokens"/> &gt; 8, else 8). For a block, the
    /// score of key j is one vector whose lane r belongs to query row i0 + r, so the bias, causal masking and the softmax
    /// over keys are lane-wise; the context row i is then <c>Σ_j p_j[r] · v_j</c>.
    /// </para>
    /// <para>
    /// The arguments, by reference into memory the caller owns for the call:
    /// <c>qT</c>, the head's queries transposed per block: element d of row i0 + r at <c>qT[(i0 / R · HeadDim + d) · R + r]</c>
    /// (rows past the end repeat the last row); <c>k</c> and <c>v</c>, row 0 of the head's keys and values, rows
    /// <see cref="KeyValueStride"/> apart; <c>bias</c>, the head's relative position bias in log2 units,
    /// <c>bias[j · BiasRows + i] = table[i - j + T - 1, h] · log2(e)</c> with <c>BiasRows = ⌈QueryTokens / 16⌉ · 16</c> (not read
    /// without <see cref="RelativePositionBias"/>); <c>p</c>, room for <c>KeyTokens · R</c> floats; <c>context</c>, element 0 of
    /// the head's first output row, rows <c>Heads · HeadDim</c> apart.
    /// </para>
    /// <para>
    /// Semantics are those of <see cref="AttentionCore.Forward(System.ReadOnlySpan{float}, int, System.ReadOnlySpan{float}, System.ReadOnlySpan{float}, int, int, int, int, int, int, int, float, AttentionMask, System.ReadOnlySpan{int}, System.ReadOnlySpan{bool}, System.ReadOnlySpan{float}, System.Span{float}, System.Span{float}, System.Span{float})"/>
    /// with <see cref="AttentionMask.None"/> or <see cref="AttentionMask.Causal"/>: the exponent is <see cref="FastExp"/>'s
    /// exp2 of scores scaled by scale·log2(e); a row whose scores are all -inf gives zeros; a NaN score makes its row NaN;
    /// every key's value is multiplied by its weight, a zero weight included (so a NaN value propagates).
    /// </para>
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public interface IShortAttentionKernel
    {
        /// <summary>Query heads.</summary>
        static abstract int Heads { get; }

        /// <summary>Key/value heads; query head h reads head <c>h / (Heads / KvHeads)</c>.</summary>
        static abstract int KvHeads { get; }

        /// <summary>Width of one head.</summary>
        static abstract int HeadDim { get; }

        /// <summary>Query rows per batch item.</summary>
        static abstract int QueryTokens { get; }

        /// <summary>Key (and value) rows per batch item.</summary>
        static abstract int KeyTokens { get; }

        /// <summary>Distance between query rows (the width of the buffer q is a column block of).</summary>
        static abstract int QueryStride { get; }

        /// <summary>Distance between key rows, and between value rows.</summary>
        static abstract int KeyValueStride { get; }

        /// <summary>Whether the kernel adds a relative position bias (then <c>QueryTokens = KeyTokens</c>).</summary>
        static abstract bool RelativePositionBias { get; }

        /// <summary>One (batch item, head), with Vector256 score vectors of 8 query rows.</summary>
        static abstract void Run256(ref float qT, ref float k, ref float v, ref float bias, ref float p, ref float context);

        /// <summary>One (batch item, head), with Vector512 score vectors of 16 query rows (Vector256 of 8 when there are at most 8).</summary>
        static abstract void Run512(ref float qT, ref float k, ref float v, ref float bias, ref float p, ref float context);
    }
}
