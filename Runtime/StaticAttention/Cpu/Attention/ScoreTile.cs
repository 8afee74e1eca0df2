using System.Runtime.CompilerServices;
using StaticAttention.Internal.Cpu.Vectors;

namespace StaticAttention.Internal.Cpu.Attention
{
    /// <summary>
    /// Dot products of four query rows with up to four vectors of keys, in registers: <c>A{r}{v}</c> holds
    /// <c>q_r·k_j</c> for the W keys of vector v. Filled by <see cref="ScoreTiles"/>.
    /// </summary>
    internal struct ScoreTile<TV>
        where TV : struct
    {
        public TV A00, A01, A02, A03;
        public TV A10, A11, A12, A13;
        public TV A20, A21, A22, A23;
        public TV A30, A31, A32, A33;
    }

    /// <summary>
    /// The score tiles of the row-major kernels (<see cref="TwoPassAttention"/>, <see cref="FlashAttention"/>): kᵀ holds
    /// key vector v of dim dd at <c>k + dd·kStride + v·W</c>; for each dd, one broadcast of q_r[dd] times the key vectors.
    /// Inlined, so that the accumulators stay in registers.
    /// </summary>
    internal static unsafe class ScoreTiles
    {
        /// <summary>Four vectors of keys: 16 accumulators (32 registers: AVX-512).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ScoreTile<TV> Four<TV, TOps>(float* q0, float* q1, float* q2, float* q3, float* k, nint kStride, int d)
            where TV : struct
            where TOps : struct, IFloatVectorOps<TV>
        {
            int W = TOps.Count;
            TV a00 = default, a01 = default, a02 = default, a03 = default;
            TV a10 = default, a11 = default, a12 = default, a13 = default;
            TV a20 = default, a21 = default, a22 = default, a23 = default;
            TV a30 = default, a31 = default, a32 = default, a33 = default;
            for (int dd = 0; dd < d; dd++, k += kStride)
            {
                TV k0 = TOps.Load(k), k1 = TOps.Load(k + W), k2 = TOps.Load(k + 2 * W), k3 = TOps.Load(k + 3 * W);
                TV b = TOps.Create(q0[dd]);
                a00 = TOps.FusedMultiplyAdd(b, k0, a00);
                a01 = TOps.FusedMultiplyAdd(b, k1, a01);
                a02 = TOps.FusedMultiplyAdd(b, k2, a02);
                a03 = TOps.FusedMultiplyAdd(b, k3, a03);
                b = TOps.Create(q1[dd]);
                a10 = TOps.FusedMultiplyAdd(b, k0, a10);
                a11 = TOps.FusedMultiplyAdd(b, k1, a11);
                a12 = TOps.FusedMultiplyAdd(b, k2, a12);
                a13 = TOps.FusedMultiplyAdd(b, k3, a13);
                b = TOps.Create(q2[dd]);
                a20 = TOps.FusedMultiplyAdd(b, k0, a20);
                a21 = TOps.FusedMultiplyAdd(b, k1, a21);
                a22 = TOps.FusedMultiplyAdd(b, k2, a22);
                a23 = TOps.FusedMultiplyAdd(b, k3, a23);
                b = TOps.Create(q3[dd]);
                a30 = TOps.FusedMultiplyAdd(b, k0, a30);
                a31 = TOps.FusedMultiplyAdd(b, k1, a31);
                a32 = TOps.FusedMultiplyAdd(b, k2, a32);
                a33 = TOps.FusedMultiplyAdd(b, k3, a33);
            }

            return new ScoreTile<TV>
            {
                A00 = a00, A01 = a01, A02 = a02, A03 = a03, A10 = a10, A11 = a11, A12 = a12, A13 = a13,
                A20 = a20, A21 = a21, A22 = a22, A23 = a23, A30 = a30, A31 = a31, A32 = a32, A33 = a33,
            };
        }

        /// <summary>Two vectors of keys: 8 accumulators (<c>A{r}0</c>, <c>A{r}1</c>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ScoreTile<TV> Two<TV, TOps>(float* q0, float* q1, float* q2, float* q3, float* k, nint kStride, int d)
            where TV : struct
            where TOps : struct, IFloatVectorOps<TV>
        {
            int W = TOps.Count;
            TV a00 = default, a01 = default, a10 = default, a11 = default;
            TV a20 = default, a21 = default, a30 = default, a31 = default;
            for (int dd = 0; dd < d; dd++, k += kStride)
            {
                TV k0 = TOps.Load(k), k1 = TOps.Load(k + W);
                TV b = TOps.Create(q0[dd]);
                a00 = TOps.FusedMultiplyAdd(b, k0, a00);
                a01 = TOps.FusedMultiplyAdd(b, k1, a01);
                b = TOps.Create(q1[dd]);
                a10 = TOps.FusedMultiplyAdd(b, k0, a10);
                a11 = TOps.FusedMultiplyAdd(b, k1, a11);
                b = TOps.Create(q2[dd]);
                a20 = TOps.FusedMultiplyAdd(b, k0, a20);
                a21 = TOps.FusedMultiplyAdd(b, k1, a21);
                b = TOps.Create(q3[dd]);
                a30 = TOps.FusedMultiplyAdd(b, k0, a30);
                a31 = TOps.FusedMultiplyAdd(b, k1, a31);
            }

            return new ScoreTile<TV> { A00 = a00, A01 = a01, A10 = a10, A11 = a11, A20 = a20, A21 = a21, A30 = a30, A31 = a31 };
        }

        /// <summary>
        /// One vector of keys (<c>A{r}0</c>): two accumulators per row (even and odd dd) keep eight FMA chains in flight,
        /// added at the end.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ScoreTile<TV> One<TV, TOps>(float* q0, float* q1, float* q2, float* q3, float* k, nint kStride, int d)
            where TV : struct
            where TOps : struct, IFloatVectorOps<TV>
        {
            TV a00 = default, a01 = default, a10 = default, a11 = default;
            TV a20 = default, a21 = default, a30 = default, a31 = default;
            int dd = 0;
            for (; dd + 2 <= d; dd += 2, k += 2 * kStride)
            {
                TV k0 = TOps.Load(k), k1 = TOps.Load(k + kStride);
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

            return new ScoreTile<TV> { A00 = TOps.Add(a00, a01), A10 = TOps.Add(a10, a11), A20 = TOps.Add(a20, a21), A30 = TOps.Add(a30, a31) };
        }
    }
}
