using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticAttention.Internal.Cpu.Attention
{
    /// <summary>Transposes blocks of eight rows: query rows for the key-major kernels, key rows for the flash panels.</summary>
    internal static unsafe class Transpose
    {
        /// <summary>
        /// Writes rows <c>first .. first+7</c> of the <paramref name="rows"/> rows at <paramref name="q0"/> (rows past the end
        /// repeat the last one) transposed and times <paramref name="scale"/>: element d of row first+k at
        /// <c>dst[d·dstStride + k]</c>, 8×8 blocks in registers.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Rows8(float* q0, nint stride, int first, int rows, int d, float* dst, int dstStride, float scale = 1f)
        {
            int last = rows - 1;
            float* p0 = q0 + Math.Min(first, last) * stride, p1 = q0 + Math.Min(first + 1, last) * stride;
            float* p2 = q0 + Math.Min(first + 2, last) * stride, p3 = q0 + Math.Min(first + 3, last) * stride;
            float* p4 = q0 + Math.Min(first + 4, last) * stride, p5 = q0 + Math.Min(first + 5, last) * stride;
            float* p6 = q0 + Math.Min(first + 6, last) * stride, p7 = q0 + Math.Min(first + 7, last) * stride;
            int dd = 0;
            if (Avx.IsSupported)
            {
                Vector256<float> f = Vector256.Create(scale);
                for (; dd + 8 <= d; dd += 8)
                {
                    Vector256<float> r0 = Avx.LoadVector256(p0 + dd), r1 = Avx.LoadVector256(p1 + dd);
                    Vector256<float> r2 = Avx.LoadVector256(p2 + dd), r3 = Avx.LoadVector256(p3 + dd);
                    Vector256<float> r4 = Avx.LoadVector256(p4 + dd), r5 = Avx.LoadVector256(p5 + dd);
                    Vector256<float> r6 = Avx.LoadVector256(p6 + dd), r7 = Avx.LoadVector256(p7 + dd);
                    Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
                    Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
                    Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
                    Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
                    Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
                    Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
                    Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
                    Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
                    float* o = dst + (nint)dd * dstStride;
                    (Avx.Permute2x128(u0, u4, 0x20) * f).Store(o);
                    (Avx.Permute2x128(u1, u5, 0x20) * f).Store(o + dstStride);
                    (Avx.Permute2x128(u2, u6, 0x20) * f).Store(o + 2 * dstStride);
                    (Avx.Permute2x128(u3, u7, 0x20) * f).Store(o + 3 * dstStride);
                    (Avx.Permute2x128(u0, u4, 0x31) * f).Store(o + 4 * dstStride);
                    (Avx.Permute2x128(u1, u5, 0x31) * f).Store(o + 5 * dstStride);
                    (Avx.Permute2x128(u2, u6, 0x31) * f).Store(o + 6 * dstStride);
                    (Avx.Permute2x128(u3, u7, 0x31) * f).Store(o + 7 * dstStride);
                }
            }

            for (; dd < d; dd++)
            {
                float* o = dst + (nint)dd * dstStride;
                o[0] = p0[dd] * scale; o[1] = p1[dd] * scale; o[2] = p2[dd] * scale; o[3] = p3[dd] * scale;
                o[4] = p4[dd] * scale; o[5] = p5[dd] * scale; o[6] = p6[dd] * scale; o[7] = p7[dd] * scale;
            }
        }
    }
}
