using System;
using System.Runtime.CompilerServices;
using StaticAttention.Internal.Cpu.Vectors;

namespace StaticAttention.Internal.Cpu.Attention
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
                ScoreTile<TV> t = ScoreTiles.Two<TV, TOps>(q0, q1, q2, q3, kT + (nint)j * d, 2 * W, d);
                float* s = scores + j;
                TOps.Store(TOps.Multiply(sc, t.A00), s);
                TOps.Store(TOps.Multiply(sc, t.A01), s + W);
                TOps.Store(TOps.Multiply(sc, t.A10), s + nkPad);
                TOps.Store(TOps.Multiply(sc, t.A11), s + nkPad + W);
                TOps.Store(TOps.Multiply(sc, t.A20), s + 2 * nkPad);
                TOps.Store(TOps.Multiply(sc, t.A21), s + 2 * nkPad + W);
                TOps.Store(TOps.Multiply(sc, t.A30), s + 3 * nkPad);
                TOps.Store(TOps.Multiply(sc, t.A31), s + 3 * nkPad + W);
            }

            if (j < keys)
            {
                // One vector of keys.
                ScoreTile<TV> t = ScoreTiles.One<TV, TOps>(q0, q1, q2, q3, kT + (nint)j * d, 2 * W, d);
                float* s = scores + j;
                TOps.Store(TOps.Multiply(sc, t.A00), s);
                TOps.Store(TOps.Multiply(sc, t.A10), s + nkPad);
                TOps.Store(TOps.Multiply(sc, t.A20), s + 2 * nkPad);
                TOps.Store(TOps.Multiply(sc, t.A30), s + 3 * nkPad);
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
            float max = ScoreRows.Max<TV, TOps>(s, length);
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
    }
}
