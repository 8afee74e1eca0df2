using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using StaticAttention.Internal.Cpu.Vectors;
using StaticAttention.Internal.Threading;

namespace StaticAttention.Internal.Cpu.Attention
{
    /// <summary>
    /// The two-pass kernel, the one that writes the weights: it packs a head's keys transposed (<c>kᵀ[d][j]</c>), computes
    /// whole score rows for four query rows at once as broadcast-FMAs over key vectors, applies bias and masks, takes the
    /// softmax, writes the weights, and accumulates the context of the four rows in registers over the value rows.
    /// Written once for both widths: TV and TOps are Vector512 and <see cref="Float512"/>, or Vector256 and
    /// <see cref="Float256"/>. Where the register count matters (the context tile), the code branches on
    /// <see cref="IFloatVectorOps{TV}.Registers"/>, a constant the JIT folds.
    /// </summary>
    internal static unsafe partial class TwoPassAttention
    {
        /// <summary>Runs the jobs of <paramref name="plan"/> (one per (b, h, block of query rows)) on the pool.</summary>
        public static void Run(in AttentionOperands operands, in AttentionPlan plan, int pairs, WorkerPool? pool, int maxDegreeOfParallelism)
        {
            var job = new Job
            {
                Operands = operands, QueryBlock = plan.QueryBlock, QueryBlocks = plan.QueryBlocks,
                Wide = CpuKernel.Width == VectorWidth.Vector512,
            };
            pool.RunOrInline(ref job, plan.Jobs(pairs), maxDegreeOfParallelism);
        }

        /// <summary>One (b, h, block of query rows) per index.</summary>
        private struct Job : IParallelJob
        {
            public AttentionOperands Operands;
            public int QueryBlock, QueryBlocks;
            public bool Wide;

            /// <remarks>Up to 8 keys fill a Vector256, and half-empty Vector512s would double the work: those use the 256 kernel.</remarks>
            // Compiled fully optimised on first use: a kernel must not run its first second of calls as tier-0 code.
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public void Execute(int index)
            {
                int pair = AttentionPlan.Rows(index, QueryBlock, QueryBlocks, Operands.QueryTokens, out int start, out int end);
                int heads = Operands.Heads;
                if (Wide && Operands.KeyTokens > 8)
                {
                    Rows<Vector512<float>, Float512>(ref Operands, pair / heads, pair % heads, start, end);
                }
                else
                {
                    Rows<Vector256<float>, Float256>(ref Operands, pair / heads, pair % heads, start, end);
                }
            }
        }

        /// <summary>
        /// Query rows [<paramref name="start"/>, <paramref name="end"/>) of batch item <paramref name="b"/>, head <paramref name="h"/>.
        /// Buffer layout (floats): kᵀ as panels <c>[nkPad / 2W][HeadDim][2W]</c>, scores <c>[16][nkPad]</c>, values padded to <c>[KeyTokens][dPad]</c>
        /// when HeadDim is not a multiple of the vector width, and four context rows of dPad.
        /// </summary>
        // Compiled fully optimised on first use: a kernel must not run its first second of calls as tier-0 code.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Rows<TV, TOps>(ref AttentionOperands op, int b, int h, int start, int end)
            where TV : struct
            where TOps : struct, IFloatVectorOps<TV>
        {
            int W = TOps.Count; // TOps.Count
            int d = op.HeadDim, nk = op.KeyTokens, nq = op.QueryTokens;
            int nkPad = (nk + W - 1) & ~(W - 1);
            int nkPanels = (nk + 2 * W - 1) & ~(2 * W - 1);
            int dPad = (d + W - 1) & ~(W - 1);
            bool packV = d != dPad;
            int keyEnd = op.Causal ? Math.Min(end, nk) : nk; // keys any row of the block can see
            float* kT = ThreadBuffer.Kernel(d * nkPanels + 16 * nkPad + (packV ? nk * dPad : 0) + 4 * dPad);
            float* scores = kT + (nint)d * nkPanels;
            float* vPack = scores + 16 * nkPad;
            float* cTmp = vPack + (packV ? (nint)nk * dPad : 0);

            int g = h / op.GroupSize;
            nint kvStride = op.KvStride;
            float* kHead = op.K + ((nint)b * nk * kvStride + (nint)g * d);
            float* vHead = op.V + ((nint)b * nk * kvStride + (nint)g * d);

            // kᵀ in panels of 2W keys: key j, dim dd at kT[(j / 2W)·d·2W + dd·2W + j % 2W], for the keys this block sees.
            for (int j = 0; j < keyEnd; j++)
            {
                float* kj = kHead + j * kvStride;
                float* col = kT + (nint)(j & ~(2 * W - 1)) * d + (j & (2 * W - 1));
                for (int dd = 0; dd < d; dd++)
                {
                    col[dd * 2 * W] = kj[dd];
                }
            }

            float* vRows = vHead;
            nint vStride = kvStride;
            if (packV)
            {
                for (int j = 0; j < nk; j++)
                {
                    float* dst = vPack + (nint)j * dPad;
                    new ReadOnlySpan<float>(vHead + j * kvStride, d).CopyTo(new Span<float>(dst, d));
                    new Span<float>(dst + d, dPad - d).Clear();
                }

                vRows = vPack;
                vStride = dPad;
            }

            int contextWidth = op.Heads * d;
            for (int g0 = start; g0 < end; g0 += 16)
            {
                // A group of up to 16 rows: each kᵀ panel is loaded into L1 once and used by the group's four row blocks.
                int groupRows = Math.Min(16, end - g0);
                int visibleEnd = op.Causal ? Math.Min(g0 + groupRows, nk) : nk;
                int tileEnd = (visibleEnd + W - 1) & ~(W - 1);
                for (int j = 0; j < tileEnd; j += 2 * W)
                {
                    for (int i0 = g0; i0 < g0 + groupRows; i0 += 4)
                    {
                        int rows = Math.Min(4, g0 + groupRows - i0);
                        op.QueryQuad(b, h, i0, rows, out float* q0, out float* q1, out float* q2, out float* q3);
                        Scores<TV, TOps>(q0, q1, q2, q3, kT, nkPad, d, j, Math.Min(j + 2 * W, tileEnd), scores + (i0 - g0) * nkPad, op.Scale);
                    }
                }

                int any = 0;
                for (int r = 0; r < groupRows; r++)
                {
                    float* s = scores + r * nkPad;
                    op.MaskRow(s, b, h, g0 + r, 0, nk, nkPad);
                    if (Softmax<TV, TOps>(s, nkPad))
                    {
                        any |= 1 << r;
                    }

                    if (op.Weights != null)
                    {
                        new ReadOnlySpan<float>(s, nk).CopyTo(new Span<float>(op.Weights + (((nint)b * op.Heads + h) * nq + g0 + r) * nk, nk));
                    }
                }

                // context_i = Σ_j w_ij · v_j over every key (a zero weight times a NaN value is NaN, as in the plain loop).
                for (int i0 = g0; i0 < g0 + groupRows; i0 += 4)
                {
                    int rows = Math.Min(4, g0 + groupRows - i0);
                    float* c0 = op.Context + ((nint)(b * nq + i0) * contextWidth + (nint)h * d);
                    float* d0 = packV ? cTmp : c0;
                    float* d1 = packV || rows <= 1 ? cTmp + dPad : c0 + contextWidth;
                    float* d2 = packV || rows <= 2 ? cTmp + 2 * dPad : c0 + 2 * (nint)contextWidth;
                    float* d3 = packV || rows <= 3 ? cTmp + 3 * dPad : c0 + 3 * (nint)contextWidth;
                    RowContext.FourRows<TV, TOps>(scores + (i0 - g0) * nkPad, nkPad, nk, vRows, vStride, dPad, d0, d1, d2, d3, accumulate: false);

                    for (int r = 0; r < rows; r++)
                    {
                        float* c = c0 + (nint)r * contextWidth;
                        if ((any & (1 << (i0 - g0 + r))) == 0)
                        {
                            new Span<float>(c, d).Clear(); // every score -inf: zero weights, zero context
                        }
                        else if (packV)
                        {
                            new ReadOnlySpan<float>(cTmp + r * dPad, d).CopyTo(new Span<float>(c, d));
                        }
                    }
                }
            }
        }
    }
}
