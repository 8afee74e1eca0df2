using System;
using System.Runtime.CompilerServices;
using StaticAttention.Internal.Threading;

namespace StaticAttention.Internal.Cpu.Attention
{
    /// <summary>
    /// The driver of the kernels the source generator writes for layers with few tokens and no mask but causal
    /// (<see cref="IShortAttentionKernel"/>): the key-major layout with the layer's sizes, strides and scale as constants.
    /// Per (b, h) pair it transposes q into this thread's buffer and calls the kernel.
    /// </summary>
    internal static unsafe class GeneratedShortAttention
    {
        /// <summary>What <see cref="AttentionCore.ForwardShort{TKernel}"/> documents.</summary>
        public static void Forward<TKernel>(
            ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, int batch,
            ReadOnlySpan<float> relativePositionBias, Span<float> context, WorkerPool? pool, int maxDegreeOfParallelism)
            where TKernel : struct, IShortAttentionKernel
        {
            ValidateKernel<TKernel>();
            Validate<TKernel>(q.Length, k.Length, v.Length, batch, relativePositionBias.Length, context.Length, maxDegreeOfParallelism);

            int pairs = batch * TKernel.Heads;
            int pairsPerIndex = (pairs + KeyMajorAttention.JobIndices - 1) / KeyMajorAttention.JobIndices;
            int count = (pairs + pairsPerIndex - 1) / pairsPerIndex;
            fixed (float* qp = q, kp = k, vp = v, cp = context, bp = relativePositionBias)
            {
                var job = new Job<TKernel>
                {
                    Q = qp, K = kp, V = vp, Context = cp,
                    Bias = TKernel.RelativePositionBias ? BiasLayout(bp, TKernel.Heads, TKernel.QueryTokens) : null,
                    Pairs = pairs, PairsPerIndex = pairsPerIndex, Wide = CpuKernel.Width == VectorWidth.Vector512,
                };
                pool.RunOrInline(ref job, count, maxDegreeOfParallelism);
            }
        }

        /// <summary>Rows of the bias layout of a generated short kernel: the query rows rounded up to 16 (a Vector512 block).</summary>
        private static int BiasRows(int queryTokens) => (queryTokens + 15) & ~15;

        /// <summary>
        /// The relative bias table <c>[2T-1, Heads]</c> in the layout of <see cref="IShortAttentionKernel"/>: per head,
        /// <c>bias[j·BiasRows + i] = table[i - j + T - 1, h] · log2(e)</c> (zero for i ≥ T), so that the lanes of key j for a
        /// block of rows from i0 are one load. Built once per call, in a buffer of the calling thread (<see cref="ThreadBuffer.GeneratedBias"/>).
        /// </summary>
        private static float* BiasLayout(float* table, int heads, int tokens)
        {
            int rows = BiasRows(tokens);
            int perHead = tokens * rows;
            float* bias = ThreadBuffer.GeneratedBias(heads * perHead);
            for (int h = 0; h < heads; h++)
            {
                float* head = bias + (nint)h * perHead;
                for (int j = 0; j < tokens; j++)
                {
                    float* key = head + (nint)j * rows;
                    for (int i = 0; i < tokens; i++) key[i] = table[(nint)(i - j + tokens - 1) * heads + h] * FlashAttention.Log2E;
                    new Span<float>(key + tokens, rows - tokens).Clear();
                }
            }

            return bias;
        }

        /// <summary>Throws unless the kernel's constants describe a short kernel this driver can run (folded away by the JIT).</summary>
        private static void ValidateKernel<TKernel>()
            where TKernel : struct, IShortAttentionKernel
        {
            int heads = TKernel.Heads, kvHeads = TKernel.KvHeads, d = TKernel.HeadDim, nq = TKernel.QueryTokens, nk = TKernel.KeyTokens;
            if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0 || d <= 0 || d > AttentionCore.ShortKernelMaxHeadDim
                || nq <= 0 || nq > AttentionCore.ShortKernelMaxTokens || nk <= 0 || nk > AttentionCore.ShortKernelMaxTokens
                || TKernel.QueryStride < heads * d || TKernel.KeyValueStride < kvHeads * d || (TKernel.RelativePositionBias && nq != nk))
            {
                throw new ArgumentException(
                    $"{typeof(TKernel).Name} is not a valid short kernel: Heads {heads}, KvHeads {kvHeads}, HeadDim {d} (at most {AttentionCore.ShortKernelMaxHeadDim}), " +
                    $"QueryTokens {nq} and KeyTokens {nk} (at most {AttentionCore.ShortKernelMaxTokens}), QueryStride {TKernel.QueryStride}, " +
                    $"KeyValueStride {TKernel.KeyValueStride}, RelativePositionBias {TKernel.RelativePositionBias}.",
                    nameof(TKernel));
            }
        }

        private static void Validate<TKernel>(int qLength, int kLength, int vLength, int batch, int biasLength, int contextLength, int maxDegreeOfParallelism)
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
                throw AttentionValidation.TooShort("q", qNeeded, qLength, $"[batch {batch} · QueryTokens {nq} rows of stride {TKernel.QueryStride}]");
            }

            long kvNeeded = ((long)batch * nk - 1) * TKernel.KeyValueStride + (long)TKernel.KvHeads * d;
            if (kLength < kvNeeded || vLength < kvNeeded)
            {
                string name = kLength < kvNeeded ? "k" : "v";
                throw AttentionValidation.TooShort(name, kvNeeded, name == "k" ? kLength : vLength, $"[batch {batch} · KeyTokens {nk} rows of stride {TKernel.KeyValueStride}]");
            }

            long contextNeeded = (long)batch * nq * heads * d;
            if (contextLength < contextNeeded)
            {
                throw AttentionValidation.TooShort("context", contextNeeded, contextLength, $"[batch {batch}, QueryTokens {nq}, Heads·HeadDim {heads * d}]");
            }

            long biasNeeded = TKernel.RelativePositionBias ? (2L * nq - 1) * heads : 0;
            if (biasLength != biasNeeded)
            {
                throw AttentionValidation.WrongLength(
                    "relativePositionBias", biasNeeded, biasLength,
                    TKernel.RelativePositionBias ? $"[2·QueryTokens-1 = {2 * nq - 1}, Heads {heads}]" : "the kernel adds no bias");
            }
        }

        /// <summary>Several (b, h) pairs per index; per pair, the driver transposes q into this thread's buffer and calls the kernel.</summary>
        private struct Job<TKernel> : IParallelJob
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
                float* qT = ThreadBuffer.Kernel(blocks * d * rows + nk * rows);
                float* p = qT + (nint)blocks * d * rows;
                nint qStride = TKernel.QueryStride, kvStride = TKernel.KeyValueStride;
                int groupSize = heads / TKernel.KvHeads;
                int biasPerHead = nk * BiasRows(nq);

                int last = Math.Min(index * PairsPerIndex + PairsPerIndex, Pairs);
                for (int pair = index * PairsPerIndex; pair < last; pair++)
                {
                    int b = pair / heads, h = pair - b * heads;
                    for (int n = 0; n < blocks; n++)
                    {
                        float* q0 = Q + ((nint)(b * nq + n * rows) * qStride + (nint)h * d);
                        int blockRows = Math.Min(rows, nq - n * rows);
                        float* dst = qT + (nint)n * d * rows;
                        Transpose.Rows8(q0, qStride, 0, blockRows, d, dst, rows);
                        if (rows == 16) Transpose.Rows8(q0, qStride, 8, blockRows, d, dst + 8, rows);
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
