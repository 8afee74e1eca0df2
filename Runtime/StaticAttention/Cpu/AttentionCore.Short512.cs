using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticAttention.Cpu
{
    /// <summary>
    /// The key-major kernel for heads with few keys, Vector512: up to 16 query rows per vector. Generated from
    /// <c>AttentionCore.Short256.cs</c> by replacing 256 with 512, except for the transposition of q (two blocks of 8 rows)
    /// and the column tail of the context.
    /// </summary>
    public static unsafe partial class AttentionCore
    {
        /// <summary>
        /// Query rows [<paramref name="start"/>, <paramref name="end"/>) of batch item <paramref name="b"/>, head <paramref name="h"/>, in blocks of W rows. For a block,
        /// score vector j holds <c>scale · q_i·k_j</c> of every row i in its lanes (<c>s_j = Σ_d qᵀ[d] · k[j, d]</c>, with
        /// q transposed once per block and k[j, d] broadcast), so the bias, the masks and the softmax over keys are lane-wise
        /// operations across the key vectors, with no horizontal reduction; then <c>context_i = Σ_j p_j[i] · v_j</c>.
        /// Buffer layout (floats): qᵀ <c>[HeadDim][W]</c>, scores <c>[KeyTokens][W]</c> and a sink row of HeadDim; the bias
        /// comes as one column per head (<see cref="BiasColumns"/>).
        /// </summary>
        // Compiled fully optimised on first use: a kernel must not run its first second of calls as tier-0 code.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Short512(ref CoreJob job, int b, int h, int start, int end)
        {
            const int W = 16; // Vector512<float>.Count
            int d = job.HeadDim, nk = job.KeyTokens, nq = job.QueryTokens;
            float* qT = Buffer(d * W + nk * W + d + W);
            float* s = qT + (nint)d * W;
            float* sink = s + (nint)nk * W;

            int g = h / job.GroupSize;
            nint kvStride = job.KvStride;
            float* kHead = job.K + ((nint)b * nk * kvStride + (nint)g * d);
            float* vHead = job.V + ((nint)b * nk * kvStride + (nint)g * d);
            float* col = job.BiasColumns + (nint)h * BiasColumnStride(nq); // lane r of key j: table[i0 + r - j + T - 1, h]

            Vector512<float> iota = Vector512.Create(0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f);
            int contextWidth = job.Heads * d;
            float* lengths = stackalloc float[W];
            for (int i0 = start; i0 < end; i0 += W)
            {
                int rows = Math.Min(W, end - i0);
                float* q0 = job.Q + ((nint)(b * nq + i0) * job.QStride + (nint)h * d);
                TransposeRows(q0, job.QStride, 0, rows, d, qT, W);
                TransposeRows(q0, job.QStride, 8, rows, d, qT + 8, W);
                ShortScores512(qT, d, kHead, kvStride, nk, s, job.Scale);

                Vector512<float> row = iota + Vector512.Create((float)i0);
                if (job.BiasColumns != null)
                {
                    for (int j = 0; j < nk; j++)
                    {
                        (Vector512.Load(s + j * W) + Vector512.Load(col + (i0 + nq - 1 - j))).Store(s + j * W);
                    }
                }

                switch (job.Kind)
                {
                    case AttentionMask.ValidLengths:
                        for (int j = job.ValidLengths[b]; j < nk; j++) Vector512.Create(ValidLengthMaskValue).Store(s + j * W);
                        break;
                    case AttentionMask.ValidLengthsPerQuery:
                    {
                        for (int r = 0; r < W; r++) lengths[r] = job.ValidLengths[b * nq + i0 + Math.Min(r, rows - 1)];
                        Vector512<float> length = Vector512.Load(lengths);
                        for (int j = 0; j < nk; j++)
                        {
                            Vector512<float> hidden = Vector512.LessThanOrEqual(length, Vector512.Create((float)j));
                            Vector512.ConditionalSelect(hidden, Vector512.Create(ValidLengthMaskValue), Vector512.Load(s + j * W)).Store(s + j * W);
                        }

                        break;
                    }

                    case AttentionMask.KeepMask:
                        ShortKeepMask(ref job, b, i0, rows, s, W);
                        break;
                    case AttentionMask.KeyPaddingMask:
                        for (int j = 0; j < nk; j++)
                        {
                            if (job.Mask[b * nk + j]) Vector512.Create(float.NegativeInfinity).Store(s + j * W);
                        }

                        break;
                }

                if (job.Causal)
                {
                    for (int j = i0 + 1; j < nk; j++)
                    {
                        Vector512<float> hidden = Vector512.LessThan(row, Vector512.Create((float)j));
                        Vector512.ConditionalSelect(hidden, Vector512.Create(float.NegativeInfinity), Vector512.Load(s + j * W)).Store(s + j * W);
                    }
                }

                uint empty = ShortSoftmax512(s, nk);
                if (job.Weights != null)
                {
                    ShortWeights(ref job, b, h, i0, rows, s, W);
                }

                // context_i = Σ_j p_j[i] · v_j over every key (a zero weight times a NaN value is NaN, as in the plain loop).
                for (int r0 = 0; r0 < rows; r0 += 4)
                {
                    float* c0 = job.Context + ((nint)(b * nq + i0 + r0) * contextWidth + (nint)h * d);
                    float* c1 = r0 + 1 < rows ? c0 + contextWidth : sink;
                    float* c2 = r0 + 2 < rows ? c0 + 2 * (nint)contextWidth : sink;
                    float* c3 = r0 + 3 < rows ? c0 + 3 * (nint)contextWidth : sink;
                    ShortContext512(s + r0, W, nk, vHead, kvStride, d, c0, c1, c2, c3);
                }

                if ((empty & ((1u << rows) - 1)) != 0) ClearEmptyRows(ref job, b, h, i0, rows, empty);
            }
        }

        /// <summary>
        /// <c>s[j·W + r] = scale · Σ_d qᵀ[d·W + r] · k_j[d]</c> for every key j: four keys at a time, two accumulators per key
        /// (even and odd d) so that eight FMA chains are in flight.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void ShortScores512(float* qT, int d, float* k, nint kvStride, int nk, float* s, float scale)
        {
            const int W = 16;
            Vector512<float> sc = Vector512.Create(scale);
            int j = 0;
            for (; j + 8 <= nk; j += 8)
            {
                // Eight keys: one load of qᵀ[d] feeds eight FMA chains.
                // Two row pointers, each with offsets 0..3 strides, walked together: no address arithmetic in the loop.
                float* ka = k + j * kvStride, kb = ka + 4 * kvStride;
                nint s1 = kvStride, s2 = 2 * kvStride, s3 = 3 * kvStride;
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                Vector512<float> a4 = default, a5 = default, a6 = default, a7 = default;
                float* x = qT;
                for (int dd = 0; dd < d; dd++, ka++, kb++, x += W)
                {
                    Vector512<float> q = Vector512.Load(x);
                    a0 = Vector512.FusedMultiplyAdd(q, Vector512.Create(ka[0]), a0);
                    a1 = Vector512.FusedMultiplyAdd(q, Vector512.Create(ka[s1]), a1);
                    a2 = Vector512.FusedMultiplyAdd(q, Vector512.Create(ka[s2]), a2);
                    a3 = Vector512.FusedMultiplyAdd(q, Vector512.Create(ka[s3]), a3);
                    a4 = Vector512.FusedMultiplyAdd(q, Vector512.Create(kb[0]), a4);
                    a5 = Vector512.FusedMultiplyAdd(q, Vector512.Create(kb[s1]), a5);
                    a6 = Vector512.FusedMultiplyAdd(q, Vector512.Create(kb[s2]), a6);
                    a7 = Vector512.FusedMultiplyAdd(q, Vector512.Create(kb[s3]), a7);
                }

                (sc * a0).Store(s + j * W);
                (sc * a1).Store(s + (j + 1) * W);
                (sc * a2).Store(s + (j + 2) * W);
                (sc * a3).Store(s + (j + 3) * W);
                (sc * a4).Store(s + (j + 4) * W);
                (sc * a5).Store(s + (j + 5) * W);
                (sc * a6).Store(s + (j + 6) * W);
                (sc * a7).Store(s + (j + 7) * W);
            }

            for (; j + 4 <= nk; j += 4)
            {
                float* k0 = k + j * kvStride, k1 = k0 + kvStride, k2 = k1 + kvStride, k3 = k2 + kvStride;
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default;
                int dd = 0;
                for (; dd + 2 <= d; dd += 2)
                {
                    Vector512<float> x = Vector512.Load(qT + dd * W), y = Vector512.Load(qT + (dd + 1) * W);
                    a0 = Vector512.FusedMultiplyAdd(x, Vector512.Create(k0[dd]), a0);
                    b0 = Vector512.FusedMultiplyAdd(y, Vector512.Create(k0[dd + 1]), b0);
                    a1 = Vector512.FusedMultiplyAdd(x, Vector512.Create(k1[dd]), a1);
                    b1 = Vector512.FusedMultiplyAdd(y, Vector512.Create(k1[dd + 1]), b1);
                    a2 = Vector512.FusedMultiplyAdd(x, Vector512.Create(k2[dd]), a2);
                    b2 = Vector512.FusedMultiplyAdd(y, Vector512.Create(k2[dd + 1]), b2);
                    a3 = Vector512.FusedMultiplyAdd(x, Vector512.Create(k3[dd]), a3);
                    b3 = Vector512.FusedMultiplyAdd(y, Vector512.Create(k3[dd + 1]), b3);
                }

                if (dd < d)
                {
                    Vector512<float> x = Vector512.Load(qT + dd * W);
                    a0 = Vector512.FusedMultiplyAdd(x, Vector512.Create(k0[dd]), a0);
                    a1 = Vector512.FusedMultiplyAdd(x, Vector512.Create(k1[dd]), a1);
                    a2 = Vector512.FusedMultiplyAdd(x, Vector512.Create(k2[dd]), a2);
                    a3 = Vector512.FusedMultiplyAdd(x, Vector512.Create(k3[dd]), a3);
                }

                (sc * (a0 + b0)).Store(s + j * W);
                (sc * (a1 + b1)).Store(s + (j + 1) * W);
                (sc * (a2 + b2)).Store(s + (j + 2) * W);
                (sc * (a3 + b3)).Store(s + (j + 3) * W);
            }

            for (; j < nk; j++)
            {
                float* k0 = k + j * kvStride;
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                int dd = 0;
                for (; dd + 4 <= d; dd += 4)
                {
                    a0 = Vector512.FusedMultiplyAdd(Vector512.Load(qT + dd * W), Vector512.Create(k0[dd]), a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.Load(qT + (dd + 1) * W), Vector512.Create(k0[dd + 1]), a1);
                    a2 = Vector512.FusedMultiplyAdd(Vector512.Load(qT + (dd + 2) * W), Vector512.Create(k0[dd + 2]), a2);
                    a3 = Vector512.FusedMultiplyAdd(Vector512.Load(qT + (dd + 3) * W), Vector512.Create(k0[dd + 3]), a3);
                }

                for (; dd < d; dd++)
                {
                    a0 = Vector512.FusedMultiplyAdd(Vector512.Load(qT + dd * W), Vector512.Create(k0[dd]), a0);
                }

                (sc * ((a0 + a1) + (a2 + a3))).Store(s + j * W);
            }
        }

        /// <summary>
        /// Softmax over keys of every lane of the score vectors <c>s[j·W..]</c>, in place: lane-wise max, exp and sum.
        /// Returns the lanes whose scores are all -inf as bits (their weights are zero); a NaN score makes its lane NaN
        /// (it makes the sum NaN, even where the native max dropped it).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static uint ShortSoftmax512(float* s, int nk)
        {
            const int W = 16;
            Vector512<float> max = Vector512.Load(s);
            for (int j = 1; j < nk; j++) max = Vector512.MaxNative(max, Vector512.Load(s + j * W));

            // A lane with every score -inf subtracts 0: its exps are 0, its sum is 0.
            max = Vector512.ConditionalSelect(Vector512.Equals(max, Vector512.Create(float.NegativeInfinity)), Vector512<float>.Zero, max);
            Vector512<float> sum = default;
            for (int j = 0; j < nk; j++)
            {
                Vector512<float> e = FastExp.Exp(Vector512.Load(s + j * W) - max);
                e.Store(s + j * W);
                sum += e;
            }

            Vector512<float> empty = Vector512.Equals(sum, Vector512<float>.Zero);
            Vector512<float> inverse = Vector512.ConditionalSelect(empty, Vector512<float>.Zero, Vector512<float>.One / sum);
            for (int j = 0; j < nk; j++) (Vector512.Load(s + j * W) * inverse).Store(s + j * W);
            return (uint)empty.ExtractMostSignificantBits();
        }

        /// <summary>
        /// Context rows <c>c_r = Σ_{j &lt; nk} p[j·pStride + r] · v_j</c> for four rows (r = 0..3 from <paramref name="p"/>):
        /// two vectors of a row at a time, then one, then Vector256s and single columns.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void ShortContext512(float* p, int pStride, int nk, float* v, nint vStride, int d, float* c0, float* c1, float* c2, float* c3)
        {
            const int W = 16;
            int c = 0;
            for (; c + 2 * W <= d; c += 2 * W)
            {
                Vector512<float> a00 = default, a01 = default, a10 = default, a11 = default;
                Vector512<float> a20 = default, a21 = default, a30 = default, a31 = default;
                float* vj = v + c;
                float* pj = p;
                for (int j = 0; j < nk; j++, vj += vStride, pj += pStride)
                {
                    Vector512<float> v0 = Vector512.Load(vj), v1 = Vector512.Load(vj + W);
                    Vector512<float> w = Vector512.Create(pj[0]);
                    a00 = Vector512.FusedMultiplyAdd(w, v0, a00);
                    a01 = Vector512.FusedMultiplyAdd(w, v1, a01);
                    w = Vector512.Create(pj[1]);
                    a10 = Vector512.FusedMultiplyAdd(w, v0, a10);
                    a11 = Vector512.FusedMultiplyAdd(w, v1, a11);
                    w = Vector512.Create(pj[2]);
                    a20 = Vector512.FusedMultiplyAdd(w, v0, a20);
                    a21 = Vector512.FusedMultiplyAdd(w, v1, a21);
                    w = Vector512.Create(pj[3]);
                    a30 = Vector512.FusedMultiplyAdd(w, v0, a30);
                    a31 = Vector512.FusedMultiplyAdd(w, v1, a31);
                }

                a00.Store(c0 + c); a01.Store(c0 + c + W);
                a10.Store(c1 + c); a11.Store(c1 + c + W);
                a20.Store(c2 + c); a21.Store(c2 + c + W);
                a30.Store(c3 + c); a31.Store(c3 + c + W);
            }

            if (c + W <= d)
            {
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                float* vj = v + c;
                float* pj = p;
                for (int j = 0; j < nk; j++, vj += vStride, pj += pStride)
                {
                    Vector512<float> v0 = Vector512.Load(vj);
                    a0 = Vector512.FusedMultiplyAdd(Vector512.Create(pj[0]), v0, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.Create(pj[1]), v0, a1);
                    a2 = Vector512.FusedMultiplyAdd(Vector512.Create(pj[2]), v0, a2);
                    a3 = Vector512.FusedMultiplyAdd(Vector512.Create(pj[3]), v0, a3);
                }

                a0.Store(c0 + c);
                a1.Store(c1 + c);
                a2.Store(c2 + c);
                a3.Store(c3 + c);
                c += W;
            }

            if (c < d) ShortContextTail(p, pStride, nk, v, vStride, c, d, c0, c1, c2, c3);
        }
    }
}
