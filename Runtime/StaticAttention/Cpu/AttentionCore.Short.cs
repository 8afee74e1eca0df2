using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticAttention.Cpu
{
    /// <summary>The parts of the key-major short kernels (<c>AttentionCore.ShortKernel.cs</c>) that do not depend on the width.</summary>
    public static unsafe partial class AttentionCore
    {
        /// <summary>Heads with at most this many keys use the key-major short kernel: their scores stay in a few vectors.</summary>
        internal const int ShortKeys = 16;

        /// <summary>(b, h) pairs per job index of the short kernel: enough work per index that handing it out costs little.</summary>
        private const int ShortIndices = 128;

        /// <summary>Whether heads with at most <see cref="ShortKeys"/> keys use the short kernel; tests and benchmarks turn it off to compare.</summary>
        internal static bool UseShortKernel { get; set; } = true;

        /// <summary>
        /// Writes rows <c>first .. first+7</c> of the <paramref name="rows"/> rows at <paramref name="q0"/> (rows past the end
        /// repeat the last one) transposed and times <paramref name="scale"/>: element d of row first+k at
        /// <c>dst[d·dstStride + k]</c>, 8×8 blocks in registers.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void TransposeRows(float* q0, nint stride, int first, int rows, int d, float* dst, int dstStride, float scale = 1f)
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

        /// <summary>The floats between the heads' columns of <see cref="BiasColumns"/>: 2·T-1, padded by two Vector512s.</summary>
        private static int BiasColumnStride(int queryTokens) => 2 * queryTokens - 1 + 32;

        /// <summary>
        /// The relative bias table <c>[2T-1, Heads]</c> as one zero-padded column per head, <c>columns[h][t] = table[t, h]</c>,
        /// so that lane r of key j in a block from row i0 is <c>columns[h][i0 + r - j + T - 1]</c>: one unaligned load.
        /// Kept in a buffer of the calling thread, apart from the kernels' buffers.
        /// </summary>
        private static float* BiasColumns(float* table, int heads, int queryTokens)
        {
            int stride = BiasColumnStride(queryTokens);
            float[]? array = t_biasColumns;
            if (array is null || array.Length < heads * stride)
            {
                array = GC.AllocateUninitializedArray<float>(heads * stride, pinned: true);
                t_biasColumns = array;
            }

            float* columns = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
            for (int h = 0; h < heads; h++)
            {
                float* column = columns + (nint)h * stride;
                for (int t = 0; t < 2 * queryTokens - 1; t++) column[t] = table[(nint)t * heads + h];
                new Span<float>(column + 2 * queryTokens - 1, 32).Clear();
            }

            return columns;
        }

        [ThreadStatic]
        private static float[]? t_biasColumns;

        /// <summary>Replaces by -1e9 the scores (key-major, lane r = row i0 + r) whose keep-mask is false.</summary>
        private static void ShortKeepMask(ref CoreJob job, int b, int i0, int rows, float* s, int w)
        {
            int nk = job.KeyTokens;
            for (int r = 0; r < rows; r++)
            {
                bool* keep = job.Mask + (nint)(b * job.QueryTokens + i0 + r) * nk;
                for (int j = 0; j < nk; j++)
                {
                    if (!keep[j]) s[j * w + r] = KeepMaskValue;
                }
            }
        }

        /// <summary>Copies the weights of rows i0 .. i0+rows-1 (key-major in <paramref name="s"/>) to their rows of the weights output.</summary>
        private static void ShortWeights(ref CoreJob job, int b, int h, int i0, int rows, float* s, int w)
        {
            int nk = job.KeyTokens;
            for (int r = 0; r < rows; r++)
            {
                float* row = job.Weights + (((nint)b * job.Heads + h) * job.QueryTokens + i0 + r) * nk;
                for (int j = 0; j < nk; j++) row[j] = s[j * w + r];
            }
        }

        /// <summary>Zeroes the context of the rows whose bit is set in <paramref name="empty"/> (every score -inf).</summary>
        private static void ClearEmptyRows(ref CoreJob job, int b, int h, int i0, int rows, uint empty)
        {
            for (int r = 0; r < rows; r++)
            {
                if ((empty & (1u << r)) != 0)
                {
                    int d = job.HeadDim;
                    new Span<float>(job.Context + ((nint)(b * job.QueryTokens + i0 + r) * job.Heads * d + (nint)h * d), d).Clear();
                }
            }
        }

        /// <summary>The columns [<paramref name="c"/>, <paramref name="d"/>) of the short context kernels: Vector256s, then single columns.</summary>
        private static void ShortContextTail(float* p, int pStride, int nk, float* v, nint vStride, int c, int d, float* c0, float* c1, float* c2, float* c3)
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
