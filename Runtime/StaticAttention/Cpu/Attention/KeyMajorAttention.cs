using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using StaticAttention.Internal.Cpu.Vectors;
using StaticAttention.Internal.Threading;

namespace StaticAttention.Internal.Cpu.Attention
{
    /// <summary>
    /// The key-major kernel for heads with few keys (<see cref="MaxKeys"/> or fewer), written once for both widths: the
    /// query rows of a block are the lanes of TV (8 with Vector256 and <see cref="Float256"/> as TOps, 16 with Vector512 and
    /// <see cref="Float512"/>), and the context columns are vectors of TC (operations TCOps), which may be wider than TV
    /// (with AVX-512 and at most 8 query rows, 8 lanes hold every row and the context still runs 16 columns per instruction).
    /// For a block of rows, vector j holds the scores of key j for every row, so masks and the softmax are lane-wise
    /// across key vectors (no horizontal reductions, no transposed keys); several (b, h) pairs per job index.
    /// </summary>
    internal static unsafe partial class KeyMajorAttention
    {
        /// <summary>Heads with at most this many keys use the key-major kernel: their scores stay in a few vectors.</summary>
        public const int MaxKeys = 16;

        /// <summary>The job indices the (b, h) pairs of a call are spread over: enough work per index that handing it out costs little.</summary>
        public const int JobIndices = 128;

        /// <summary>Runs the jobs of <paramref name="plan"/> on the pool; builds the bias columns first when there is a bias.</summary>
        public static void Run(in AttentionOperands operands, in AttentionPlan plan, int pairs, WorkerPool? pool, int maxDegreeOfParallelism)
        {
            var job = new Job
            {
                Operands = operands,
                BiasColumns = operands.Bias != null ? BiasColumns(operands.Bias, operands.Heads, operands.QueryTokens) : null,
                QueryBlock = plan.QueryBlock, QueryBlocks = plan.QueryBlocks, Pairs = pairs, PairsPerIndex = plan.PairsPerIndex,
                Wide = CpuKernel.Width == VectorWidth.Vector512,
            };
            pool.RunOrInline(ref job, plan.Jobs(pairs), maxDegreeOfParallelism);
        }

        /// <summary>Several (b, h) pairs, or one block of a pair's query rows, per index.</summary>
        private struct Job : IParallelJob
        {
            public AttentionOperands Operands;
            public float* BiasColumns;
            public int QueryBlock, QueryBlocks, Pairs, PairsPerIndex;
            public bool Wide;

            // Compiled fully optimised on first use: a kernel must not run its first second of calls as tier-0 code.
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public void Execute(int index)
            {
                int pair = AttentionPlan.Rows(index, QueryBlock, QueryBlocks, Operands.QueryTokens, out int start, out int end);
                int heads = Operands.Heads;
                int last = Math.Min(pair * PairsPerIndex + PairsPerIndex, Pairs);
                for (int p = pair * PairsPerIndex; p < last; p++)
                {
                    if (!Wide)
                    {
                        Rows<Vector256<float>, Float256, Vector256<float>, Float256>(ref Operands, BiasColumns, p / heads, p % heads, start, end);
                    }
                    else if (Operands.QueryTokens > 8)
                    {
                        Rows<Vector512<float>, Float512, Vector512<float>, Float512>(ref Operands, BiasColumns, p / heads, p % heads, start, end);
                    }
                    else
                    {
                        // Eight lanes hold every query row; the context still takes 16 columns per instruction.
                        Rows<Vector256<float>, Float256, Vector512<float>, Float512>(ref Operands, BiasColumns, p / heads, p % heads, start, end);
                    }
                }
            }
        }

        /// <summary>
        /// Query rows [<paramref name="start"/>, <paramref name="end"/>) of batch item <paramref name="b"/>, head <paramref name="h"/>, in blocks of W rows. For a block,
        /// score vector j holds <c>scale · q_i·k_j</c> of every row i in its lanes (<c>s_j = Σ_d qᵀ[d] · k[j, d]</c>, with
        /// q transposed once per block and k[j, d] broadcast), so the bias, the masks and the softmax over keys are lane-wise
        /// operations across the key vectors, with no horizontal reduction; then <c>context_i = Σ_j p_j[i] · v_j</c>.
        /// Buffer layout (floats): qᵀ <c>[HeadDim][W]</c>, scores <c>[KeyTokens][W]</c> and a sink row of HeadDim; the bias
        /// comes as one column per head (<see cref="BiasColumns"/>), or null.
        /// </summary>
        // Compiled fully optimised on first use: a kernel must not run its first second of calls as tier-0 code.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Rows<TV, TOps, TC, TCOps>(ref AttentionOperands op, float* biasColumns, int b, int h, int start, int end)
            where TV : struct
            where TOps : struct, IFloatVectorOps<TV>
            where TC : struct
            where TCOps : struct, IFloatVectorOps<TC>
        {
            int W = TOps.Count;
            int d = op.HeadDim, nk = op.KeyTokens, nq = op.QueryTokens;
            float* qT = ThreadBuffer.Kernel(d * W + nk * W + d + W);
            float* s = qT + (nint)d * W;
            float* sink = s + (nint)nk * W;

            int g = h / op.GroupSize;
            nint kvStride = op.KvStride;
            float* kHead = op.K + ((nint)b * nk * kvStride + (nint)g * d);
            float* vHead = op.V + ((nint)b * nk * kvStride + (nint)g * d);
            float* col = biasColumns == null ? null : biasColumns + (nint)h * BiasColumnStride(nq); // lane r of key j: table[i0 + r - j + T - 1, h]

            int contextWidth = op.Heads * d;
            float* lengths = stackalloc float[W];
            for (int i0 = start; i0 < end; i0 += W)
            {
                int rows = Math.Min(W, end - i0);
                float* q0 = op.Q + ((nint)(b * nq + i0) * op.QStride + (nint)h * d);
                for (int t = 0; t < W; t += 8) Transpose.Rows8(q0, op.QStride, t, rows, d, qT + t, W); // 8×8 blocks
                Scores<TV, TOps>(qT, d, kHead, kvStride, nk, s, op.Scale);

                op.MaskKeyMajor<TV, TOps>(s, col, b, i0, rows, lengths);

                uint empty = Softmax<TV, TOps>(s, nk);
                if (op.Weights != null)
                {
                    Weights(ref op, b, h, i0, rows, s, W);
                }

                // context_i = Σ_j p_j[i] · v_j over every key (a zero weight times a NaN value is NaN, as in the plain loop).
                for (int r0 = 0; r0 < rows; r0 += 4)
                {
                    float* c0 = op.Context + ((nint)(b * nq + i0 + r0) * contextWidth + (nint)h * d);
                    float* c1 = r0 + 1 < rows ? c0 + contextWidth : sink;
                    float* c2 = r0 + 2 < rows ? c0 + 2 * (nint)contextWidth : sink;
                    float* c3 = r0 + 3 < rows ? c0 + 3 * (nint)contextWidth : sink;
                    Context<TC, TCOps>(s + r0, W, nk, vHead, kvStride, d, c0, c1, c2, c3);
                }

                if ((empty & ((1u << rows) - 1)) != 0) ClearEmptyRows(ref op, b, h, i0, rows, empty);
            }
        }

        /// <summary>The floats between the heads' columns of <see cref="BiasColumns"/>: 2·T-1, padded by two Vector512s.</summary>
        private static int BiasColumnStride(int queryTokens) => 2 * queryTokens - 1 + 32;

        /// <summary>
        /// The relative bias table <c>[2T-1, Heads]</c> as one zero-padded column per head, <c>columns[h][t] = table[t, h]</c>,
        /// so that lane r of key j in a block from row i0 is <c>columns[h][i0 + r - j + T - 1]</c>: one unaligned load.
        /// Kept in a buffer of the calling thread (<see cref="ThreadBuffer.BiasColumns"/>).
        /// </summary>
        private static float* BiasColumns(float* table, int heads, int queryTokens)
        {
            int stride = BiasColumnStride(queryTokens);
            float* columns = ThreadBuffer.BiasColumns(heads * stride);
            for (int h = 0; h < heads; h++)
            {
                float* column = columns + (nint)h * stride;
                for (int t = 0; t < 2 * queryTokens - 1; t++) column[t] = table[(nint)t * heads + h];
                new Span<float>(column + 2 * queryTokens - 1, 32).Clear();
            }

            return columns;
        }

    }
}
