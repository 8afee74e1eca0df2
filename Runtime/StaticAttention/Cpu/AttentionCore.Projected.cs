using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using StaticAttention.Cpu.Vectors;
using StaticAttention.Threading;

namespace StaticAttention.Cpu
{
    /// <summary>
    /// Self-attention with its fused qkv projection, projected per (batch item, key/value head) inside the attention jobs:
    /// a job computes its heads' q, k and v columns into a per-thread buffer and runs the flash kernel on them at once, so
    /// they go from the GEMM to the kernel through L2 instead of through a <c>[batch·Tokens, (Heads + 2·KvHeads)·HeadDim]</c>
    /// buffer written and read back, and no separate packing phase waits between the two.
    /// </summary>
    public static unsafe partial class AttentionCore
    {
        /// <summary>Jobs per thread a call must have for <see cref="ForwardProjected{TShape}"/> to project per head (else the GEMM and the core split finer apart).</summary>
        private const int MinProjectedJobsPerThread = 4;

        /// <summary>Whether <see cref="ForwardProjected{TShape}"/> may project per head; tests and benchmarks turn it off to compare.</summary>
        internal static bool UseProjectedKernel { get; set; } = true;

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
            ArgumentNullException.ThrowIfNull(qkvWeights);
            long width = ((long)heads + 2L * kvHeads) * headDim;
            if (width != TShape.Width)
            {
                throw new ArgumentException(
                    $"The shape {typeof(TShape).Name} is {TShape.Width} columns wide, but (heads {heads} + 2 · kvHeads {kvHeads}) · headDim {headDim} is {width}.",
                    nameof(TShape));
            }

            if (batch > 0 && tokens > 0)
            {
                long rows = (long)batch * tokens;
                if (x.Length < rows * TShape.Inner)
                {
                    throw TooShort("x", rows * TShape.Inner, x.Length, $"[batch {batch} · tokens {tokens}, Inner {TShape.Inner}]");
                }

                if (qkv.Length < rows * width)
                {
                    throw TooShort("qkv", rows * width, qkv.Length, $"[batch {batch} · tokens {tokens}, Width {width}]");
                }
            }

            // The attention's checks (sizes, masks, context) bound batch·tokens·width by qkv's length: the int products below fit.
            int qWidth = heads * headDim, kvWidth = kvHeads * headDim;
            Validate(
                qkv.Length, (int)width, qkv.Length - qWidth, qkv.Length - qWidth - kvWidth, (int)width,
                batch, heads, kvHeads, headDim, tokens, tokens, maskKind, validLengths, mask.Length, relativePositionBias.Length,
                context.Length, weights.Length);
            Gemm.Validate<TShape>(x.Length, batch * tokens, qkvWeights, qkv.Length, maxDegreeOfParallelism);

            int threads = pool is null ? 1 : Math.Min(maxDegreeOfParallelism, pool.MaxDegreeOfParallelism);
            bool perHead = UseProjectedKernel && UseFlashKernel && weights.IsEmpty
                && tokens > ShortKeys && tokens <= FlashMaxRows
                && Gemm.ColumnsArePanels(qkvWeights, headDim)
                && (long)batch * kvHeads >= (long)MinProjectedJobsPerThread * threads;
            if (!perHead)
            {
                Gemm.Forward<TShape>(x, batch * tokens, qkvWeights, qkv, pool, maxDegreeOfParallelism);
                Forward(
                    qkv, (int)width, qkv.Slice(qWidth), qkv.Slice(qWidth + kvWidth), (int)width,
                    batch, heads, kvHeads, headDim, tokens, tokens, scale, maskKind, validLengths, mask, relativePositionBias,
                    context, weights, pool, maxDegreeOfParallelism);
                return;
            }

            fixed (float* xp = x, cp = context, bp = relativePositionBias)
            fixed (int* lp = validLengths)
            fixed (bool* mp = mask)
            {
                var job = new ProjectedJob<TShape>
                {
                    X = xp,
                    Weights = qkvWeights,
                    Core = new CoreJob
                    {
                        Context = cp, Bias = relativePositionBias.IsEmpty ? null : bp,
                        ValidLengths = lp, ValidLengthsLength = validLengths.Length, Mask = mp, MaskLength = mask.Length,
                        Heads = heads, GroupSize = heads / kvHeads, HeadDim = headDim,
                        QueryTokens = tokens, KeyTokens = tokens, Scale = scale,
                        Kind = maskKind & ~AttentionMask.Causal, Causal = (maskKind & AttentionMask.Causal) != 0,
                        QueryBlock = tokens, QueryBlocks = 1, Wide = UseVector512, Path = FlashPath, Pairs = batch * heads, PairsPerIndex = 1,
                    },
                    KvHeads = kvHeads,
                };
                pool.RunOrInline(ref job, batch * kvHeads, maxDegreeOfParallelism);
                GC.KeepAlive(qkvWeights);
            }
        }

        /// <summary>
        /// One (batch item b, key/value head g) per index: its query heads' q columns, then its k and v columns, projected into
        /// this thread's buffer as rows <c>[q of the group's heads | k | v]</c>; then the flash kernel over every query row of
        /// each of the group's heads, reading that buffer.
        /// </summary>
        private struct ProjectedJob<TShape> : IParallelJob
            where TShape : struct, IGemmShape
        {
            /// <summary>The attention as <c>Forward</c> sets it up; Q, K and V are set per index to the buffer.</summary>
            public CoreJob Core;
            public float* X;
            public PackedMatrix Weights;
            public int KvHeads;

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public readonly void Execute(int index)
            {
                int b = index / KvHeads, g = index - b * KvHeads;
                int d = Core.HeadDim, n = Core.QueryTokens, groupSize = Core.GroupSize, heads = Core.Heads;
                int stride = (groupSize + 2) * d;
                float* rows = ProjectedBuffer(n * stride);
                float* x = X + (nint)b * n * Weights.InFeatures;
                // One pass over the three column ranges: each row group of x is read once per k-block for q, k and v
                // (measured 1.2 % faster on the ViT-B module than three calls, Zen 5; the same bits).
                Gemm.ForwardColumns<TShape>(
                    x, n, Weights, g * groupSize * d, groupSize * d, (heads + g) * d, d, (heads + KvHeads + g) * d, d, rows, stride);

                // The kernel addresses head h of row (b, i) at Q + (b·n + i)·QStride + h·d, and key/value head g of row (b, j)
                // at K + (b·n + j)·KvStride + g·d: point Q, K and V back by b's rows and g's heads, so that those land in
                // the buffer (Q + (b·n + i)·stride + h·d = rows + i·stride + (h − g·groupSize)·d).
                CoreJob core = Core;
                nint back = (nint)b * n * stride;
                core.QStride = stride;
                core.KvStride = stride;
                core.Q = rows - back - (nint)g * groupSize * d;
                core.K = rows + (nint)groupSize * d - back - (nint)g * d;
                core.V = rows + (nint)(groupSize + 1) * d - back - (nint)g * d;
                for (int h = g * groupSize; h < (g + 1) * groupSize; h++)
                {
                    if (core.Wide)
                    {
                        Flash<Vector512<float>, Float512>(ref core, b, h, 0, n);
                    }
                    else
                    {
                        Flash<Vector256<float>, Float256>(ref core, b, h, 0, n);
                    }
                }
            }
        }

        /// <summary>A 64-byte aligned per-thread buffer for a job's projected rows (apart from <see cref="Buffer"/>, which the kernel uses), reallocated only to grow.</summary>
        private static float* ProjectedBuffer(int length)
        {
            float[]? array = t_projected;
            if (array is null || array.Length < length + 16)
            {
                array = GC.AllocateUninitializedArray<float>(length + 16, pinned: true);
                t_projected = array;
            }

            float* p = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
            return (float*)(((nint)p + 63) & ~(nint)63);
        }

        [ThreadStatic]
        private static float[]? t_projected;
    }
}
