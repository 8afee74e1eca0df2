using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using StaticAttention.Internal.Cpu.Vectors;

namespace StaticAttention.Internal.Cpu.Attention
{
    /// <summary>The tiles of the key-major kernel: scores, the lane-wise softmax, the context of four rows, the weights output.</summary>
    internal static unsafe partial class KeyMajorAttention
    {
        /// <summary>
        /// <c>s[j·W + r] = scale · Σ_d qᵀ[d·W + r] · k_j[d]</c> for every key j: four keys at a time, two accumulators per key
        /// (even and odd d) so that eight FMA chains are in flight.
        /// </summary>
        // A kernel, not a helper: compiled on its own, with its own inlining budget.
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static void Scores<TV, TOps>(float* qT, int d, float* k, nint kvStride, int nk, float* s, float scale)
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
        private static uint Softmax<TV, TOps>(float* s, int nk)
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
        private static void Context<TV, TOps>(float* p, int pStride, int nk, float* v, nint vStride, int d, float* c0, float* c1, float* c2, float* c3)
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

            if (c < d) ContextTail(p, pStride, nk, v, vStride, c, d, c0, c1, c2, c3);
        }

        /// <summary>Copies the weights of rows i0 .. i0+rows-1 (key-major in <paramref name="s"/>) to their rows of the weights output.</summary>
        private static void Weights(ref AttentionOperands op, int b, int h, int i0, int rows, float* s, int w)
        {
            int nk = op.KeyTokens;
            for (int r = 0; r < rows; r++)
            {
                float* row = op.Weights + (((nint)b * op.Heads + h) * op.QueryTokens + i0 + r) * nk;
                for (int j = 0; j < nk; j++) row[j] = s[j * w + r];
            }
        }

        /// <summary>Zeroes the context of the rows whose bit is set in <paramref name="empty"/> (every score -inf).</summary>
        private static void ClearEmptyRows(ref AttentionOperands op, int b, int h, int i0, int rows, uint empty)
        {
            for (int r = 0; r < rows; r++)
            {
                if ((empty & (1u << r)) != 0)
                {
                    int d = op.HeadDim;
                    new Span<float>(op.Context + ((nint)(b * op.QueryTokens + i0 + r) * op.Heads * d + (nint)h * d), d).Clear();
                }
            }
        }

        /// <summary>The columns [<paramref name="c"/>, <paramref name="d"/>) of <see cref="Context{TV, TOps}"/>: Vector256s, then single columns.</summary>
        private static void ContextTail(float* p, int pStride, int nk, float* v, nint vStride, int c, int d, float* c0, float* c1, float* c2, float* c3)
        {
            const int W = 8;
            for (; c + W <= d; c += W)
            {
                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                float* vj = v + c;
                float* pj = p;
                for (int j = 0; j < nk; j++, vj += vStride, pj += pStride)
                {
                    Vector256<float> v0 = Vector256.Load(vj);
                    a0 = Vector256.FusedMultiplyAdd(Vector256.Create(pj[0]), v0, a0);
                    a1 = Vector256.FusedMultiplyAdd(Vector256.Create(pj[1]), v0, a1);
                    a2 = Vector256.FusedMultiplyAdd(Vector256.Create(pj[2]), v0, a2);
                    a3 = Vector256.FusedMultiplyAdd(Vector256.Create(pj[3]), v0, a3);
                }

                a0.Store(c0 + c);
                a1.Store(c1 + c);
                a2.Store(c2 + c);
                a3.Store(c3 + c);
            }

            for (; c < d; c++)
            {
                float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f;
                float* vj = v + c;
                float* pj = p;
                for (int j = 0; j < nk; j++, vj += vStride, pj += pStride)
                {
                    a0 = MathF.FusedMultiplyAdd(pj[0], *vj, a0);
                    a1 = MathF.FusedMultiplyAdd(pj[1], *vj, a1);
                    a2 = MathF.FusedMultiplyAdd(pj[2], *vj, a2);
                    a3 = MathF.FusedMultiplyAdd(pj[3], *vj, a3);
                }

                c0[c] = a0;
                c1[c] = a1;
                c2[c] = a2;
                c3[c] = a3;
            }
        }
    }
}
