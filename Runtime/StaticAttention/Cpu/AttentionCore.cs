using System;
using System.ComponentModel;
using StaticAttention.Internal.Cpu.Attention;
using StaticAttention.Internal.Threading;

namespace StaticAttention.Internal.Cpu
{
    /// <summary>
    /// Scaled dot-product attention over projected heads: for every batch item b, query head h (reading key/value
    /// head <c>h / (Heads / KvHeads)</c>) and query row i, <c>context[b, i, h, :] = softmax(scale · q·kᵀ + bias, masked) · v</c>.
    /// The entry points generated code calls; the algorithms are in <c>Cpu/Attention/</c>.
    /// </summary>
    /// <remarks>
    /// <see cref="Forward(ReadOnlySpan{float}, int, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, int, int, int, int, float, AttentionMask, ReadOnlySpan{int}, ReadOnlySpan{bool}, ReadOnlySpan{float}, Span{float}, Span{float}, WorkerPool?, int)"/>
    /// chooses by shape (<see cref="AttentionPlan"/>) one of three kernels, each written once over
    /// <see cref="Vectors.IFloatVectorOps{TV}"/> and run with Vector512 or Vector256 (<see cref="CpuKernel.Width"/>):
    /// <list type="bullet">
    /// <item>At most <see cref="ShortKeys"/> keys: <see cref="KeyMajorAttention"/>.</item>
    /// <item>More keys and no weights output: <see cref="FlashAttention"/> (online softmax).</item>
    /// <item>More keys with weights output: <see cref="TwoPassAttention"/>.</item>
    /// </list>
    /// <see cref="ForwardShort{TKernel}"/> runs a kernel the source generator writes for a layer with few tokens
    /// (<see cref="IShortAttentionKernel"/>); <see cref="ForwardProjected{TShape}"/> fuses the qkv projection
    /// (<see cref="ProjectedAttention"/>). All use <see cref="FastExp"/> and keep the semantics of the plain per-row loop
    /// exactly (replacement values, -inf rows giving zeros, NaN propagation, including a zero weight times a NaN value).
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static unsafe class AttentionCore
    {
        /// <summary>The most query and key tokens a generated short kernel (<see cref="IShortAttentionKernel"/>) is written for.</summary>
        public const int ShortKernelMaxTokens = KernelLimits.ShortKernelMaxTokens;

        /// <summary>The widest head a generated short kernel (<see cref="IShortAttentionKernel"/>) is written for.</summary>
        public const int ShortKernelMaxHeadDim = KernelLimits.ShortKernelMaxHeadDim;

        /// <summary>Heads with at most this many keys use the key-major kernel (<see cref="KeyMajorAttention"/>).</summary>
        internal const int ShortKeys = KeyMajorAttention.MaxKeys;

        /// <summary>The scratch length, in floats, that the overloads of <c>Forward</c> taking a <c>scratch</c> check for.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="keyTokens"/> is not positive.</exception>
        public static int ScratchLength(int keyTokens)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keyTokens);

            // One row of scores, what the plain loop needs. The kernels keep their own per-thread buffers.
            return keyTokens;
        }

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
        /// Runs on the calling thread; see the overload with a <see cref="WorkerPool"/> for several.
        /// </summary>
        /// <remarks>
        /// <paramref name="validLengths"/> must be empty unless the mask kind reads it (then <c>[batch]</c> or
        /// <c>[batch, QueryTokens]</c>, each in <c>[0, KeyTokens]</c>); <paramref name="mask"/> likewise (<c>[batch, QueryTokens, KeyTokens]</c>
        /// or <c>[batch, KeyTokens]</c>). <paramref name="context"/>, a non-empty <paramref name="weights"/> and
        /// <paramref name="scratch"/> (<see cref="ScratchLength"/> floats) may be longer than needed.
        /// </remarks>
        /// <exception cref="ArgumentException">A size is not positive, <paramref name="heads"/> is not a multiple of
        /// <paramref name="kvHeads"/>, the mask kind is invalid, or a span has the wrong length.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A valid length is outside <c>[0, keyTokens]</c>.</exception>
        public static void Forward(
            ReadOnlySpan<float> q, int qRowStride,
            ReadOnlySpan<float> k, ReadOnlySpan<float> v, int kvRowStride,
            int batch, int heads, int kvHeads, int headDim, int queryTokens, int keyTokens, float scale,
            AttentionMask maskKind, ReadOnlySpan<int> validLengths, ReadOnlySpan<bool> mask,
            ReadOnlySpan<float> relativePositionBias,
            Span<float> context, Span<float> weights, Span<float> scratch)
        {
            Forward(
                q, qRowStride, k, v, kvRowStride, batch, heads, kvHeads, headDim, queryTokens, keyTokens, scale,
                maskKind, validLengths, mask, relativePositionBias, context, weights, scratch, null, 1);
        }

        /// <summary>
        /// Runs attention for <paramref name="batch"/> items, split over (batch item, head, block of query rows) on up to
        /// <paramref name="maxDegreeOfParallelism"/> threads of <paramref name="pool"/> (null: the calling thread). Every index
        /// writes its own rows, so the result is bitwise the same for any number of threads.
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
        /// <remarks>
        /// <paramref name="validLengths"/> must be empty unless the mask kind reads it (then <c>[batch]</c> or
        /// <c>[batch, QueryTokens]</c>, each in <c>[0, KeyTokens]</c>); <paramref name="mask"/> likewise (<c>[batch, QueryTokens, KeyTokens]</c>
        /// or <c>[batch, KeyTokens]</c>). <paramref name="context"/>, a non-empty <paramref name="weights"/> and
        /// <paramref name="scratch"/> (<see cref="ScratchLength"/> floats) may be longer than needed.
        /// <paramref name="scratch"/> is checked but not needed (the overload without it runs the same kernels); this one
        /// stays for callers that pass one.
        /// </remarks>
        /// <exception cref="ArgumentException">A size is not positive, <paramref name="heads"/> is not a multiple of
        /// <paramref name="kvHeads"/>, the mask kind is invalid, or a span has the wrong length.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A valid length is outside <c>[0, keyTokens]</c>.</exception>
        public static void Forward(
            ReadOnlySpan<float> q, int qRowStride,
            ReadOnlySpan<float> k, ReadOnlySpan<float> v, int kvRowStride,
            int batch, int heads, int kvHeads, int headDim, int queryTokens, int keyTokens, float scale,
            AttentionMask maskKind, ReadOnlySpan<int> validLengths, ReadOnlySpan<bool> mask,
            ReadOnlySpan<float> relativePositionBias,
            Span<float> context, Span<float> weights, Span<float> scratch,
            WorkerPool? pool, int maxDegreeOfParallelism)
        {
            AttentionValidation.ValidateScratch(scratch.Length, keyTokens);
            Forward(
                q, qRowStride, k, v, kvRowStride, batch, heads, kvHeads, headDim, queryTokens, keyTokens, scale,
                maskKind, validLengths, mask, relativePositionBias, context, weights, pool, maxDegreeOfParallelism);
        }

        /// <summary>
        /// Runs attention for <paramref name="batch"/> items, split over (batch item, head, block of query rows) on up to
        /// <paramref name="maxDegreeOfParallelism"/> threads of <paramref name="pool"/> (null: the calling thread). Every index
        /// writes its own rows, so the result is bitwise the same for any number of threads.
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
        /// <remarks>
        /// <paramref name="validLengths"/> must be empty unless the mask kind reads it (then <c>[batch]</c> or
        /// <c>[batch, QueryTokens]</c>, each in <c>[0, KeyTokens]</c>); <paramref name="mask"/> likewise (<c>[batch, QueryTokens, KeyTokens]</c>
        /// or <c>[batch, KeyTokens]</c>). <paramref name="context"/> and a non-empty <paramref name="weights"/> may be longer
        /// than needed. The kernels keep per-thread buffers (allocated on a thread's first call for a shape at least as large).
        /// </remarks>
        /// <exception cref="ArgumentException">A size is not positive, <paramref name="heads"/> is not a multiple of
        /// <paramref name="kvHeads"/>, the mask kind is invalid, or a span has the wrong length.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A valid length is outside <c>[0, keyTokens]</c>.</exception>
        public static void Forward(
            ReadOnlySpan<float> q, int qRowStride,
            ReadOnlySpan<float> k, ReadOnlySpan<float> v, int kvRowStride,
            int batch, int heads, int kvHeads, int headDim, int queryTokens, int keyTokens, float scale,
            AttentionMask maskKind, ReadOnlySpan<int> validLengths, ReadOnlySpan<bool> mask,
            ReadOnlySpan<float> relativePositionBias,
            Span<float> context, Span<float> weights,
            WorkerPool? pool, int maxDegreeOfParallelism)
        {
            AttentionValidation.Validate(
                q.Length, qRowStride, k.Length, v.Length, kvRowStride, batch, heads, kvHeads, headDim, queryTokens, keyTokens,
                maskKind, validLengths, mask.Length, relativePositionBias.Length, context.Length, weights.Length);

            int pairs = batch * heads;
            var plan = AttentionPlan.Choose(pairs, queryTokens, keyTokens, !weights.IsEmpty);
            fixed (float* qp = q, kp = k, vp = v, cp = context, wp = weights, bp = relativePositionBias)
            fixed (int* lp = validLengths)
            fixed (bool* mp = mask)
            {
                var operands = new AttentionOperands
                {
                    Q = qp, K = kp, V = vp, Context = cp, Weights = weights.IsEmpty ? null : wp, Bias = relativePositionBias.IsEmpty ? null : bp,
                    ValidLengths = lp, Mask = mp,
                    QStride = qRowStride, KvStride = kvRowStride, Heads = heads, GroupSize = heads / kvHeads, HeadDim = headDim,
                    QueryTokens = queryTokens, KeyTokens = keyTokens, Scale = scale,
                    Kind = maskKind & ~AttentionMask.Causal, Causal = (maskKind & AttentionMask.Causal) != 0,
                };
                switch (plan.Algorithm)
                {
                    case AttentionAlgorithm.KeyMajor:
                        KeyMajorAttention.Run(operands, plan, pairs, pool, maxDegreeOfParallelism);
                        break;
                    case AttentionAlgorithm.Flash:
                        FlashAttention.Run(operands, plan, batch, kvHeads, pool, maxDegreeOfParallelism);
                        break;
                    default:
                        TwoPassAttention.Run(operands, plan, pairs, pool, maxDegreeOfParallelism);
                        break;
                }
            }
        }

        /// <summary>
        /// Runs the generated kernel <typeparamref name="TKernel"/> for <paramref name="batch"/> items: for every batch item b,
        /// query head h and query row i, <c>context[b, i, h, :] = softmax(scale · q·kᵀ + bias, causal) · v</c>, with the
        /// sizes, strides, scale and mask the kernel was written for. The (batch item, head) pairs are split over up to
        /// <paramref name="maxDegreeOfParallelism"/> threads of <paramref name="pool"/> (null: the calling thread); every pair
        /// is computed the same way on any thread, so the result is bitwise the same for any number of threads.
        /// </summary>
        /// <typeparam name="TKernel">The kernel, as the source generator writes it for a layer.</typeparam>
        /// <param name="q">Query head h of row (b, i) starts at <c>q[(b·QueryTokens + i)·QueryStride + h·HeadDim]</c>.</param>
        /// <param name="k">Key head g of row (b, j) starts at <c>k[(b·KeyTokens + j)·KeyValueStride + g·HeadDim]</c>.</param>
        /// <param name="v">Value rows, laid out as <paramref name="k"/>.</param>
        /// <param name="batch">Batch items (at least 1).</param>
        /// <param name="relativePositionBias">The table <c>[2·QueryTokens-1, Heads]</c> when the kernel adds a relative position
        /// bias, else empty.</param>
        /// <param name="context">Receives <c>[batch·QueryTokens, Heads·HeadDim]</c> (may be longer).</param>
        /// <param name="pool">Threads to split the work over; null runs on the caller.</param>
        /// <param name="maxDegreeOfParallelism">Most threads to use (caller included).</param>
        /// <remarks>The vector width is <see cref="CpuKernel.Width"/> on the calling thread. Allocates nothing, except a
        /// per-thread buffer on a thread's first call for a shape at least as large.</remarks>
        /// <exception cref="ArgumentException"><paramref name="batch"/> or <paramref name="maxDegreeOfParallelism"/> is not
        /// positive, a span is too short, the bias table has the wrong length, or the kernel's constants are not a valid
        /// short kernel (sizes, strides, bounds).</exception>
        public static void ForwardShort<TKernel>(
            ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, int batch,
            ReadOnlySpan<float> relativePositionBias, Span<float> context, WorkerPool? pool = null, int maxDegreeOfParallelism = 1)
            where TKernel : struct, IShortAttentionKernel
        {
            GeneratedShortAttention.Forward<TKernel>(q, k, v, batch, relativePositionBias, context, pool, maxDegreeOfParallelism);
        }

        /// <summary>
        /// <c>qkv = x · Wqkvᵀ + b</c> (columns q | k | v: Heads, KvHeads and KvHeads heads of <paramref name="headDim"/>), then
        /// the attention of <see cref="Forward(ReadOnlySpan{float}, int, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, int, int, int, int, float, AttentionMask, ReadOnlySpan{int}, ReadOnlySpan{bool}, ReadOnlySpan{float}, Span{float}, Span{float}, WorkerPool?, int)"/>
        /// over those columns (self-attention: <paramref name="tokens"/> queries and keys per item) into
        /// <paramref name="context"/>. Where the flash kernel runs (no weights output, more than 16 and at most 256 tokens,
        /// head columns that are whole panels of the packed weights, and at least four (batch item, key/value head) pairs per
        /// thread), each pair is projected and attended in one job and <paramref name="qkv"/> is not written; else the
        /// projection fills <paramref name="qkv"/> and the attention reads it. Both ways compute every element with the same
        /// operations in the same order: the results are bitwise the same, for any number of threads.
        /// </summary>
        /// <typeparam name="TShape">The fused projection's shape, as the source generator writes it.</typeparam>
        /// <param name="x">Input rows <c>[batch·tokens, TShape.Inner]</c>.</param>
        /// <param name="qkvWeights">The fused projection, packed for <typeparamref name="TShape"/>.</param>
        /// <param name="qkv">Scratch of <c>[batch·tokens, TShape.Width]</c> floats, which the per-head path leaves as it was.</param>
        /// <param name="batch">Batch items.</param>
        /// <param name="heads">Query heads.</param>
        /// <param name="kvHeads">Key/value heads (a divisor of <paramref name="heads"/>).</param>
        /// <param name="headDim">Floats per head.</param>
        /// <param name="tokens">Tokens per item, queries and keys alike.</param>
        /// <param name="scale">The factor of the scores.</param>
        /// <param name="maskKind">As in <c>Forward</c>.</param>
        /// <param name="validLengths">As in <c>Forward</c>.</param>
        /// <param name="mask">As in <c>Forward</c>.</param>
        /// <param name="relativePositionBias">As in <c>Forward</c>.</param>
        /// <param name="context">The attention's output <c>[batch·tokens, Heads·HeadDim]</c>.</param>
        /// <param name="weights">As in <c>Forward</c>: empty, or the softmax weights to write.</param>
        /// <param name="pool">Threads to split the work over; null runs on the caller.</param>
        /// <param name="maxDegreeOfParallelism">Most threads to use (caller included).</param>
        /// <exception cref="ArgumentException">The shape does not fit the sizes or the weights, a size is not positive, or a
        /// span is too short (as <c>Gemm.Forward</c> and <c>Forward</c> check them).</exception>
        /// <exception cref="ArgumentOutOfRangeException">A valid length is outside <c>[0, tokens]</c>.</exception>
        public static void ForwardProjected<TShape>(
            ReadOnlySpan<float> x, PackedMatrix qkvWeights, Span<float> qkv,
            int batch, int heads, int kvHeads, int headDim, int tokens, float scale,
            AttentionMask maskKind, ReadOnlySpan<int> validLengths, ReadOnlySpan<bool> mask,
            ReadOnlySpan<float> relativePositionBias,
            Span<float> context, Span<float> weights,
            WorkerPool? pool, int maxDegreeOfParallelism)
            where TShape : struct, IGemmShape
        {
            ProjectedAttention.Forward<TShape>(
                x, qkvWeights, qkv, batch, heads, kvHeads, headDim, tokens, scale, maskKind, validLengths, mask,
                relativePositionBias, context, weights, pool, maxDegreeOfParallelism);
        }
    }
}
