using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using StaticAttention.Internal.Cpu.Vectors;
using StaticAttention.Internal.Threading;

namespace StaticAttention.Internal.Cpu.Attention
{
    /// <summary>
    /// Self-attention with its fused qkv projection, projected per (batch item, key/value head) inside the attention jobs:
    /// a job computes its heads' q, k and v columns into a per-thread buffer and runs the flash kernel on them at once, so
    /// they go from the GEMM to the kernel through L2 instead of through a <c>[batch·Tokens, (Heads + 2·KvHeads)·HeadDim]</c>
    /// buffer written and read back, and no separate packing phase waits between the two. Where that does not apply, the
    /// GEMM fills the qkv buffer and <see cref="AttentionCore"/>'s <c>Forward</c> reads it.
    /// </summary>
    internal static unsafe class ProjectedAttention
    {
        /// <summary>Jobs per thread a call must have to project per head (else the GEMM and the core split finer apart).</summary>
        private const int MinJobsPerThread = 4;

        /// <summary>What <see cref="AttentionCore.ForwardProjected{TShape}"/> documents.</summary>
        public static void Forward<TShape>(
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
                    throw AttentionValidation.TooShort("x", rows * TShape.Inner, x.Length, $"[batch {batch} · tokens {tokens}, Inner {TShape.Inner}]");
                }

                if (qkv.Length < rows * width)
                {
                    throw AttentionValidation.TooShort("qkv", rows * width, qkv.Length, $"[batch {batch} · tokens {tokens}, Width {width}]");
                }
            }

            // The attention's checks (sizes, masks, context) bound batch·tokens·width by qkv's length: the int products below fit.
            int qWidth = heads * headDim, kvWidth = kvHeads * headDim;
            AttentionValidation.Validate(
                qkv.Length, (int)width, qkv.Length - qWidth, qkv.Length - qWidth - kvWidth, (int)width,
                batch, heads, kvHeads, headDim, tokens, tokens, maskKind, validLengths, mask.Length, relativePositionBias.Length,
                context.Length, weights.Length);
            Gemm.Validate<TShape>(x.Length, batch * tokens, qkvWeights, qkv.Length, maxDegreeOfParallelism);

            int threads = pool is null ? 1 : Math.Min(maxDegreeOfParallelism, pool.MaxDegreeOfParallelism);
            bool perHead = weights.IsEmpty
                && tokens > KeyMajorAttention.MaxKeys && tokens <= FlashAttention.MaxRows
                && Gemm.ColumnsArePanels(qkvWeights, headDim)
                && (long)batch * kvHeads >= (long)MinJobsPerThread * threads;
            if (!perHead)
            {
                Gemm.Forward<TShape>(x, batch * tokens, qkvWeights, qkv, pool, maxDegreeOfParallelism);
                AttentionCore.Forward(
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
                    Core = new FlashAttention.Job
                    {
                        Operands = new AttentionOperands
                        {
                            Context = cp, Bias = relativePositionBias.IsEmpty ? null : bp, ValidLengths = lp, Mask = mp,
                            Heads = heads, GroupSize = heads / kvHeads, HeadDim = headDim,
                            QueryTokens = tokens, KeyTokens = tokens, Scale = scale,
                            Kind = maskKind & ~AttentionMask.Causal, Causal = (maskKind & AttentionMask.Causal) != 0,
                        },
                        QueryBlock = tokens, QueryBlocks = 1, Wide = CpuKernel.Width == VectorWidth.Vector512,
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
            public FlashAttention.Job Core;
            public float* X;
            public PackedMatrix Weights;
            public int KvHeads;

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public readonly void Execute(int index)
            {
                int b = index / KvHeads, g = index - b * KvHeads;
                int d = Core.Operands.HeadDim, n = Core.Operands.QueryTokens, groupSize = Core.Operands.GroupSize, heads = Core.Operands.Heads;
                int stride = (groupSize + 2) * d;
                float* rows = ThreadBuffer.Projected(n * stride);
                float* x = X + (nint)b * n * Weights.InFeatures;
                // One pass over the three column ranges: each row group of x is read once per k-block for q, k and v (the same bits).
                Gemm.ForwardColumns<TShape>(
                    x, n, Weights, g * groupSize * d, groupSize * d, (heads + g) * d, d, (heads + KvHeads + g) * d, d, rows, stride);

                // The kernel addresses head h of row (b, i) at Q + (b·n + i)·QStride + h·d, and key/value head g of row (b, j)
                // at K + (b·n + j)·KvStride + g·d: point Q, K and V back by b's rows and g's heads, so that those land in
                // the buffer (Q + (b·n + i)·stride + h·d = rows + i·stride + (h − g·groupSize)·d).
                FlashAttention.Job core = Core;
                nint back = (nint)b * n * stride;
                core.Operands.QStride = stride;
                core.Operands.KvStride = stride;
                core.Operands.Q = rows - back - (nint)g * groupSize * d;
                core.Operands.K = rows + (nint)groupSize * d - back - (nint)g * d;
                core.Operands.V = rows + (nint)(groupSize + 1) * d - back - (nint)g * d;
                for (int h = g * groupSize; h < (g + 1) * groupSize; h++)
                {
                    if (core.Wide)
                    {
                        FlashAttention.Rows<Vector512<float>, Float512>(ref core, b, h, 0, n);
                    }
                    else
                    {
                        FlashAttention.Rows<Vector256<float>, Float256>(ref core, b, h, 0, n);
                    }
                }
            }
        }
    }
}
