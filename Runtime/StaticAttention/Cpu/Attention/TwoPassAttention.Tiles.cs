using System;
using System.Runtime.CompilerServices;
using StaticAttention.Cpu.Vectors;

namespace StaticAttention.Cpu.Attention
{
    /// <summary>The tiles of the two-pass kernel: scores, the softmax of a row, and the context of four rows.</summary>
    internal static unsafe partial class TwoPassAttention
    {
        /// <summary>
        /// <c>scores[r][j] = scale · q_r·k_j</c> for four query rows and keys <c>[from, keys)</c> (from a multiple of 2W, keys of W):
        /// for each dd, one broadcast of q_r[dd] times the key vectors of a kᵀ panel, accumulated in registers.
        /// </summary>
        // A kernel, not a helper: compiled on its own, with its own inlining budget.
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static void Scores<TV, TOps>(float* q0, float* q1, float* q2, float* q3, float* kT, int nkPad, int d, int from, int keys, float* scores, float scale)
            where TV : struct
            where TOps : struct, IFloatVectorOps<TV>
        {
            int W = TOps.Count;
            TV sc = TOps.Create(scale);
            int j = from;
            for (; j + 2 * W <= keys; j += 2 * W)
            {
                TV a00 = default, a01 = default, a10 = default, a11 = default;
                TV a20 = default, a21 = default, a30 = default, a31 = default;
                float* k = kT + (nint)j * d;
                for (int dd = 0; dd < d; dd++, k += 2 * W)
                {
                    TV k0 = TOps.Load(k), k1 = TOps.Load(k + W);
                    TV b0 = TOps.Create(q0[dd]);
                    a00 = TOps.FusedMultiplyAdd(b0, k0, a00);
                    a01 = TOps.FusedMultiplyAdd(b0, k1, a01);
                    TV b1 = TOps.Create(q1[dd]);
                    a10 = TOps.FusedMultiplyAdd(b1, k0, a10);
                    a11 = TOps.FusedMultiplyAdd(b1, k1, a11);
                    TV b2 = TOps.Create(q2[dd]);
                    a20 = TOps.FusedMultiplyAdd(b2, k0, a20);
                    a21 = TOps.FusedMultiplyAdd(b2, k1, a21);
                    TV b3 = TOps.Create(q3[dd]);
                    a30 = TOps.FusedMultiplyAdd(b3, k0, a30);
                    a31 = TOps.FusedMultiplyAdd(b3, k1, a31);
                }

                float* s = scores + j;
                TOps.Store(TOps.Multiply(sc, a00), s);
                TOps.Store(TOps.Multiply(sc, a01), s + W);
                TOps.Store(TOps.Multiply(sc, a10), s + nkPad);
                TOps.Store(TOps.Multiply(sc, a11), s + nkPad + W);
                TOps.Store(TOps.Multiply(sc, a20), s + 2 * nkPad);
                TOps.Store(TOps.Multiply(sc, a21), s + 2 * nkPad + W);
                TOps.Store(TOps.Multiply(sc, a30), s + 3 * nkPad);
                TOps.Store(TOps.Multiply(sc, a31), s + 3 * nkPad + W);
            }

            if (j < keys)
            {
                // One vector of keys: two accumulators per row (even and odd dd) keep eight FMA chains in flight.
                TV a00 = default, a01 = default, a10 = default, a11 = default;
                TV a20 = default, a21 = default, a30 = default, a31 = default;
                float* k = kT + (nint)j * d;
                int dd = 0;
                for (; dd + 2 <= d; dd += 2, k += 4 * W)
                {
                    TV k0 = TOps.Load(k), k1 = TOps.Load(k + 2 * W);
                    a00 = TOps.FusedMultiplyAdd(TOps.Create(q0[dd]), k0, a00);
                    a01 = TOps.FusedMultiplyAdd(TOps.Create(q0[dd + 1]), k1, a01);
                    a10 = TOps.FusedMultiplyAdd(TOps.Create(q1[dd]), k0, a10);
                    a11 = TOps.FusedMultiplyAdd(TOps.Create(q1[dd + 1]), k1, a11);
                    a20 = TOps.FusedMultiplyAdd(TOps.Create(q2[dd]), k0, a20);
                    a21 = TOps.FusedMultiplyAdd(TOps.Create(q2[dd + 1]), k1, a21);
                    a30 = TOps.FusedMultiplyAdd(TOps.Create(q3[dd]), k0, a30);
                    a31 = TOps.FusedMultiplyAdd(TOps.Create(q3[dd + 1]), k1, a31);
                }

                if (dd < d)
                {
                    TV k0 = TOps.Load(k);
                    a00 = TOps.FusedMultiplyAdd(TOps.Create(q0[dd]), k0, a00);
                    a10 = TOps.FusedMultiplyAdd(TOps.Create(q1[dd]), k0, a10);
                    a20 = TOps.FusedMultiplyAdd(TOps.Create(q2[dd]), k0, a20);
                    a30 = TOps.FusedMultiplyAdd(TOps.Create(q3[dd]), k0, a30);
                }

                float* s = scores + j;
                TOps.Store(TOps.Multiply(sc, TOps.Add(a00, a01)), s);
                TOps.Store(TOps.Multiply(sc, TOps.Add(a10, a11)), s + nkPad);
                TOps.Store(TOps.Multiply(sc, TOps.Add(a20, a21)), s + 2 * nkPad);
                TOps.Store(TOps.Multiply(sc, TOps.Add(a30, a31)), s + 3 * nkPad);
            }
        }

        /// <summary>
        /// Softmax of one score row in place over <paramref name="length"/> floats (a multiple of the width; padding is -inf).
        /// Returns false, leaving zeros, when every score is -inf; a NaN score makes the whole row NaN.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool Softmax<TV, TOps>(float* s, int length)
            where TV : struct
            where TOps : struct, IFloatVectorOps<TV>
        {
            int W = TOps.Count;
            TV mv = TOps.Load(s);
            for (int j = W; j < length; j += W)
            {
                mv = TOps.MaxNative(mv, TOps.Load(s + j));
            }

            float max = TOps.HorizontalMax(mv);
            if (max == float.NegativeInfinity)
            {
                // The native max may have dropped a NaN: a NaN row is NaN, not zero.
                if (!ScoreRows.HasNaN(s, length))
                {
                    new Span<float>(s, length).Clear();
                    return false;
                }

                max = float.NaN;
            }

            TV mx = TOps.Create(max);
            TV sum = default;
            for (int j = 0; j < length; j += W)
            {
                TV e = TOps.Exp(TOps.Subtract(TOps.Load(s + j), mx));
                TOps.Store(e, s + j);
                sum = TOps.Add(sum, e);
            }

            TV inverse = TOps.Create(1f / TOps.Sum(sum));
            for (int j = 0; j < length; j += W)
            {
                TOps.Store(TOps.Multiply(TOps.Load(s + j), inverse), s + j);
            }

            return true;
        }

        /// <summary>
        /// Context rows <c>c_r = Σ_{j &lt; keys} w_rj · v_j</c> for four rows over <paramref name="dPad"/> columns (a multiple
        /// of the width; <paramref name="v"/> rows readable that far): four vectors of a row at a time with 32 registers, two with
        /// 16, then one.
        /// </summary>
        // A kernel, not a helper: compiled on its own, with its own inlining budget.
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static void Context<TV, TOps>(float* w, int nkPad, int keys, float* v, nint vStride, int dPad, float* c0, float* c1, float* c2, float* c3)
            where TV : struct
            where TOps : struct, IFloatVectorOps<TV>
        {
            int W = TOps.Count;
            float* w1 = w + nkPad, w2 = w + 2 * nkPad, w3 = w + 3 * nkPad;
            int c = 0;
            for (; TOps.Registers >= 32 && c + 4 * W <= dPad; c += 4 * W)
            {
                TV a00 = default, a01 = default, a02 = default, a03 = default;
                TV a10 = default, a11 = default, a12 = default, a13 = default;
                TV a20 = default, a21 = default, a22 = default, a23 = default;
                TV a30 = default, a31 = default, a32 = default, a33 = default;
                float* vj = v + c;
                for (int j = 0; j < keys; j++, vj += vStride)
                {
                    TV v0 = TOps.Load(vj), v1 = TOps.Load(vj + W), v2 = TOps.Load(vj + 2 * W), v3 = TOps.Load(vj + 3 * W);
                    TV p = TOps.Create(w[j]);
                    a00 = TOps.FusedMultiplyAdd(p, v0, a00);
                    a01 = TOps.FusedMultiplyAdd(p, v1, a01);
                    a02 = TOps.FusedMultiplyAdd(p, v2, a02);
                    a03 = TOps.FusedMultiplyAdd(p, v3, a03);
                    p = TOps.Create(w1[j]);
                    a10 = TOps.FusedMultiplyAdd(p, v0, a10);
                    a11 = TOps.FusedMultiplyAdd(p, v1, a11);
                    a12 = TOps.FusedMultiplyAdd(p, v2, a12);
                    a13 = TOps.FusedMultiplyAdd(p, v3, a13);
                    p = TOps.Create(w2[j]);
                    a20 = TOps.FusedMultiplyAdd(p, v0, a20);
                    a21 = TOps.FusedMultiplyAdd(p, v1, a21);
                    a22 = TOps.FusedMultiplyAdd(p, v2, a22);
                    a23 = TOps.FusedMultiplyAdd(p, v3, a23);
                    p = TOps.Create(w3[j]);
                    a30 = TOps.FusedMultiplyAdd(p, v0, a30);
                    a31 = TOps.FusedMultiplyAdd(p, v1, a31);
                    a32 = TOps.FusedMultiplyAdd(p, v2, a32);
                    a33 = TOps.FusedMultiplyAdd(p, v3, a33);
                }

                TOps.Store(a00, c0 + c); TOps.Store(a01, c0 + c + W); TOps.Store(a02, c0 + c + 2 * W); TOps.Store(a03, c0 + c + 3 * W);
                TOps.Store(a10, c1 + c); TOps.Store(a11, c1 + c + W); TOps.Store(a12, c1 + c + 2 * W); TOps.Store(a13, c1 + c + 3 * W);
                TOps.Store(a20, c2 + c); TOps.Store(a21, c2 + c + W); TOps.Store(a22, c2 + c + 2 * W); TOps.Store(a23, c2 + c + 3 * W);
                TOps.Store(a30, c3 + c); TOps.Store(a31, c3 + c + W); TOps.Store(a32, c3 + c + 2 * W); TOps.Store(a33, c3 + c + 3 * W);
            }

            for (; TOps.Registers < 32 && c + 2 * W <= dPad; c += 2 * W)
            {
                TV a00 = default, a01 = default, a10 = default, a11 = default;
                TV a20 = default, a21 = default, a30 = default, a31 = default;
                float* vj = v + c;
                for (int j = 0; j < keys; j++, vj += vStride)
                {
                    TV v0 = TOps.Load(vj), v1 = TOps.Load(vj + W);
                    TV p = TOps.Create(w[j]);
                    a00 = TOps.FusedMultiplyAdd(p, v0, a00);
                    a01 = TOps.FusedMultiplyAdd(p, v1, a01);
                    p = TOps.Create(w1[j]);
                    a10 = TOps.FusedMultiplyAdd(p, v0, a10);
                    a11 = TOps.FusedMultiplyAdd(p, v1, a11);
                    p = TOps.Create(w2[j]);
                    a20 = TOps.FusedMultiplyAdd(p, v0, a20);
                    a21 = TOps.FusedMultiplyAdd(p, v1, a21);
                    p = TOps.Create(w3[j]);
                    a30 = TOps.FusedMultiplyAdd(p, v0, a30);
                    a31 = TOps.FusedMultiplyAdd(p, v1, a31);
                }

                TOps.Store(a00, c0 + c); TOps.Store(a01, c0 + c + W);
                TOps.Store(a10, c1 + c); TOps.Store(a11, c1 + c + W);
                TOps.Store(a20, c2 + c); TOps.Store(a21, c2 + c + W);
                TOps.Store(a30, c3 + c); TOps.Store(a31, c3 + c + W);
            }

            ContextTail<TV, TOps>(w, nkPad, keys, v, vStride, c, dPad, c0, c1, c2, c3);
        }

        /// <summary>The columns [<paramref name="c"/>, <paramref name="dPad"/>) of <see cref="Context{TV, TOps}"/>, one vector at a time.</summary>
        private static void ContextTail<TV, TOps>(float* w, int nkPad, int keys, float* v, nint vStride, int c, int dPad, float* c0, float* c1, float* c2, float* c3)
            where TV : struct
            where TOps : struct, IFloatVectorOps<TV>
        {
            int W = TOps.Count;
            float* w1 = w + nkPad, w2 = w + 2 * nkPad, w3 = w + 3 * nkPad;
            for (; c < dPad; c += W)
            {
                TV a0 = default, a1 = default, a2 = default, a3 = default;
                float* vj = v + c;
                for (int j = 0; j < keys; j++, vj += vStride)
                {
                    TV v0 = TOps.Load(vj);
                    a0 = TOps.FusedMultiplyAdd(TOps.Create(w[j]), v0, a0);
                    a1 = TOps.FusedMultiplyAdd(TOps.Create(w1[j]), v0, a1);
                    a2 = TOps.FusedMultiplyAdd(TOps.Create(w2[j]), v0, a2);
                    a3 = TOps.FusedMultiplyAdd(TOps.Create(w3[j]), v0, a3);
                }

                TOps.Store(a0, c0 + c);
                TOps.Store(a1, c1 + c);
                TOps.Store(a2, c2 + c);
                TOps.Store(a3, c3 + c);
            }
        }
    }
}
