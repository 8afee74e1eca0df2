using System;
using System.Runtime.CompilerServices;
using StaticAttention.Internal.Cpu.Vectors;

namespace StaticAttention.Internal.Cpu.Attention
{
    /// <summary>The tiles of the flash kernel: scores of four rows (with the softmax step fused where it fits), the online softmax of a row, the context of four rows.</summary>
    internal static unsafe partial class FlashAttention
    {
        /// <summary>
        /// <c>scores[r][j] = q_r·k_j</c> for four query rows and the first <paramref name="tile"/> keys (scaled) of a block (a
        /// multiple of W; kᵀ rows of <see cref="BlockKeys"/>): for each dd, one broadcast of q_r[dd] times FourVectors·W keys,
        /// accumulated in registers, then two vectors, then one; keys from <paramref name="valid"/> on (padding: only in the
        /// last vector) are -inf; <c>rowMax[r]</c> = the max of row r's scores (the native max).
        /// </summary>
        // A kernel, not a helper: compiled on its own, with its own inlining budget (inlined, it would exhaust Flash's).
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static void Scores<TV, TOps>(float* q0, float* q1, float* q2, float* q3, float* kT, int d, int tile, int valid, float* scores, float* rowMax)
            where TV : struct
            where TOps : struct, IFloatVectorOps<TV>
        {
            int W = TOps.Count;
            const int KB = BlockKeys;
            TV m0 = TOps.Create(float.NegativeInfinity), m1 = m0, m2 = m0, m3 = m0;
            bool FourVectors = TOps.Registers >= 32; // 16 accumulators: AVX-512 has 32 registers, AVX2 16
            int j = 0;
            for (; FourVectors && j + 4 * W <= tile; j += 4 * W)
            {
                ScoreTile<TV> t = ScoreTiles.Four<TV, TOps>(q0, q1, q2, q3, kT + j, KB, d);
                TV a00 = t.A00, a01 = t.A01, a02 = t.A02, a03 = t.A03;
                TV a10 = t.A10, a11 = t.A11, a12 = t.A12, a13 = t.A13;
                TV a20 = t.A20, a21 = t.A21, a22 = t.A22, a23 = t.A23;
                TV a30 = t.A30, a31 = t.A31, a32 = t.A32, a33 = t.A33;
                if (j + 4 * W > valid)
                {
                    TV keep = TOps.LessThan(TOps.Indices, TOps.Create(valid - (j + 3 * W))), padding = TOps.Create(float.NegativeInfinity);
                    a03 = TOps.ConditionalSelect(keep, a03, padding); a13 = TOps.ConditionalSelect(keep, a13, padding);
                    a23 = TOps.ConditionalSelect(keep, a23, padding); a33 = TOps.ConditionalSelect(keep, a33, padding);
                }

                float* s = scores + j;
                TOps.Store(a00, s); TOps.Store(a01, s + W); TOps.Store(a02, s + 2 * W); TOps.Store(a03, s + 3 * W);
                m0 = TOps.MaxNative(m0, TOps.MaxNative(TOps.MaxNative(a00, a01), TOps.MaxNative(a02, a03)));
                TOps.Store(a10, s + KB); TOps.Store(a11, s + KB + W); TOps.Store(a12, s + KB + 2 * W); TOps.Store(a13, s + KB + 3 * W);
                m1 = TOps.MaxNative(m1, TOps.MaxNative(TOps.MaxNative(a10, a11), TOps.MaxNative(a12, a13)));
                TOps.Store(a20, s + 2 * KB); TOps.Store(a21, s + 2 * KB + W); TOps.Store(a22, s + 2 * KB + 2 * W); TOps.Store(a23, s + 2 * KB + 3 * W);
                m2 = TOps.MaxNative(m2, TOps.MaxNative(TOps.MaxNative(a20, a21), TOps.MaxNative(a22, a23)));
                TOps.Store(a30, s + 3 * KB); TOps.Store(a31, s + 3 * KB + W); TOps.Store(a32, s + 3 * KB + 2 * W); TOps.Store(a33, s + 3 * KB + 3 * W);
                m3 = TOps.MaxNative(m3, TOps.MaxNative(TOps.MaxNative(a30, a31), TOps.MaxNative(a32, a33)));
            }

            for (; j + 2 * W <= tile; j += 2 * W)
            {
                ScoreTile<TV> t = ScoreTiles.Two<TV, TOps>(q0, q1, q2, q3, kT + j, KB, d);
                TV a00 = t.A00, a01 = t.A01, a10 = t.A10, a11 = t.A11;
                TV a20 = t.A20, a21 = t.A21, a30 = t.A30, a31 = t.A31;
                if (j + 2 * W > valid)
                {
                    TV keep = TOps.LessThan(TOps.Indices, TOps.Create(valid - (j + W))), padding = TOps.Create(float.NegativeInfinity);
                    a01 = TOps.ConditionalSelect(keep, a01, padding); a11 = TOps.ConditionalSelect(keep, a11, padding);
                    a21 = TOps.ConditionalSelect(keep, a21, padding); a31 = TOps.ConditionalSelect(keep, a31, padding);
                }

                float* s = scores + j;
                TOps.Store(a00, s); TOps.Store(a01, s + W);
                TOps.Store(a10, s + KB); TOps.Store(a11, s + KB + W);
                m0 = TOps.MaxNative(m0, TOps.MaxNative(a00, a01));
                m1 = TOps.MaxNative(m1, TOps.MaxNative(a10, a11));
                TOps.Store(a20, s + 2 * KB); TOps.Store(a21, s + 2 * KB + W);
                TOps.Store(a30, s + 3 * KB); TOps.Store(a31, s + 3 * KB + W);
                m2 = TOps.MaxNative(m2, TOps.MaxNative(a20, a21));
                m3 = TOps.MaxNative(m3, TOps.MaxNative(a30, a31));
            }

            if (j < tile)
            {
                // One vector of keys.
                ScoreTile<TV> t = ScoreTiles.One<TV, TOps>(q0, q1, q2, q3, kT + j, KB, d);
                float* s = scores + j;
                TV a00 = t.A00, a10 = t.A10, a20 = t.A20, a30 = t.A30;
                if (j + W > valid)
                {
                    TV keep = TOps.LessThan(TOps.Indices, TOps.Create(valid - j)), padding = TOps.Create(float.NegativeInfinity);
                    a00 = TOps.ConditionalSelect(keep, a00, padding); a10 = TOps.ConditionalSelect(keep, a10, padding);
                    a20 = TOps.ConditionalSelect(keep, a20, padding); a30 = TOps.ConditionalSelect(keep, a30, padding);
                }

                TOps.Store(a00, s);
                TOps.Store(a10, s + KB);
                TOps.Store(a20, s + 2 * KB);
                TOps.Store(a30, s + 3 * KB);
                m0 = TOps.MaxNative(m0, a00);
                m1 = TOps.MaxNative(m1, a10);
                m2 = TOps.MaxNative(m2, a20);
                m3 = TOps.MaxNative(m3, a30);
            }

            rowMax[0] = TOps.HorizontalMax(m0);
            rowMax[1] = TOps.HorizontalMax(m1);
            rowMax[2] = TOps.HorizontalMax(m2);
            rowMax[3] = TOps.HorizontalMax(m3);
        }

        /// <summary>
        /// <see cref="Scores{TV, TOps}"/> of four rows and a full block of 4·W keys (<c>plain</c>, exp2) followed by the online
        /// softmax step of each row on the scores in registers, when every row's block max is finite; the four α are written
        /// to <paramref name="alpha"/>. Otherwise it stores the scores and their maxima as <see cref="Scores{TV, TOps}"/> and returns false.
        /// A row whose scores are all at most its running max + <see cref="MaxSlack"/> keeps that max (α = 1, weights up
        /// to 2^MaxSlack): the softmax is the same for any shift, and the row needs no horizontal max.
        /// </summary>
        // A kernel, not a helper: compiled on its own, with its own inlining budget (inlined, it would exhaust Flash's).
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static bool ScoresSoftmax<TV, TOps>(float* q0, float* q1, float* q2, float* q3, float* kT, int d, float* scores, float* m, float* l, float* alpha)
            where TV : struct
            where TOps : struct, IFloatVectorOps<TV>
        {
            int W = TOps.Count;
            const int KB = BlockKeys;
            ScoreTile<TV> t = ScoreTiles.Four<TV, TOps>(q0, q1, q2, q3, kT, KB, d);
            TV a00 = t.A00, a01 = t.A01, a02 = t.A02, a03 = t.A03;
            TV a10 = t.A10, a11 = t.A11, a12 = t.A12, a13 = t.A13;
            TV a20 = t.A20, a21 = t.A21, a22 = t.A22, a23 = t.A23;
            TV a30 = t.A30, a31 = t.A31, a32 = t.A32, a33 = t.A33;

            TV v0 = TOps.MaxNative(TOps.MaxNative(a00, a01), TOps.MaxNative(a02, a03));
            TV v1 = TOps.MaxNative(TOps.MaxNative(a10, a11), TOps.MaxNative(a12, a13));
            TV v2 = TOps.MaxNative(TOps.MaxNative(a20, a21), TOps.MaxNative(a22, a23));
            TV v3 = TOps.MaxNative(TOps.MaxNative(a30, a31), TOps.MaxNative(a32, a33));

            // A row keeps its running max m when no score exceeds m + slack (false for m = -inf, whose block then takes
            // its own max, and for a NaN anywhere); b = m then leaves m and α = 1 below.
            float m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3];
            bool keep0 = TOps.LessThanOrEqualAll(v0, TOps.Create(m0 + MaxSlack));
            bool keep1 = TOps.LessThanOrEqualAll(v1, TOps.Create(m1 + MaxSlack));
            bool keep2 = TOps.LessThanOrEqualAll(v2, TOps.Create(m2 + MaxSlack));
            bool keep3 = TOps.LessThanOrEqualAll(v3, TOps.Create(m3 + MaxSlack));
            float b0 = keep0 ? m0 : TOps.HorizontalMax(v0);
            float b1 = keep1 ? m1 : TOps.HorizontalMax(v1);
            float b2 = keep2 ? m2 : TOps.HorizontalMax(v2);
            float b3 = keep3 ? m3 : TOps.HorizontalMax(v3);
            if (!(float.IsFinite(b0) && float.IsFinite(b1) && float.IsFinite(b2) && float.IsFinite(b3)))
            {
                float* s = scores;
                TOps.Store(a00, s); TOps.Store(a01, s + W); TOps.Store(a02, s + 2 * W); TOps.Store(a03, s + 3 * W);
                TOps.Store(a10, s + KB); TOps.Store(a11, s + KB + W); TOps.Store(a12, s + KB + 2 * W); TOps.Store(a13, s + KB + 3 * W);
                TOps.Store(a20, s + 2 * KB); TOps.Store(a21, s + 2 * KB + W); TOps.Store(a22, s + 2 * KB + 2 * W); TOps.Store(a23, s + 2 * KB + 3 * W);
                TOps.Store(a30, s + 3 * KB); TOps.Store(a31, s + 3 * KB + W); TOps.Store(a32, s + 3 * KB + 2 * W); TOps.Store(a33, s + 3 * KB + 3 * W);
                alpha[0] = TOps.HorizontalMax(v0); alpha[1] = TOps.HorizontalMax(v1); alpha[2] = TOps.HorizontalMax(v2); alpha[3] = TOps.HorizontalMax(v3);
                return false;
            }

            alpha[0] = FusedRow<TV, TOps>(a00, a01, a02, a03, b0, scores, m, l);
            alpha[1] = FusedRow<TV, TOps>(a10, a11, a12, a13, b1, scores + KB, m + 1, l + W);
            alpha[2] = FusedRow<TV, TOps>(a20, a21, a22, a23, b2, scores + 2 * KB, m + 2, l + 2 * W);
            alpha[3] = FusedRow<TV, TOps>(a30, a31, a32, a33, b3, scores + 3 * KB, m + 3, l + 3 * W);
            return true;
        }

        /// <summary>
        /// The online softmax step (exp2) of one row of four vectors of scores, with <paramref name="blockMax"/> finite and at
        /// least the row's running max once the scores exceed it by more than <see cref="MaxSlack"/> (their max, or the
        /// running max itself); returns α.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float FusedRow<TV, TOps>(TV x0, TV x1, TV x2, TV x3, float blockMax, float* s, float* m, float* l)
            where TV : struct
            where TOps : struct, IFloatVectorOps<TV>
        {
            int W = TOps.Count;
            float mOld = *m;
            float mNew = MathF.Max(mOld, blockMax);
            // α = 1 also after m = -inf: the accumulators then hold only zeros (or a NaN from a zero weight times a NaN or
            // infinite value), which scaling by 0 would leave as they are.
            float alpha = mOld == mNew || mOld == float.NegativeInfinity ? 1f : FastExp.Exp2(mOld - mNew);
            TV mx = TOps.Create(mNew);
            TV e0 = TOps.Exp2NonPositive(TOps.Subtract(x0, mx)), e1 = TOps.Exp2NonPositive(TOps.Subtract(x1, mx));
            TV e2 = TOps.Exp2NonPositive(TOps.Subtract(x2, mx)), e3 = TOps.Exp2NonPositive(TOps.Subtract(x3, mx));
            TOps.Store(e0, s); TOps.Store(e1, s + W); TOps.Store(e2, s + 2 * W); TOps.Store(e3, s + 3 * W);
            *m = mNew;
            TOps.Store(TOps.FusedMultiplyAdd(TOps.Load(l), TOps.Create(alpha), TOps.Add(TOps.Add(e0, e1), TOps.Add(e2, e3))), l);
            return alpha;
        }

        /// <summary>
        /// The online softmax step of one row over a block's scores <paramref name="s"/> (<paramref name="length"/> floats,
        /// padded with -inf) whose max is <paramref name="blockMax"/>: the new max m, p = exp(s − m) (exp2 with
        /// <paramref name="base2"/>, the scores then in log2 units) in place, l = l·α + Σp, l kept as W partial sums. Returns α = exp(m_old − m_new), by which
        /// the row's accumulator is to be scaled. While every score so far is -inf, m stays -inf and p = 0 (exp(-inf − 0)),
        /// so that zero weights still multiply every value (a NaN value makes the context NaN, as in the plain loop).
        /// A NaN score makes m or l NaN, and so the row. As in the fused step, m stays while the block's max is at most
        /// <see cref="MaxSlack"/> (log2 units; natural: times ln 2) above it.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float Softmax<TV, TOps>(float* s, int length, float* m, float* l, float blockMax, bool base2)
            where TV : struct
            where TOps : struct, IFloatVectorOps<TV>
        {
            int W = TOps.Count;
            if (blockMax == float.NegativeInfinity && ScoreRows.HasNaN(s, length))
            {
                blockMax = float.NaN; // the native max may have dropped a NaN
            }

            // The running max stays while the block's max is within the slack above it (weights up to 2^8, α = 1).
            float mOld = *m;
            float mNew = blockMax <= mOld + (base2 ? MaxSlack : MaxSlack * Ln2) ? mOld : MathF.Max(mOld, blockMax); // propagates NaN
            float shift = mNew == float.NegativeInfinity ? 0f : mNew;
            float alpha = mOld == mNew || mOld == float.NegativeInfinity ? 1f : base2 ? FastExp.Exp2(mOld - shift) : FastExp.Exp(mOld - shift); // as in the fused step
            TV mx = TOps.Create(shift);
            TV sum = default;
            for (int j = 0; j < length; j += W)
            {
                TV x = TOps.Subtract(TOps.Load(s + j), mx);
                TV e = base2 ? TOps.Exp2NonPositive(x) : TOps.Exp(x);
                TOps.Store(e, s + j);
                sum = TOps.Add(sum, e);
            }

            *m = mNew;
            TOps.Store(TOps.FusedMultiplyAdd(TOps.Load(l), TOps.Create(alpha), sum), l);
            return alpha;
        }
    }
}
