using System.Runtime.CompilerServices;
using StaticAttention.Internal.Cpu.Vectors;

namespace StaticAttention.Internal.Cpu.Attention
{
    /// <summary>The context tile of the row-major kernels (<see cref="TwoPassAttention"/>, <see cref="FlashAttention"/>): weights of four query rows times the value rows.</summary>
    internal static unsafe class RowContext
    {
        /// <summary>
        /// Context rows <c>c_r = Σ_{j &lt; keys} p_rj · v_j</c> (<c>c_r +=</c> with <paramref name="accumulate"/>) for four
        /// rows over <paramref name="dPad"/> columns (a multiple of W; <paramref name="v"/> rows readable that far); the
        /// weights of row r are <c>p[r·pStride + j]</c>. FourVectors·W columns of a row at a time, then two vectors, then one.
        /// </summary>
        // A kernel, not a helper: compiled on its own, with its own inlining budget (inlined, it would exhaust its caller's).
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static void FourRows<TV, TOps>(
            float* p, int pStride, int keys, float* v, nint vStride, int dPad, float* c0, float* c1, float* c2, float* c3, bool accumulate)
            where TV : struct
            where TOps : struct, IFloatVectorOps<TV>
        {
            int W = TOps.Count;
            float* p1 = p + pStride, p2 = p + 2 * pStride, p3 = p + 3 * pStride;
            int c = 0;
            bool FourVectors = TOps.Registers >= 32; // 16 accumulators: AVX-512 has 32 registers, AVX2 16
            for (; FourVectors && c + 4 * W <= dPad; c += 4 * W)
            {
                TV a00 = Start<TV, TOps>(c0 + c, accumulate), a01 = Start<TV, TOps>(c0 + c + W, accumulate), a02 = Start<TV, TOps>(c0 + c + 2 * W, accumulate), a03 = Start<TV, TOps>(c0 + c + 3 * W, accumulate);
                TV a10 = Start<TV, TOps>(c1 + c, accumulate), a11 = Start<TV, TOps>(c1 + c + W, accumulate), a12 = Start<TV, TOps>(c1 + c + 2 * W, accumulate), a13 = Start<TV, TOps>(c1 + c + 3 * W, accumulate);
                TV a20 = Start<TV, TOps>(c2 + c, accumulate), a21 = Start<TV, TOps>(c2 + c + W, accumulate), a22 = Start<TV, TOps>(c2 + c + 2 * W, accumulate), a23 = Start<TV, TOps>(c2 + c + 3 * W, accumulate);
                TV a30 = Start<TV, TOps>(c3 + c, accumulate), a31 = Start<TV, TOps>(c3 + c + W, accumulate), a32 = Start<TV, TOps>(c3 + c + 2 * W, accumulate), a33 = Start<TV, TOps>(c3 + c + 3 * W, accumulate);
                float* vj = v + c;
                for (int j = 0; j < keys; j++, vj += vStride)
                {
                    TV v0 = TOps.Load(vj), v1 = TOps.Load(vj + W), v2 = TOps.Load(vj + 2 * W), v3 = TOps.Load(vj + 3 * W);
                    TV w = TOps.Create(p[j]);
                    a00 = TOps.FusedMultiplyAdd(w, v0, a00);
                    a01 = TOps.FusedMultiplyAdd(w, v1, a01);
                    a02 = TOps.FusedMultiplyAdd(w, v2, a02);
                    a03 = TOps.FusedMultiplyAdd(w, v3, a03);
                    w = TOps.Create(p1[j]);
                    a10 = TOps.FusedMultiplyAdd(w, v0, a10);
                    a11 = TOps.FusedMultiplyAdd(w, v1, a11);
                    a12 = TOps.FusedMultiplyAdd(w, v2, a12);
                    a13 = TOps.FusedMultiplyAdd(w, v3, a13);
                    w = TOps.Create(p2[j]);
                    a20 = TOps.FusedMultiplyAdd(w, v0, a20);
                    a21 = TOps.FusedMultiplyAdd(w, v1, a21);
                    a22 = TOps.FusedMultiplyAdd(w, v2, a22);
                    a23 = TOps.FusedMultiplyAdd(w, v3, a23);
                    w = TOps.Create(p3[j]);
                    a30 = TOps.FusedMultiplyAdd(w, v0, a30);
                    a31 = TOps.FusedMultiplyAdd(w, v1, a31);
                    a32 = TOps.FusedMultiplyAdd(w, v2, a32);
                    a33 = TOps.FusedMultiplyAdd(w, v3, a33);
                }

                TOps.Store(a00, c0 + c); TOps.Store(a01, c0 + c + W); TOps.Store(a02, c0 + c + 2 * W); TOps.Store(a03, c0 + c + 3 * W);
                TOps.Store(a10, c1 + c); TOps.Store(a11, c1 + c + W); TOps.Store(a12, c1 + c + 2 * W); TOps.Store(a13, c1 + c + 3 * W);
                TOps.Store(a20, c2 + c); TOps.Store(a21, c2 + c + W); TOps.Store(a22, c2 + c + 2 * W); TOps.Store(a23, c2 + c + 3 * W);
                TOps.Store(a30, c3 + c); TOps.Store(a31, c3 + c + W); TOps.Store(a32, c3 + c + 2 * W); TOps.Store(a33, c3 + c + 3 * W);
            }

            for (; c + 2 * W <= dPad; c += 2 * W)
            {
                TV a00 = Start<TV, TOps>(c0 + c, accumulate), a01 = Start<TV, TOps>(c0 + c + W, accumulate);
                TV a10 = Start<TV, TOps>(c1 + c, accumulate), a11 = Start<TV, TOps>(c1 + c + W, accumulate);
                TV a20 = Start<TV, TOps>(c2 + c, accumulate), a21 = Start<TV, TOps>(c2 + c + W, accumulate);
                TV a30 = Start<TV, TOps>(c3 + c, accumulate), a31 = Start<TV, TOps>(c3 + c + W, accumulate);
                float* vj = v + c;
                for (int j = 0; j < keys; j++, vj += vStride)
                {
                    TV v0 = TOps.Load(vj), v1 = TOps.Load(vj + W);
                    TV w = TOps.Create(p[j]);
                    a00 = TOps.FusedMultiplyAdd(w, v0, a00);
                    a01 = TOps.FusedMultiplyAdd(w, v1, a01);
                    w = TOps.Create(p1[j]);
                    a10 = TOps.FusedMultiplyAdd(w, v0, a10);
                    a11 = TOps.FusedMultiplyAdd(w, v1, a11);
                    w = TOps.Create(p2[j]);
                    a20 = TOps.FusedMultiplyAdd(w, v0, a20);
                    a21 = TOps.FusedMultiplyAdd(w, v1, a21);
                    w = TOps.Create(p3[j]);
                    a30 = TOps.FusedMultiplyAdd(w, v0, a30);
                    a31 = TOps.FusedMultiplyAdd(w, v1, a31);
                }

                TOps.Store(a00, c0 + c); TOps.Store(a01, c0 + c + W);
                TOps.Store(a10, c1 + c); TOps.Store(a11, c1 + c + W);
                TOps.Store(a20, c2 + c); TOps.Store(a21, c2 + c + W);
                TOps.Store(a30, c3 + c); TOps.Store(a31, c3 + c + W);
            }

            if (c < dPad)
            {
                TV a0 = Start<TV, TOps>(c0 + c, accumulate), a1 = Start<TV, TOps>(c1 + c, accumulate);
                TV a2 = Start<TV, TOps>(c2 + c, accumulate), a3 = Start<TV, TOps>(c3 + c, accumulate);
                float* vj = v + c;
                for (int j = 0; j < keys; j++, vj += vStride)
                {
                    TV v0 = TOps.Load(vj);
                    a0 = TOps.FusedMultiplyAdd(TOps.Create(p[j]), v0, a0);
                    a1 = TOps.FusedMultiplyAdd(TOps.Create(p1[j]), v0, a1);
                    a2 = TOps.FusedMultiplyAdd(TOps.Create(p2[j]), v0, a2);
                    a3 = TOps.FusedMultiplyAdd(TOps.Create(p3[j]), v0, a3);
                }

                TOps.Store(a0, c0 + c);
                TOps.Store(a1, c1 + c);
                TOps.Store(a2, c2 + c);
                TOps.Store(a3, c3 + c);
            }
        }

        /// <summary>An accumulator's start: the context there, or zero.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV Start<TV, TOps>(float* c, bool accumulate)
            where TV : struct
            where TOps : struct, IFloatVectorOps<TV>
            => accumulate ? TOps.Load(c) : default;
    }
}
