using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticAttention.Cpu
{
    /// <summary>
    /// The flash (online softmax) kernel, Vector256: generated from <c>AttentionCore.Flash512.cs</c> by replacing 512 with
    /// 256 and setting FourVectors to false (AVX2 has 16 registers).
    /// </summary>
    public static unsafe partial class AttentionCore
    {
        /// <summary>
        /// Query rows [<paramref name="start"/>, <paramref name="end"/>) of batch item <paramref name="b"/>, head
        /// <paramref name="h"/>, without weights output. Keys are streamed in blocks of <see cref="FlashKeys"/>: each block's
        /// kᵀ is packed once (in registers, 8×8 at a time) and used by every group of 16 rows; a row keeps its running
        /// max m, its running sum l and its context accumulator, rescaled by exp(m_old − m_new) when the max grows, and is
        /// divided by l at the end. Causal blocks that no row of a group sees are skipped.
        /// Buffer also holds a sink row of dPad for the rows past the end of a group of four.
        /// Buffer layout (floats): kᵀ <c>[HeadDim][FlashKeys]</c>, scores <c>[16][FlashKeys]</c>, the block's
        /// values packed as <c>[FlashKeys][dPad]</c>, then per row of the range its
        /// accumulator <c>[rows][dPad]</c>, m, l and l's W partial sums, then a group's block maxima: all independent of KeyTokens.
        /// Without bias or mask (<c>plain</c>) the scores are scaled by scale·log2(e) and exponentiated with exp2, and the
        /// scores kernel also returns each row's block max (for a block without padded keys).
        /// </summary>
        // Compiled fully optimised on first use: a kernel must not run its first second of calls as tier-0 code.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Flash256(ref CoreJob job, int b, int h, int start, int end)
        {
            const int W = 8; // Vector256<float>.Count
            const int KB = FlashKeys;
            int d = job.HeadDim, nk = job.KeyTokens, nq = job.QueryTokens;
            int dPad = (d + W - 1) & ~(W - 1);
            const bool packV = true; // the block's values contiguous: the source rows are a stride apart, one TLB page each
            int rowCount = end - start;
            float* kT = Buffer(d * KB + FlashRows * KB + dPad + (packV ? KB * dPad : 0) + rowCount * (dPad + 2 + W) + FlashRows);
            float* scores = kT + (nint)d * KB;
            float* sink = scores + FlashRows * KB;
            float* vPack = sink + dPad;
            float* acc = vPack + (packV ? (nint)KB * dPad : 0);
            float* mRow = acc + (nint)rowCount * dPad;
            float* lRow = mRow + rowCount;
            float* lVec = lRow + rowCount; // per row W partial sums of l, added up at the end
            float* blockMax = lVec + (nint)rowCount * W; // the max of each row of a group's block, from the scores kernel
            new Span<float>(acc, rowCount * dPad).Clear();
            new Span<float>(mRow, rowCount).Fill(float.NegativeInfinity);
            new Span<float>(lVec, rowCount * W).Clear();

            int g = h / job.GroupSize;
            nint kvStride = job.KvStride;
            float* kHead = job.K + ((nint)b * nk * kvStride + (nint)g * d);
            float* vHead = job.V + ((nint)b * nk * kvStride + (nint)g * d);
            int keyEnd = job.Causal ? Math.Min(end, nk) : nk; // keys any row of the range sees
            bool plain = !job.Causal && job.Bias == null && job.Kind is not (
                AttentionMask.ValidLengths or AttentionMask.ValidLengthsPerQuery or AttentionMask.KeepMask or AttentionMask.KeyPaddingMask);
            bool base2 = plain; // no bias or mask value to rescale: scores in log2 units, exp2
            float scale = base2 ? job.Scale * Log2E : job.Scale;
            bool fusable = base2 && 4 * W == KB; // a block's scores of four rows fit 16 registers

            for (int j0 = 0; j0 < keyEnd; j0 += KB)
            {
                int j1 = Math.Min(j0 + KB, keyEnd);
                for (int jj = 0; jj < j1 - j0; jj += 8)
                {
                    // kᵀ of the block: key j0 + jj, dim dd at kT[dd·KB + jj]; keys past j1 (up to a multiple of 8) repeat the last.
                    TransposeRows(kHead + (j0 + jj) * kvStride, kvStride, 0, Math.Min(8, j1 - j0 - jj), d, kT + jj, KB);
                }

                float* vRows = vHead + j0 * kvStride;
                nint vStride = kvStride;
                if (packV)
                {
                    for (int j = 0; j < j1 - j0; j++)
                    {
                        float* dst = vPack + (nint)j * dPad;
                        new ReadOnlySpan<float>(vRows + j * kvStride, d).CopyTo(new Span<float>(dst, d));
                        new Span<float>(dst + d, dPad - d).Clear();
                    }

                    vRows = vPack;
                    vStride = dPad;
                }

                for (int g0 = start; g0 < end; g0 += FlashRows)
                {
                    int groupRows = Math.Min(FlashRows, end - g0);
                    int visibleEnd = job.Causal ? Math.Min(Math.Min(g0 + groupRows, nk), j1) : j1; // keys of the block this group sees
                    if (visibleEnd <= j0) continue;
                    int tile = (visibleEnd - j0 + W - 1) & ~(W - 1);
                    int fused = 0; // bit per four rows whose softmax step the scores kernel did
                    for (int i0 = g0; i0 < g0 + groupRows; i0 += 4)
                    {
                        int rows = Math.Min(4, g0 + groupRows - i0);
                        float* q0 = job.Q + ((nint)(b * nq + i0) * job.QStride + (nint)h * d);
                        float* q1 = q0 + (rows > 1 ? job.QStride : 0);
                        float* q2 = q0 + (rows > 2 ? 2 * (nint)job.QStride : 0);
                        float* q3 = q0 + (rows > 3 ? 3 * (nint)job.QStride : 0);
                        if (fusable && rows == 4 && tile == j1 - j0
                            && FlashScoresSoftmax256(q0, q1, q2, q3, kT, d, scores + (i0 - g0) * KB, scale, mRow + (i0 - start), lVec + (i0 - start) * W, blockMax + (i0 - g0)))
                        {
                            fused |= 1 << ((i0 - g0) >> 2);
                        }
                        else
                        {
                            FlashScores256(q0, q1, q2, q3, kT, d, tile, scores + (i0 - g0) * KB, scale, blockMax + (i0 - g0));
                        }
                    }

                    // Without mask or bias, a full block's max comes from the scores kernel; else (or with padded keys) from a pass.
                    bool scoreMax = plain && tile == j1 - j0;
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
                                job.FlashMaskRow(s, b, h, i, j0, j1, tile);
                                rowMax = FlashBlockMax256(s, tile);
                            }

                            float alpha = base2
                                ? FlashSoftmax256(s, tile, mRow + (i - start), lVec + (i - start) * W, rowMax, true)
                                : FlashSoftmax256(s, tile, mRow + (i - start), lVec + (i - start) * W, rowMax, false);
                            if (r == 0) a0 = alpha; else if (r == 1) a1 = alpha; else if (r == 2) a2 = alpha; else a3 = alpha;
                        }

                        float* c0 = acc + (nint)(i0 - start) * dPad;
                        rows = Math.Min(4, g0 + groupRows - i0);
                        float* c1 = rows > 1 ? c0 + dPad : sink; // rows past the end accumulate into the sink
                        float* c2 = rows > 2 ? c0 + 2 * dPad : sink;
                        float* c3 = rows > 3 ? c0 + 3 * dPad : sink;
                        float* w = scores + (i0 - g0) * KB;
                        FlashContext256(w, KB, Math.Min(tile, j1 - j0), vRows, vStride, dPad, c0, a0, c1, a1, c2, a2, c3, a3);
                    }
                }
            }

            for (int i = 0; i < rowCount; i++)
            {
                lRow[i] = Vector256.Sum(Vector256.Load(lVec + i * W));
            }

            job.FlashFinish(acc, lRow, dPad, W, b, h, start, end, vHead);
        }

        /// <summary>
        /// <c>scores[r][j] = scale · q_r·k_j</c> for four query rows and the first <paramref name="tile"/> keys of a block (a
        /// multiple of W; kᵀ rows of <see cref="FlashKeys"/>): for each dd, one broadcast of q_r[dd] times FourVectors·W keys,
        /// accumulated in registers, then two vectors, then one; <c>rowMax[r]</c> = the max of row r's scores (the native max).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void FlashScores256(float* q0, float* q1, float* q2, float* q3, float* kT, int d, int tile, float* scores, float scale, float* rowMax)
        {
            const int W = 8, KB = FlashKeys;
            Vector256<float> m0 = Vector256.Create(float.NegativeInfinity), m1 = m0, m2 = m0, m3 = m0;
            const bool FourVectors = false; // AVX2 has 16 registers
            Vector256<float> sc = Vector256.Create(scale);
            int j = 0;
            for (; FourVectors && j + 4 * W <= tile; j += 4 * W)
            {
                Vector256<float> a00 = default, a01 = default, a02 = default, a03 = default;
                Vector256<float> a10 = default, a11 = default, a12 = default, a13 = default;
                Vector256<float> a20 = default, a21 = default, a22 = default, a23 = default;
                Vector256<float> a30 = default, a31 = default, a32 = default, a33 = default;
                float* k = kT + j;
                for (int dd = 0; dd < d; dd++, k += KB)
                {
                    Vector256<float> k0 = Vector256.Load(k), k1 = Vector256.Load(k + W), k2 = Vector256.Load(k + 2 * W), k3 = Vector256.Load(k + 3 * W);
                    Vector256<float> b = Vector256.Create(q0[dd]);
                    a00 = Vector256.FusedMultiplyAdd(b, k0, a00);
                    a01 = Vector256.FusedMultiplyAdd(b, k1, a01);
                    a02 = Vector256.FusedMultiplyAdd(b, k2, a02);
                    a03 = Vector256.FusedMultiplyAdd(b, k3, a03);
                    b = Vector256.Create(q1[dd]);
                    a10 = Vector256.FusedMultiplyAdd(b, k0, a10);
                    a11 = Vector256.FusedMultiplyAdd(b, k1, a11);
                    a12 = Vector256.FusedMultiplyAdd(b, k2, a12);
                    a13 = Vector256.FusedMultiplyAdd(b, k3, a13);
                    b = Vector256.Create(q2[dd]);
                    a20 = Vector256.FusedMultiplyAdd(b, k0, a20);
                    a21 = Vector256.FusedMultiplyAdd(b, k1, a21);
                    a22 = Vector256.FusedMultiplyAdd(b, k2, a22);
                    a23 = Vector256.FusedMultiplyAdd(b, k3, a23);
                    b = Vector256.Create(q3[dd]);
                    a30 = Vector256.FusedMultiplyAdd(b, k0, a30);
                    a31 = Vector256.FusedMultiplyAdd(b, k1, a31);
                    a32 = Vector256.FusedMultiplyAdd(b, k2, a32);
                    a33 = Vector256.FusedMultiplyAdd(b, k3, a33);
                }

                float* s = scores + j;
                a00 *= sc; a01 *= sc; a02 *= sc; a03 *= sc;
                a00.Store(s); a01.Store(s + W); a02.Store(s + 2 * W); a03.Store(s + 3 * W);
                m0 = Vector256.MaxNative(m0, Vector256.MaxNative(Vector256.MaxNative(a00, a01), Vector256.MaxNative(a02, a03)));
                a10 *= sc; a11 *= sc; a12 *= sc; a13 *= sc;
                a10.Store(s + KB); a11.Store(s + KB + W); a12.Store(s + KB + 2 * W); a13.Store(s + KB + 3 * W);
                m1 = Vector256.MaxNative(m1, Vector256.MaxNative(Vector256.MaxNative(a10, a11), Vector256.MaxNative(a12, a13)));
                a20 *= sc; a21 *= sc; a22 *= sc; a23 *= sc;
                a20.Store(s + 2 * KB); a21.Store(s + 2 * KB + W); a22.Store(s + 2 * KB + 2 * W); a23.Store(s + 2 * KB + 3 * W);
                m2 = Vector256.MaxNative(m2, Vector256.MaxNative(Vector256.MaxNative(a20, a21), Vector256.MaxNative(a22, a23)));
                a30 *= sc; a31 *= sc; a32 *= sc; a33 *= sc;
                a30.Store(s + 3 * KB); a31.Store(s + 3 * KB + W); a32.Store(s + 3 * KB + 2 * W); a33.Store(s + 3 * KB + 3 * W);
                m3 = Vector256.MaxNative(m3, Vector256.MaxNative(Vector256.MaxNative(a30, a31), Vector256.MaxNative(a32, a33)));
            }

            for (; j + 2 * W <= tile; j += 2 * W)
            {
                Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default;
                Vector256<float> a20 = default, a21 = default, a30 = default, a31 = default;
                float* k = kT + j;
                for (int dd = 0; dd < d; dd++, k += KB)
                {
                    Vector256<float> k0 = Vector256.Load(k), k1 = Vector256.Load(k + W);
                    Vector256<float> b = Vector256.Create(q0[dd]);
                    a00 = Vector256.FusedMultiplyAdd(b, k0, a00);
                    a01 = Vector256.FusedMultiplyAdd(b, k1, a01);
                    b = Vector256.Create(q1[dd]);
                    a10 = Vector256.FusedMultiplyAdd(b, k0, a10);
                    a11 = Vector256.FusedMultiplyAdd(b, k1, a11);
                    b = Vector256.Create(q2[dd]);
                    a20 = Vector256.FusedMultiplyAdd(b, k0, a20);
                    a21 = Vector256.FusedMultiplyAdd(b, k1, a21);
                    b = Vector256.Create(q3[dd]);
                    a30 = Vector256.FusedMultiplyAdd(b, k0, a30);
                    a31 = Vector256.FusedMultiplyAdd(b, k1, a31);
                }

                float* s = scores + j;
                a00 *= sc; a01 *= sc; a10 *= sc; a11 *= sc;
                a00.Store(s); a01.Store(s + W);
                a10.Store(s + KB); a11.Store(s + KB + W);
                m0 = Vector256.MaxNative(m0, Vector256.MaxNative(a00, a01));
                m1 = Vector256.MaxNative(m1, Vector256.MaxNative(a10, a11));
                a20 *= sc; a21 *= sc; a30 *= sc; a31 *= sc;
                a20.Store(s + 2 * KB); a21.Store(s + 2 * KB + W);
                a30.Store(s + 3 * KB); a31.Store(s + 3 * KB + W);
                m2 = Vector256.MaxNative(m2, Vector256.MaxNative(a20, a21));
                m3 = Vector256.MaxNative(m3, Vector256.MaxNative(a30, a31));
            }

            if (j < tile)
            {
                // One vector of keys: two accumulators per row (even and odd dd) keep eight FMA chains in flight.
                Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default;
                Vector256<float> a20 = default, a21 = default, a30 = default, a31 = default;
                float* k = kT + j;
                int dd = 0;
                for (; dd + 2 <= d; dd += 2, k += 2 * KB)
                {
                    Vector256<float> k0 = Vector256.Load(k), k1 = Vector256.Load(k + KB);
                    a00 = Vector256.FusedMultiplyAdd(Vector256.Create(q0[dd]), k0, a00);
                    a01 = Vector256.FusedMultiplyAdd(Vector256.Create(q0[dd + 1]), k1, a01);
                    a10 = Vector256.FusedMultiplyAdd(Vector256.Create(q1[dd]), k0, a10);
                    a11 = Vector256.FusedMultiplyAdd(Vector256.Create(q1[dd + 1]), k1, a11);
                    a20 = Vector256.FusedMultiplyAdd(Vector256.Create(q2[dd]), k0, a20);
                    a21 = Vector256.FusedMultiplyAdd(Vector256.Create(q2[dd + 1]), k1, a21);
                    a30 = Vector256.FusedMultiplyAdd(Vector256.Create(q3[dd]), k0, a30);
                    a31 = Vector256.FusedMultiplyAdd(Vector256.Create(q3[dd + 1]), k1, a31);
                }

                if (dd < d)
                {
                    Vector256<float> k0 = Vector256.Load(k);
                    a00 = Vector256.FusedMultiplyAdd(Vector256.Create(q0[dd]), k0, a00);
                    a10 = Vector256.FusedMultiplyAdd(Vector256.Create(q1[dd]), k0, a10);
                    a20 = Vector256.FusedMultiplyAdd(Vector256.Create(q2[dd]), k0, a20);
                    a30 = Vector256.FusedMultiplyAdd(Vector256.Create(q3[dd]), k0, a30);
                }

                float* s = scores + j;
                a00 = sc * (a00 + a01); a10 = sc * (a10 + a11); a20 = sc * (a20 + a21); a30 = sc * (a30 + a31);
                a00.Store(s);
                a10.Store(s + KB);
                a20.Store(s + 2 * KB);
                a30.Store(s + 3 * KB);
                m0 = Vector256.MaxNative(m0, a00);
                m1 = Vector256.MaxNative(m1, a10);
                m2 = Vector256.MaxNative(m2, a20);
                m3 = Vector256.MaxNative(m3, a30);
            }

            rowMax[0] = HorizontalMax(m0);
            rowMax[1] = HorizontalMax(m1);
            rowMax[2] = HorizontalMax(m2);
            rowMax[3] = HorizontalMax(m3);
        }

        /// <summary>
        /// <see cref="FlashScores256"/> of four rows and a full block of 4·W keys (<c>plain</c>, exp2) followed by the online
        /// softmax step of each row on the scores in registers, when every row's block max is finite; the four α are written
        /// to <paramref name="alpha"/>. Otherwise it stores the scores and their maxima as <see cref="FlashScores256"/> and returns false.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool FlashScoresSoftmax256(float* q0, float* q1, float* q2, float* q3, float* kT, int d, float* scores, float scale, float* m, float* l, float* alpha)
        {
            const int W = 8, KB = FlashKeys;
            Vector256<float> a00 = default, a01 = default, a02 = default, a03 = default;
            Vector256<float> a10 = default, a11 = default, a12 = default, a13 = default;
            Vector256<float> a20 = default, a21 = default, a22 = default, a23 = default;
            Vector256<float> a30 = default, a31 = default, a32 = default, a33 = default;
            float* k = kT;
            for (int dd = 0; dd < d; dd++, k += KB)
            {
                Vector256<float> k0 = Vector256.Load(k), k1 = Vector256.Load(k + W), k2 = Vector256.Load(k + 2 * W), k3 = Vector256.Load(k + 3 * W);
                Vector256<float> b = Vector256.Create(q0[dd]);
                a00 = Vector256.FusedMultiplyAdd(b, k0, a00);
                a01 = Vector256.FusedMultiplyAdd(b, k1, a01);
                a02 = Vector256.FusedMultiplyAdd(b, k2, a02);
                a03 = Vector256.FusedMultiplyAdd(b, k3, a03);
                b = Vector256.Create(q1[dd]);
                a10 = Vector256.FusedMultiplyAdd(b, k0, a10);
                a11 = Vector256.FusedMultiplyAdd(b, k1, a11);
                a12 = Vector256.FusedMultiplyAdd(b, k2, a12);
                a13 = Vector256.FusedMultiplyAdd(b, k3, a13);
                b = Vector256.Create(q2[dd]);
                a20 = Vector256.FusedMultiplyAdd(b, k0, a20);
                a21 = Vector256.FusedMultiplyAdd(b, k1, a21);
                a22 = Vector256.FusedMultiplyAdd(b, k2, a22);
                a23 = Vector256.FusedMultiplyAdd(b, k3, a23);
                b = Vector256.Create(q3[dd]);
                a30 = Vector256.FusedMultiplyAdd(b, k0, a30);
                a31 = Vector256.FusedMultiplyAdd(b, k1, a31);
                a32 = Vector256.FusedMultiplyAdd(b, k2, a32);
                a33 = Vector256.FusedMultiplyAdd(b, k3, a33);
            }

            Vector256<float> sc = Vector256.Create(scale);
            a00 *= sc; a01 *= sc; a02 *= sc; a03 *= sc;
            a10 *= sc; a11 *= sc; a12 *= sc; a13 *= sc;
            a20 *= sc; a21 *= sc; a22 *= sc; a23 *= sc;
            a30 *= sc; a31 *= sc; a32 *= sc; a33 *= sc;
            float b0 = HorizontalMax(Vector256.MaxNative(Vector256.MaxNative(a00, a01), Vector256.MaxNative(a02, a03)));
            float b1 = HorizontalMax(Vector256.MaxNative(Vector256.MaxNative(a10, a11), Vector256.MaxNative(a12, a13)));
            float b2 = HorizontalMax(Vector256.MaxNative(Vector256.MaxNative(a20, a21), Vector256.MaxNative(a22, a23)));
            float b3 = HorizontalMax(Vector256.MaxNative(Vector256.MaxNative(a30, a31), Vector256.MaxNative(a32, a33)));
            if (!(float.IsFinite(b0) && float.IsFinite(b1) && float.IsFinite(b2) && float.IsFinite(b3)))
            {
                float* s = scores;
                a00.Store(s); a01.Store(s + W); a02.Store(s + 2 * W); a03.Store(s + 3 * W);
                a10.Store(s + KB); a11.Store(s + KB + W); a12.Store(s + KB + 2 * W); a13.Store(s + KB + 3 * W);
                a20.Store(s + 2 * KB); a21.Store(s + 2 * KB + W); a22.Store(s + 2 * KB + 2 * W); a23.Store(s + 2 * KB + 3 * W);
                a30.Store(s + 3 * KB); a31.Store(s + 3 * KB + W); a32.Store(s + 3 * KB + 2 * W); a33.Store(s + 3 * KB + 3 * W);
                alpha[0] = b0; alpha[1] = b1; alpha[2] = b2; alpha[3] = b3;
                return false;
            }

            alpha[0] = FlashFusedRow256(a00, a01, a02, a03, b0, scores, m, l);
            alpha[1] = FlashFusedRow256(a10, a11, a12, a13, b1, scores + KB, m + 1, l + W);
            alpha[2] = FlashFusedRow256(a20, a21, a22, a23, b2, scores + 2 * KB, m + 2, l + 2 * W);
            alpha[3] = FlashFusedRow256(a30, a31, a32, a33, b3, scores + 3 * KB, m + 3, l + 3 * W);
            return true;
        }

        /// <summary>The online softmax step (exp2) of one row of four vectors of scores whose max <paramref name="blockMax"/> is finite; returns α.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float FlashFusedRow256(Vector256<float> x0, Vector256<float> x1, Vector256<float> x2, Vector256<float> x3, float blockMax, float* s, float* m, float* l)
        {
            const int W = 8;
            float mOld = *m;
            float mNew = MathF.Max(mOld, blockMax);
            float alpha = mOld == mNew ? 1f : FastExp.Exp2(mOld - mNew);
            Vector256<float> mx = Vector256.Create(mNew);
            Vector256<float> e0 = FastExp.Exp2NonPositive(x0 - mx), e1 = FastExp.Exp2NonPositive(x1 - mx);
            Vector256<float> e2 = FastExp.Exp2NonPositive(x2 - mx), e3 = FastExp.Exp2NonPositive(x3 - mx);
            e0.Store(s); e1.Store(s + W); e2.Store(s + 2 * W); e3.Store(s + 3 * W);
            *m = mNew;
            Vector256.FusedMultiplyAdd(Vector256.Load(l), Vector256.Create(alpha), (e0 + e1) + (e2 + e3)).Store(l);
            return alpha;
        }

        /// <summary>
        /// The online softmax step of one row over a block's scores <paramref name="s"/> (<paramref name="length"/> floats,
        /// padded with -inf) whose max is <paramref name="blockMax"/>: the new max m, p = exp(s − m) (exp2 with
        /// <paramref name="base2"/>, the scores then in log2 units) in place, l = l·α + Σp, l kept as W partial sums. Returns α = exp(m_old − m_new), by which
        /// the row's accumulator is to be scaled. While every score so far is -inf, m stays -inf and p = 0 (exp(-inf − 0)),
        /// so that zero weights still multiply every value (a NaN value makes the context NaN, as in the plain loop).
        /// A NaN score makes m or l NaN, and so the row.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float FlashSoftmax256(float* s, int length, float* m, float* l, float blockMax, bool base2)
        {
            const int W = 8;
            if (blockMax == float.NegativeInfinity && HasNaN(s, length))
            {
                blockMax = float.NaN; // the native max may have dropped a NaN
            }

            float mOld = *m;
            float mNew = MathF.Max(mOld, blockMax); // propagates NaN
            float shift = mNew == float.NegativeInfinity ? 0f : mNew;
            float alpha = mOld == mNew ? 1f : base2 ? FastExp.Exp2(mOld - shift) : FastExp.Exp(mOld - shift);
            Vector256<float> mx = Vector256.Create(shift);
            Vector256<float> sum = default;
            for (int j = 0; j < length; j += W)
            {
                Vector256<float> x = Vector256.Load(s + j) - mx;
                Vector256<float> e = base2 ? FastExp.Exp2NonPositive(x) : FastExp.Exp(x);
                e.Store(s + j);
                sum += e;
            }

            *m = mNew;
            Vector256.FusedMultiplyAdd(Vector256.Load(l), Vector256.Create(alpha), sum).Store(l);
            return alpha;
        }

        /// <summary>
        /// Accumulators <c>c_r = α_r · c_r + Σ_{j &lt; keys} p_rj · v_j</c> for four rows over <paramref name="dPad"/> columns
        /// (<paramref name="v"/> rows readable that far): FourVectors·W columns of a row at a time, then two vectors, then one.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void FlashContext256(
            float* p, int pStride, int keys, float* v, nint vStride, int dPad,
            float* c0, float alpha0, float* c1, float alpha1, float* c2, float alpha2, float* c3, float alpha3)
        {
            const int W = 8;
            float* p1 = p + pStride, p2 = p + 2 * pStride, p3 = p + 3 * pStride;
            Vector256<float> s0 = Vector256.Create(alpha0), s1 = Vector256.Create(alpha1), s2 = Vector256.Create(alpha2), s3 = Vector256.Create(alpha3);
            int c = 0;
            const bool FourVectors = false; // AVX2 has 16 registers
            for (; FourVectors && c + 4 * W <= dPad; c += 4 * W)
            {
                Vector256<float> a00 = s0 * Vector256.Load(c0 + c), a01 = s0 * Vector256.Load(c0 + c + W), a02 = s0 * Vector256.Load(c0 + c + 2 * W), a03 = s0 * Vector256.Load(c0 + c + 3 * W);
                Vector256<float> a10 = s1 * Vector256.Load(c1 + c), a11 = s1 * Vector256.Load(c1 + c + W), a12 = s1 * Vector256.Load(c1 + c + 2 * W), a13 = s1 * Vector256.Load(c1 + c + 3 * W);
                Vector256<float> a20 = s2 * Vector256.Load(c2 + c), a21 = s2 * Vector256.Load(c2 + c + W), a22 = s2 * Vector256.Load(c2 + c + 2 * W), a23 = s2 * Vector256.Load(c2 + c + 3 * W);
                Vector256<float> a30 = s3 * Vector256.Load(c3 + c), a31 = s3 * Vector256.Load(c3 + c + W), a32 = s3 * Vector256.Load(c3 + c + 2 * W), a33 = s3 * Vector256.Load(c3 + c + 3 * W);
                float* vj = v + c;
                for (int j = 0; j < keys; j++, vj += vStride)
                {
                    Vector256<float> v0 = Vector256.Load(vj), v1 = Vector256.Load(vj + W), v2 = Vector256.Load(vj + 2 * W), v3 = Vector256.Load(vj + 3 * W);
                    Vector256<float> w = Vector256.Create(p[j]);
                    a00 = Vector256.FusedMultiplyAdd(w, v0, a00);
                    a01 = Vector256.FusedMultiplyAdd(w, v1, a01);
                    a02 = Vector256.FusedMultiplyAdd(w, v2, a02);
                    a03 = Vector256.FusedMultiplyAdd(w, v3, a03);
                    w = Vector256.Create(p1[j]);
                    a10 = Vector256.FusedMultiplyAdd(w, v0, a10);
                    a11 = Vector256.FusedMultiplyAdd(w, v1, a11);
                    a12 = Vector256.FusedMultiplyAdd(w, v2, a12);
                    a13 = Vector256.FusedMultiplyAdd(w, v3, a13);
                    w = Vector256.Create(p2[j]);
                    a20 = Vector256.FusedMultiplyAdd(w, v0, a20);
                    a21 = Vector256.FusedMultiplyAdd(w, v1, a21);
                    a22 = Vector256.FusedMultiplyAdd(w, v2, a22);
                    a23 = Vector256.FusedMultiplyAdd(w, v3, a23);
                    w = Vector256.Create(p3[j]);
                    a30 = Vector256.FusedMultiplyAdd(w, v0, a30);
                    a31 = Vector256.FusedMultiplyAdd(w, v1, a31);
                    a32 = Vector256.FusedMultiplyAdd(w, v2, a32);
                    a33 = Vector256.FusedMultiplyAdd(w, v3, a33);
                }

                a00.Store(c0 + c); a01.Store(c0 + c + W); a02.Store(c0 + c + 2 * W); a03.Store(c0 + c + 3 * W);
                a10.Store(c1 + c); a11.Store(c1 + c + W); a12.Store(c1 + c + 2 * W); a13.Store(c1 + c + 3 * W);
                a20.Store(c2 + c); a21.Store(c2 + c + W); a22.Store(c2 + c + 2 * W); a23.Store(c2 + c + 3 * W);
                a30.Store(c3 + c); a31.Store(c3 + c + W); a32.Store(c3 + c + 2 * W); a33.Store(c3 + c + 3 * W);
            }

            for (; c + 2 * W <= dPad; c += 2 * W)
            {
                Vector256<float> a00 = s0 * Vector256.Load(c0 + c), a01 = s0 * Vector256.Load(c0 + c + W);
                Vector256<float> a10 = s1 * Vector256.Load(c1 + c), a11 = s1 * Vector256.Load(c1 + c + W);
                Vector256<float> a20 = s2 * Vector256.Load(c2 + c), a21 = s2 * Vector256.Load(c2 + c + W);
                Vector256<float> a30 = s3 * Vector256.Load(c3 + c), a31 = s3 * Vector256.Load(c3 + c + W);
                float* vj = v + c;
                for (int j = 0; j < keys; j++, vj += vStride)
                {
                    Vector256<float> v0 = Vector256.Load(vj), v1 = Vector256.Load(vj + W);
                    Vector256<float> w = Vector256.Create(p[j]);
                    a00 = Vector256.FusedMultiplyAdd(w, v0, a00);
                    a01 = Vector256.FusedMultiplyAdd(w, v1, a01);
                    w = Vector256.Create(p1[j]);
                    a10 = Vector256.FusedMultiplyAdd(w, v0, a10);
                    a11 = Vector256.FusedMultiplyAdd(w, v1, a11);
                    w = Vector256.Create(p2[j]);
                    a20 = Vector256.FusedMultiplyAdd(w, v0, a20);
                    a21 = Vector256.FusedMultiplyAdd(w, v1, a21);
                    w = Vector256.Create(p3[j]);
                    a30 = Vector256.FusedMultiplyAdd(w, v0, a30);
                    a31 = Vector256.FusedMultiplyAdd(w, v1, a31);
                }

                a00.Store(c0 + c); a01.Store(c0 + c + W);
                a10.Store(c1 + c); a11.Store(c1 + c + W);
                a20.Store(c2 + c); a21.Store(c2 + c + W);
                a30.Store(c3 + c); a31.Store(c3 + c + W);
            }

            if (c < dPad)
            {
                Vector256<float> a0 = s0 * Vector256.Load(c0 + c), a1 = s1 * Vector256.Load(c1 + c);
                Vector256<float> a2 = s2 * Vector256.Load(c2 + c), a3 = s3 * Vector256.Load(c3 + c);
                float* vj = v + c;
                for (int j = 0; j < keys; j++, vj += vStride)
                {
                    Vector256<float> v0 = Vector256.Load(vj);
                    a0 = Vector256.FusedMultiplyAdd(Vector256.Create(p[j]), v0, a0);
                    a1 = Vector256.FusedMultiplyAdd(Vector256.Create(p1[j]), v0, a1);
                    a2 = Vector256.FusedMultiplyAdd(Vector256.Create(p2[j]), v0, a2);
                    a3 = Vector256.FusedMultiplyAdd(Vector256.Create(p3[j]), v0, a3);
                }

                a0.Store(c0 + c);
                a1.Store(c1 + c);
                a2.Store(c2 + c);
                a3.Store(c3 + c);
            }
        }

        /// <summary>The maximum of <paramref name="length"/> scores (a multiple of W; the native max: a NaN may be dropped).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float FlashBlockMax256(float* s, int length)
        {
            const int W = 8;
            Vector256<float> mv = Vector256.Load(s);
            for (int j = W; j < length; j += W)
            {
                mv = Vector256.MaxNative(mv, Vector256.Load(s + j));
            }

            return HorizontalMax(mv);
        }

        /// <summary>The maximum of the lanes (the native max: a NaN lane may be dropped).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float HorizontalMax(Vector256<float> v)
        {
            Vector128<float> m4 = Vector128.MaxNative(v.GetLower(), v.GetUpper());
            return MathF.Max(MathF.Max(m4[0], m4[1]), MathF.Max(m4[2], m4[3]));
        }
    }
}
