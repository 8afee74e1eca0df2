using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using StaticAttention.Cpu.Vectors;

namespace StaticAttention.Cpu
{
    /// <summary>
    /// The key-major kernel for heads with few keys (<see cref="ShortKeys"/> or fewer), written once for both widths: the
    /// query rows of a block are the lanes of TV (8 with Vector256 and <see cref="Float256"/> as TOps, 16 with Vector512 and <see cref="Float512"/>), and the
    /// context columns are vectors of TC (operations TCOps), which may be wider than TV (with AVX-512 and at most 8 query rows, 8 lanes hold
    /// every row and the context still runs 16 columns per instruction).
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
        private static void Short<TV, TOps, TC, TCOps>(ref CoreJob job, int b, int h, int start, int end)
            where TV : struct
            where TOps : struct, IFloatVectorOps<TV>
            where TC : struct
            where TCOps : struct, IFloatVectorOps<TC>
        {
            int W = TOps.Count;
            int d = job.HeadDim, nk = job.KeyTokens, nq = job.QueryTokens;
            float* qT = Buffer(d * W + nk * W + d + W);
            float* s = qT + (nint)d * W;
            float* sink = s + (nint)nk * W;

            int g = h / job.GroupSize;
            nint kvStride = job.KvStride;
            float* kHead = job.K + ((nint)b * nk * kvStride + (nint)g * d);
            float* vHead = job.V + ((nint)b * nk * kvStride + (nint)g * d);
            float* col = job.BiasColumns + (nint)h * BiasColumnStride(nq); // lane r of key j: table[i0 + r - j + T - 1, h]

            TV iota = TOps.Indices;
            int contextWidth = job.Heads * d;
            float* lengths = stackalloc float[W];
            for (int i0 = start; i0 < end; i0 += W)
            {
                int rows = Math.Min(W, end - i0);
                float* q0 = job.Q + ((nint)(b * nq + i0) * job.QStride + (nint)h * d);
                for (int t = 0; t < W; t += 8) TransposeRows(q0, job.QStride, t, rows, d, qT + t, W); // 8×8 blocks
                ShortScores<TV, TOps>(qT, d, kHead, kvStride, nk, s, job.Scale);

                TV row = TOps.Add(iota, TOps.Create((float)i0));
                if (job.BiasColumns != null)
                {
                    for (int j = 0; j < nk; j++)
                    {
                        TOps.Store(TOps.Add(TOps.Load(s + j * W), TOps.Load(col + (i0 + nq - 1 - j))), s + j * W);
                    }
                }

                switch (job.Kind)
                {
                    case AttentionMask.ValidLengths:
                        for (int j = job.ValidLengths[b]; j < nk; j++) TOps.Store(TOps.Create(ValidLengthMaskValue), s + j * W);
                        break;
                    case AttentionMask.ValidLengthsPerQuery:
                    {
                        for (int r = 0; r < W; r++) lengths[r] = job.ValidLengths[b * nq + i0 + Math.Min(r, rows - 1)];
                        TV length = TOps.Load(lengths);
                        for (int j = 0; j < nk; j++)
                        {
                            TV hidden = TOps.LessThanOrEqual(length, TOps.Create((float)j));
                            TOps.Store(TOps.ConditionalSelect(hidden, TOps.Create(ValidLengthMaskValue), TOps.Load(s + j * W)), s + j * W);
                        }

                        break;
                    }

                    case AttentionMask.KeepMask:
                        ShortKeepMask(ref job, b, i0, rows, s, W);
                        break;
                    case AttentionMask.KeyPaddingMask:
                        for (int j = 0; j < nk; j++)
                        {
                            if (job.Mask[b * nk + j]) TOps.Store(TOps.Create(float.NegativeInfinity), s + j * W);
                        }

                        break;
                }

                if (job.Causal)
                {
                    for (int j = i0 + 1; j < nk; j++)
                    {
                        TV hidden = TOps.LessThan(row, TOps.Create((float)j));
                        TOps.Store(TOps.ConditionalSelect(hidden, TOps.Create(float.NegativeInfinity), TOps.Load(s + j * W)), s + j * W);
                    }
                }

                uint empty = ShortSoftmax<TV, TOps>(s, nk);
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
                    ShortContext<TC, TCOps>(s + r0, W, nk, vHead, kvStride, d, c0, c1, c2, c3);
                }

                if ((empty & ((1u << rows) - 1)) != 0) ClearEmptyRows(ref job, b, h, i0, rows, empty);
            }
        }

        /// <summary>
        /// <c>s[j·W + r] = scale · Σ_d qᵀ[d·W + r] · k_j[d]</c> for every key j: four keys at a time, two accumulators per key
        /// (even and odd d) so that eight FMA chains are in flight.
        /// </summary>
        // A kernel, not a helper: compiled on its own, with its own inlining budget.
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static void ShortScores<TV, TOps>(float* qT, int d, float* k, nint kvStride, int nk, float* s, float scale)
            where TV : struct
            where TOps : struct, IFloatVectorOps<TV>
        {
            int W = TOps.Count;
            TV sc = TOps.Create(scale);
            int j = 0;
            for (; j + 8 <= nk; j += 8)
            {
                // Eight keys: one load of qᵀ[d] feeds eight FMA chains.
                // Two row pointers, each with offsets 0..3 strides, walked together: no address arithmetic in the loop.
                float* ka = k + j * kvStride, kb = ka + 4 * kvStride;
                nint s1 = kvStride, s2 = 2 * kvStride, s3 = 3 * kvStride;
                TV a0 = default, a1 = default, a2 = default, a3 = default;
                TV a4 = default, a5 = default, a6 = default, a7 = default;
                float* x = qT;
                for (int dd = 0; dd < d; dd++, ka++, kb++, x += W)
                {
                    TV q = TOps.Load(x);
                    a0 = TOps.FusedMultiplyAdd(q, TOps.Create(ka[0]), a0);
                    a1 = TOps.FusedMultiplyAdd(q, TOps.Create(ka[s1]), a1);
                    a2 = TOps.FusedMultiplyAdd(q, TOps.Create(ka[s2]), a2);
                    a3 = TOps.FusedMultiplyAdd(q, TOps.Create(ka[s3]), a3);
                    a4 = TOps.FusedMultiplyAdd(q, TOps.Create(kb[0]), a4);
                    a5 = TOps.FusedMultiplyAdd(q, TOps.Create(kb[s1]), a5);
                    a6 = TOps.FusedMultiplyAdd(q, TOps.Create(kb[s2]), a6);
                    a7 = TOps.FusedMultiplyAdd(q, TOps.Create(kb[s3]), a7);
                }

                TOps.Store(TOps.Multiply(sc, a0), s + j * W);
                TOps.Store(TOps.Multiply(sc, a1), s + (j + 1) * W);
                TOps.Store(TOps.Multiply(sc, a2), s + (j + 2) * W);
                TOps.Store(TOps.Multiply(sc, a3), s + (j + 3) * W);
                TOps.Store(TOps.Multiply(sc, a4), s + (j + 4) * W);
                TOps.Store(TOps.Multiply(sc, a5), s + (j + 5) * W);
                TOps.Store(TOps.Multiply(sc, a6), s + (j + 6) * W);
                TOps.Store(TOps.Multiply(sc, a7), s + (j + 7) * W);
            }

            for (; j + 4 <= nk; j += 4)
            {
                float* k0 = k + j * kvStride, k1 = k0 + kvStride, k2 = k1 + kvStride, k3 = k2 + kvStride;
                TV a0 = default, a1 = default, a2 = default, a3 = default;
                TV b0 = default, b1 = default, b2 = default, b3 = default;
                int dd = 0;
                for (; dd + 2 <= d; dd += 2)
                {
                    TV x = TOps.Load(qT + dd * W), y = TOps.Load(qT + (dd + 1) * W);
                    a0 = TOps.FusedMultiplyAdd(x, TOps.Create(k0[dd]), a0);
                    b0 = TOps.FusedMultiplyAdd(y, TOps.Create(k0[dd + 1]), b0);
                    a1 = TOps.FusedMultiplyAdd(x, TOps.Create(k1[dd]), a1);
                    b1 = TOps.FusedMultiplyAdd(y, TOps.Create(k1[dd + 1]), b1);
                    a2 = TOps.FusedMultiplyAdd(x, TOps.Create(k2[dd]), a2);
                    b2 = TOps.FusedMultiplyAdd(y, TOps.Create(k2[dd + 1]), b2);
                    a3 = TOps.FusedMultiplyAdd(x, TOps.Create(k3[dd]), a3);
                    b3 = TOps.FusedMultiplyAdd(y, TOps.Create(k3[dd + 1]), b3);
                }

                if (dd < d)
                {
                    TV x = TOps.Load(qT + dd * W);
                    a0 = TOps.FusedMultiplyAdd(x, TOps.Create(k0[dd]), a0);
                    a1 = TOps.FusedMultiplyAdd(x, TOps.Create(k1[dd]), a1);
                    a2 = TOps.FusedMultiplyAdd(x, TOps.Create(k2[dd]), a2);
                    a3 = TOps.FusedMultiplyAdd(x, TOps.Create(k3[dd]), a3);
                }

                TOps.Store(TOps.Multiply(sc, TOps.Add(a0, b0)), s + j * W);
                TOps.Store(TOps.Multiply(sc, TOps.Add(a1, b1)), s + (j + 1) * W);
                TOps.Store(TOps.Multiply(sc, TOps.Add(a2, b2)), s + (j + 2) * W);
                TOps.Store(TOps.Multiply(sc, TOps.Add(a3, b3)), s + (j + 3) * W);
            }

            for (; j < nk; j++)
            {
                float* k0 = k + j * kvStride;
                TV a0 = default, a1 = default, a2 = default, a3 = default;
                int dd = 0;
                for (; dd + 4 <= d; dd += 4)
                {
                    a0 = TOps.FusedMultiplyAdd(TOps.Load(qT + dd * W), TOps.Create(k0[dd]), a0);
                    a1 = TOps.FusedMultiplyAdd(TOps.Load(qT + (dd + 1) * W), TOps.Create(k0[dd + 1]), a1);
                    a2 = TOps.FusedMultiplyAdd(TOps.Load(qT + (dd + 2) * W), TOps.Create(k0[dd + 2]), a2);
                    a3 = TOps.FusedMultiplyAdd(TOps.Load(qT + (dd + 3) * W), TOps.Create(k0[dd + 3]), a3);
                }

                for (; dd < d; dd++)
                {
                    a0 = TOps.FusedMultiplyAdd(TOps.Load(qT + dd * W), TOps.Create(k0[dd]), a0);
                }

                TOps.Store(TOps.Multiply(sc, TOps.Add(TOps.Add(a0, a1), TOps.Add(a2, a3))), s + j * W);
            }
        }

        /// <summary>
        /// Softmax over keys of every lane of the score vectors <c>s[j·W..]</c>, in place: lane-wise max, exp and sum.
        /// Returns the lanes whose scores are all -inf as bits (their weights are zero); a NaN score makes its lane NaN
        /// (it makes the sum NaN, even where the native max dropped it).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static uint ShortSoftmax<TV, TOps>(float* s, int nk)
            where TV : struct
            where TOps : struct, IFloatVectorOps<TV>
        {
            int W = TOps.Count;
            TV max = TOps.Load(s);
            for (int j = 1; j < nk; j++) max = TOps.MaxNative(max, TOps.Load(s + j * W));

            // A lane with every score -inf subtracts 0: its exps are 0, its sum is 0.
            max = TOps.ConditionalSelect(TOps.Equal(max, TOps.Create(float.NegativeInfinity)), TOps.Zero, max);
            TV sum = default;
            for (int j = 0; j < nk; j++)
            {
                TV e = TOps.Exp(TOps.Subtract(TOps.Load(s + j * W), max));
                TOps.Store(e, s + j * W);
                sum = TOps.Add(sum, e);
            }

            TV empty = TOps.Equal(sum, TOps.Zero);
            TV inverse = TOps.ConditionalSelect(empty, TOps.Zero, TOps.Divide(TOps.Create(1f), sum));
            for (int j = 0; j < nk; j++) TOps.Store(TOps.Multiply(TOps.Load(s + j * W), inverse), s + j * W);
            return TOps.MostSignificantBits(empty);
        }

        /// <summary>
        /// Context rows <c>c_r = Σ_{j &lt; nk} p[j·pStride + r] · v_j</c> for four rows (r = 0..3 from <paramref name="p"/>):
        /// two vectors of a row at a time, then one, then Vector256s and single columns.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void ShortContext<TV, TOps>(float* p, int pStride, int nk, float* v, nint vStride, int d, float* c0, float* c1, float* c2, float* c3)
            where TV : struct
            where TOps : struct, IFloatVectorOps<TV>
        {
            int W = TOps.Count;
            int c = 0;
            for (; c + 2 * W <= d; c += 2 * W)
            {
                TV a00 = default, a01 = default, a10 = default, a11 = default;
                TV a20 = default, a21 = default, a30 = default, a31 = default;
                float* vj = v + c;
                float* pj = p;
                for (int j = 0; j < nk; j++, vj += vStride, pj += pStride)
                {
                    TV v0 = TOps.Load(vj), v1 = TOps.Load(vj + W);
                    TV w = TOps.Create(pj[0]);
                    a00 = TOps.FusedMultiplyAdd(w, v0, a00);
                    a01 = TOps.FusedMultiplyAdd(w, v1, a01);
                    w = TOps.Create(pj[1]);
                    a10 = TOps.FusedMultiplyAdd(w, v0, a10);
                    a11 = TOps.FusedMultiplyAdd(w, v1, a11);
                    w = TOps.Create(pj[2]);
                    a20 = TOps.FusedMultiplyAdd(w, v0, a20);
                    a21 = TOps.FusedMultiplyAdd(w, v1, a21);
                    w = TOps.Create(pj[3]);
                    a30 = TOps.FusedMultiplyAdd(w, v0, a30);
                    a31 = TOps.FusedMultiplyAdd(w, v1, a31);
                }

                TOps.Store(a00, c0 + c); TOps.Store(a01, c0 + c + W);
                TOps.Store(a10, c1 + c); TOps.Store(a11, c1 + c + W);
                TOps.Store(a20, c2 + c); TOps.Store(a21, c2 + c + W);
                TOps.Store(a30, c3 + c); TOps.Store(a31, c3 + c + W);
            }

            if (c + W <= d)
            {
                TV a0 = default, a1 = default, a2 = default, a3 = default;
                float* vj = v + c;
                float* pj = p;
                for (int j = 0; j < nk; j++, vj += vStride, pj += pStride)
                {
                    TV v0 = TOps.Load(vj);
                    a0 = TOps.FusedMultiplyAdd(TOps.Create(pj[0]), v0, a0);
                    a1 = TOps.FusedMultiplyAdd(TOps.Create(pj[1]), v0, a1);
                    a2 = TOps.FusedMultiplyAdd(TOps.Create(pj[2]), v0, a2);
                    a3 = TOps.FusedMultiplyAdd(TOps.Create(pj[3]), v0, a3);
                }

                TOps.Store(a0, c0 + c);
                TOps.Store(a1, c1 + c);
                TOps.Store(a2, c2 + c);
                TOps.Store(a3, c3 + c);
                c += W;
            }

            if (c < d) ShortContextTail(p, pStride, nk, v, vStride, c, d, c0, c1, c2, c3);
        }
    }
}
