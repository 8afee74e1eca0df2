using System;
using System.Runtime.CompilerServices;
using StaticAttention.Threading;

namespace StaticAttention.Cpu
{
    /// <summary>The driver of the kernels the source generator writes for layers with few tokens (<see cref="IShortAttentionKernel"/>).</summary>
    public static unsafe partial class AttentionCore
    {
        /// <summary>The most query and key tokens a generated short kernel (<see cref="IShortAttentionKernel"/>) is written for.</summary>
        public const int ShortKernelMaxTokens = KernelLimits.ShortKernelMaxTokens;

        /// <summary>The widest head a generated short kernel (<see cref="IShortAttentionKernel"/>) is written for.</summary>
        public const int ShortKernelMaxHeadDim = KernelLimits.ShortKernelMaxHeadDim;

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
            ValidateShortKernel<TKernel>();
            ValidateShort<TKernel>(q.Length, k.Length, v.Length, batch, relativePositionBias.Length, context.Length, maxDegreeOfParallelism);

            int pairs = batch * TKernel.Heads;
            int pairsPerIndex = (pairs + ShortIndices - 1) / ShortIndices;
            int count = (pairs + pairsPerIndex - 1) / pairsPerIndex;
            fixed (float* qp = q, kp = k, vp = v, cp = context, bp = relativePositionBias)
            {
                var job = new EmittedShortJob<TKernel>
                {
                    Q = qp, K = kp, V = vp, Context = cp,
                    Bias = TKernel.RelativePositionBias ? ShortKernelBias(bp, TKernel.Heads, TKernel.QueryTokens) : null,
                    Pairs = pairs, PairsPerIndex = pairsPerIndex, Wide = UseVector512,
                };
                pool.RunOrInline(ref job, count, maxDegreeOfParallelism);
            }
        }

        /// <summary>Rows of the bias layout of a generated short kernel: the query rows rounded up to 16 (a Vector512 block).</summary>
        private static int ShortKernelBiasRows(int queryTokens) => (queryTokens + 15) & ~15;

        /// <summary>
        /// The relative bias table <c>[2T-1, Heads]</c> in the layout of <see cref="IShortAttentionKernel"/>: per head,
        /// <c>bias[j·BiasRows + i] = table[i - j + T - 1, h] · log2(e)</c> (zero for i ≥ T), so that the lanes of key j for a
        /// block of rows from i0 are one load. Built once per call, in a buffer of the calling thread.
        /// </summary>
        private static float* ShortKernelBias(float* table, int heads, int tokens)
        {
            int rows = ShortKernelBiasRows(tokens);
            int perHead = tokens * rows;
            float[]? array = t_shortKernelBias;
            if (array is null || array.Length < heads * perHead)
            {
                array = GC.AllocateArray<float>(heads * perHead, pinned: true);
                t_shortKernelBias = array;
            }

            float* bias = (float*)Unsafe.AsPointer(ref array[0]);
            for (int h = 0; h < heads; h++)
            {
                float* head = bias + (nint)h * perHead;
                for (int j = 0; j < tokens; j++)
                {
                    float* key = head + (nint)j * rows;
                    for (int i = 0; i < tokens; i++) key[i] = table[(nint)(i - j + tokens - 1) * heads + h] * Log2E;
                    new Span<float>(key + tokens, rows - tokens).Clear();
                }
            }

            return bias;
        }

        [ThreadStatic]
        private static float[]? t_shortKernelBias;

        /// <summary>Throws unless the kernel's constants describe a short kernel this driver can run (folded away by the JIT).</summary>
        private static void ValidateShortKernel<TKernel>()
            where TKernel : struct, IShortAttentionKernel
        {
            int heads = TKernel.Heads, kvHeads = TKernel.KvHeads, d = TKernel.HeadDim, nq = TKernel.QueryTokens, nk = TKernel.KeyTokens;
            if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0 || d <= 0 || d > ShortKernelMaxHeadDim
                || nq <= 0 || nq > ShortKernelMaxTokens || nk <= 0 || nk > ShortKernelMaxTokens
                || TKernel.QueryStride < heads * d || TKernel.KeyValueStride < kvHeads * d || (TKernel.RelativePositionBias && nq != nk))
            {
                throw new ArgumentException(
                    $"{typeof(TKernel).Name} is not a valid short kernel: Heads {heads}, KvHeads {kvHeads}, HeadDim {d} (at most {ShortKernelMaxHeadDim}), " +
                    $"QueryTokens {nq} and KeyTokens {nk} (at most {ShortKernelMaxTokens}), QueryStride {TKernel.QueryStride}, " +
                    $"KeyValueStride {TKernel.KeyValueStride}, RelativePositionBias {TKernel.RelativePositionBias}.",
                    nameof(TKernel));
            }
        }

        private static void ValidateShort<TKernel>(int qLength, int kLength, int vLength, int batch, int biasLength, int contextLength, int maxDegreeOfParallelism)
            where TKernel : struct, IShortAttentionKernel
        {
            if (batch <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be at least 1.");
            }

            if (maxDegreeOfParallelism < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "maxDegreeOfParallelism must be at least 1.");
            }

            int heads = TKernel.Heads, d = TKernel.HeadDim, nq = TKernel.QueryTokens, nk = TKernel.KeyTokens;
            long qNeeded = ((long)batch * nq - 1) * TKernel.QueryStride + (long)heads * d;
            if (qLength < qNeeded)
            {
                throw TooShort("q", qNeeded, qLength, $"[batch {batch} · QueryTokens {nq} rows of stride {TKernel.QueryStride}]");
            }

            long kvNeeded = ((long)batch * nk - 1) * TKernel.KeyValueStride + (long)TKernel.KvHeads * d;
            if (kLength < kvNeeded || vLength < kvNeeded)
            {
                string name = kLength < kvNeeded ? "k" : "v";
                throw TooShort(name, kvNeeded, name == "k" ? kLength : vLength, $"[batch {batch} · KeyTokens {nk} rows of stride {TKernel.KeyValueStride}]");
            }

            long contextNeeded = (long)batch * nq * heads * d;
            if (contextLength < contextNeeded)
            {
                throw TooShort("context", contextNeeded, contextLength, $"[batch {batch}, QueryTokens {nq}, Heads·HeadDim {heads * d}]");
            }

            long biasNeeded = TKernel.RelativePositionBias ? (2L * nq - 1) * heads : 0;
            if (biasLength != biasNeeded)
            {
                throw WrongLength(
                    "relativePositionBias", biasNeeded, biasLength,
                    TKernel.RelativePositionBias ? $"[2·QueryTokens-1 = {2 * nq - 1}, Heads {heads}]" : "the kernel adds no bias");
            }
        }

        /// <summary>Several (b, h) pairs per index; per pair, the driver transposes q into this thread's buffer and calls the kernel.</summary>
        private struct EmittedShortJob<TKernel> : IParallelJob
            where TKernel : struct, IShortAttentionKernel
        {
            public float* Q, K, V, Context, Bias;
            public int Pairs, PairsPerIndex;
            public bool Wide;

            // Compiled fully optimised on first use: a kernel must not run its first second of calls as tier-0 code.
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public readonly void Execute(int index)
            {
                int heads = TKernel.Heads, d = TKernel.HeadDim, nq = TKernel.QueryTokens, nk = TKernel.KeyTokens;
                int rows = Wide && nq > 8 ? 16 : 8;
                int blocks = (nq + rows - 1) / rows;
                float* qT = Buffer(blocks * d * rows + nk * rows);
                float* p = qT + (nint)blocks * d * rows;
                nint qStride = TKernel.QueryStride, kvStride = TKernel.KeyValueStride;
                int groupSize = heads / TKernel.KvHeads;
                int biasPerHead = nk * ShortKernelBiasRows(nq);

                int last = Math.Min(index * PairsPerIndex + PairsPerIndex, Pairs);
                for (int pair = index * PairsPerIndex; pair < last; pair++)
                {
                    int b = pair / heads, h = pair - b * heads;
                    for (int n = 0; n < blocks; n++)
                    {
                        float* q0 = Q + ((nint)(b * nq + n * rows) * qStride + (nint)h * d);
                        int blockRows = Math.Min(rows, nq - n * rows);
                        float* dst = qT + (nint)n * d * rows;
                        TransposeRows(q0, qStride, 0, blockRows, d, dst, rows);
                        if (rows == 16) TransposeRows(q0, qStride, 8, blockRows, d, dst + 8, rows);
                    }

                    nint kv = (nint)b * nk * kvStride + (nint)(h / groupSize) * d;
                    float* c = Context + ((nint)b * nq * heads * d + (nint)h * d);
                    ref float bias = ref Bias == null ? ref Unsafe.NullRef<float>() : ref Unsafe.AsRef<float>(Bias + (nint)h * biasPerHead);
                    if (Wide)
                    {
                        TKernel.Run512(ref Unsafe.AsRef<float>(qT), ref Unsafe.AsRef<float>(K + kv), ref Unsafe.AsRef<float>(V + kv), ref bias, ref Unsafe.AsRef<float>(p), ref Unsafe.AsRef<float>(c));
                    }
                    else
                    {
                        TKernel.Run256(ref Unsafe.AsRef<float>(qT), ref Unsafe.AsRef<float>(K + kv), ref Unsafe.AsRef<float>(V + kv), ref bias, ref Unsafe.AsRef<float>(p), ref Unsafe.AsRef<float>(c));
                    }
                }
            }
        }
    }
}
