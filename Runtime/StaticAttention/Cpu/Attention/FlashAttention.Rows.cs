using System;
using System.Runtime.CompilerServices;
using StaticAttention.Internal.Cpu.Vectors;

namespace StaticAttention.Internal.Cpu.Attention
{
    /// <summary>
    /// The flash kernel, written once for both widths: TV and TOps are Vector512 and <see cref="Float512"/>, or Vector256 and
    /// <see cref="Float256"/>. The tiles of four vectors per row need 32 registers (AVX-512); with 16 (AVX2) the kernels
    /// take two, by <see cref="IFloatVectorOps{TV}.Registers"/>, a constant the JIT folds.
    /// </summary>
    internal static unsafe partial class FlashAttention
    {
        /// <summary>
        /// Query rows [<paramref name="start"/>, <paramref name="end"/>) of batch item <paramref name="b"/>, head
        /// <paramref name="h"/>, without weights output. Keys are streamed in blocks of <see cref="BlockKeys"/>: each block's
        /// kᵀ is packed once (in registers, 8×8 at a time) and used by every group of 16 rows; a row keeps its running
        /// max m, its running sum l and its context accumulator, rescaled by exp(m_old − m_new) when the max grows, and is
        /// divided by l at the end. Causal blocks that no row of a group sees are skipped. When the blocks were packed before
        /// the jobs (<see cref="Job.Panels"/>), the range is swept one group of rows at a time, each group over every
        /// block: its q rows, scores and accumulators stay in L1 while the blocks stream from L2.
        /// Buffer also holds a sink row of dPad for the rows past the end of a group of four.
        /// Buffer layout (floats): kᵀ <c>[HeadDim][BlockKeys]</c>, scores <c>[16][BlockKeys]</c>, the block's
        /// values packed as <c>[BlockKeys][dPad]</c>, then per row of the range its
        /// accumulator <c>[rows][dPad]</c>, m, l and l's W partial sums, then a group's block maxima: all independent of KeyTokens.
        /// The packed kᵀ carries the scale (<see cref="ScoreScale"/>), so the scores kernels multiply nothing
        /// after their dot products. Without bias or mask (<see cref="IsPlain"/>) the scale includes log2(e) and the
        /// scores are exponentiated with exp2, and the
        /// scores kernel also returns each row's block max (for a block without padded keys). There, with AVX-512, the scores
        /// kernel also does the softmax step in registers, keeping a row's running max while the block's scores stay within
        /// 2^<see cref="MaxSlack"/> of it, so that most blocks neither take the exact max nor rescale the accumulators.
        /// </summary>
        // Compiled fully optimised on first use: a kernel must not run its first second of calls as tier-0 code.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static void Rows<TV, TOps>(ref Job job, int b, int h, int start, int end)
            where TV : struct
            where TOps : struct, IFloatVectorOps<TV>
        {
            ref AttentionOperands op = ref job.Operands;
            int W = TOps.Count;
            const int KB = BlockKeys;
            int d = op.HeadDim, nk = op.KeyTokens;
            int dPad = (d + W - 1) & ~(W - 1);
            int rowCount = end - start;
            float* kT = ThreadBuffer.Kernel(d * KB + GroupRows * KB + dPad + KB * dPad + rowCount * (dPad + 2 + W) + GroupRows);
            float* scores = kT + (nint)d * KB;
            float* sink = scores + GroupRows * KB;
            float* vPack = sink + dPad;
            float* acc = vPack + (nint)KB * dPad; // the block's values contiguous: the source rows are a stride apart, one TLB page each
            float* mRow = acc + (nint)rowCount * dPad;
            float* lRow = mRow + rowCount;
            float* lVec = lRow + rowCount; // per row W partial sums of l, added up at the end
            float* blockMax = lVec + (nint)rowCount * W; // the max of each row of a group's block, from the scores kernel
            new Span<float>(acc, rowCount * dPad).Clear();
            new Span<float>(mRow, rowCount).Fill(float.NegativeInfinity);
            new Span<float>(lVec, rowCount * W).Clear();

            int g = h / op.GroupSize;
            nint kvStride = op.KvStride;
            float* kHead = op.K + ((nint)b * nk * kvStride + (nint)g * d);
            float* vHead = op.V + ((nint)b * nk * kvStride + (nint)g * d);
            bool plain = IsPlain(ref op);
            bool base2 = plain; // no bias or mask value to rescale: scores in log2 units, exp2
            bool fusable = base2 && 4 * W == KB; // a block's scores of four rows fit 16 registers

            // With the key blocks packed before the jobs, a sweep is one group of rows: its q rows, scores and accumulators
            // stay in L1 across every key block, which streams from the panels in L2. Otherwise each block is packed once
            // here, so one sweep covers the whole range.
            int sweep = job.Panels != null ? GroupRows : rowCount;
            float* ownKT = kT;
            for (int s0 = start; s0 < end; s0 += sweep)
            {
                int s1 = Math.Min(end, s0 + sweep);
                PrefetchContext(ref op, b, h, s0, s1); // the context rows are written at the end of the sweep, a stride apart
                int keyEnd = op.Causal ? Math.Min(s1, nk) : nk; // keys any row of the sweep sees
                for (int j0 = 0; j0 < keyEnd; j0 += KB)
                {
                    int j1 = Math.Min(j0 + KB, keyEnd);
                    float* vRows;
                    if (job.Panels != null)
                    {
                        // Packed before the jobs (the whole block: a causal range may read fewer of its keys).
                        kT = job.Panels + ((nint)(b * (op.Heads / op.GroupSize) + g) * job.KeyBlocks + j0 / KB) * FlashPanels.Floats(d, dPad);
                        vRows = kT + (nint)d * KB;
                    }
                    else
                    {
                        FlashPanels.PackBlock(kHead, vHead, kvStride, j0, j1, d, dPad, ScoreScale(ref op), ownKT, vPack);
                        vRows = vPack;
                    }

                    nint vStride = dPad;

                    for (int g0 = s0; g0 < s1; g0 += GroupRows)
                    {
                        int groupRows = Math.Min(GroupRows, s1 - g0);
                        int visibleEnd = op.Causal ? Math.Min(Math.Min(g0 + groupRows, nk), j1) : j1; // keys of the block this group sees
                        if (visibleEnd <= j0) continue;
                        int tile = (visibleEnd - j0 + W - 1) & ~(W - 1);
                        int fused = 0; // bit per four rows whose softmax step the scores kernel did
                        for (int i0 = g0; i0 < g0 + groupRows; i0 += 4)
                        {
                            int rows = Math.Min(4, g0 + groupRows - i0);
                            op.QueryQuad(b, h, i0, rows, out float* q0, out float* q1, out float* q2, out float* q3);
                            if (fusable && rows == 4 && tile == KB && j1 - j0 == KB // the fused kernel takes a whole block of 4W keys
                                && ScoresSoftmax<TV, TOps>(q0, q1, q2, q3, kT, d, scores + (i0 - g0) * KB, mRow + (i0 - start), lVec + (i0 - start) * W, blockMax + (i0 - g0)))
                            {
                                fused |= 1 << ((i0 - g0) >> 2);
                            }
                            else
                            {
                                Scores<TV, TOps>(q0, q1, q2, q3, kT, d, tile, plain ? j1 - j0 : tile, scores + (i0 - g0) * KB, blockMax + (i0 - g0));
                            }
                        }

                        // Without mask or bias, the block max comes from the scores kernel (which set the padded keys to -inf);
                        // else from a pass after the mask.
                        bool scoreMax = plain;
                        for (int i0 = g0; i0 < g0 + groupRows; i0 += 4)
                        {
                            int rows = Math.Min(4, g0 + groupRows - i0);
                            float a0 = 1f, a1 = 1f, a2 = 1f, a3 = 1f;
                            if ((fused & (1 << ((i0 - g0) >> 2))) != 0)
                            {
                                a0 = blockMax[i0 - g0];
                                a1 = blockMax[i0 - g0 + 1];
                                a2 = blockMax[i0 - g0 + 2];
                                a3 = blockMax[i0 - g0 + 3];
                                rows = 0; // the softmax is done
                            }

                            for (int r = 0; r < rows; r++)
                            {
                                int i = i0 + r;
                                float* s = scores + (i - g0) * KB;
                                float rowMax;
                                if (scoreMax)
                                {
                                    rowMax = blockMax[i - g0];
                                }
                                else
                                {
                                    op.MaskRow(s, b, h, i, j0, j1, tile);
                                    rowMax = ScoreRows.Max<TV, TOps>(s, tile);
                                }

                                float alpha = base2
                                    ? Softmax<TV, TOps>(s, tile, mRow + (i - start), lVec + (i - start) * W, rowMax, true)
                                    : Softmax<TV, TOps>(s, tile, mRow + (i - start), lVec + (i - start) * W, rowMax, false);
                                if (r == 0) a0 = alpha; else if (r == 1) a1 = alpha; else if (r == 2) a2 = alpha; else a3 = alpha;
                            }

                            float* c0 = acc + (nint)(i0 - start) * dPad;
                            rows = Math.Min(4, g0 + groupRows - i0);
                            float* c1 = rows > 1 ? c0 + dPad : sink; // rows past the end accumulate into the sink
                            float* c2 = rows > 2 ? c0 + 2 * dPad : sink;
                            float* c3 = rows > 3 ? c0 + 3 * dPad : sink;
                            // α is 1 unless a row's max grew: only then are its accumulators rescaled (α·x, NaN and infinities as in a product).
                            if (a0 != 1f) Scale(c0, a0, c0, dPad);
                            if (a1 != 1f) Scale(c1, a1, c1, dPad);
                            if (a2 != 1f) Scale(c2, a2, c2, dPad);
                            if (a3 != 1f) Scale(c3, a3, c3, dPad);
                            float* w = scores + (i0 - g0) * KB;
                            RowContext.FourRows<TV, TOps>(w, KB, Math.Min(tile, j1 - j0), vRows, vStride, dPad, c0, c1, c2, c3, accumulate: true);
                        }
                    }
                }

                for (int i = s0 - start; i < s1 - start; i++)
                {
                    lRow[i] = TOps.Sum(TOps.Load(lVec + i * W));
                }

                Finish(ref op, acc + (nint)(s0 - start) * dPad, lRow + (s0 - start), dPad, W, b, h, s0, s1, vHead);
            }
        }
    }
}
