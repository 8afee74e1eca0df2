// Microkernels of the packed GEMM, one register tile per struct, written by tools/gemm-kernels.py (edit the script, not this file).
// Every accumulator is a named local and every input row a pointer, so the JIT keeps the tile in registers: checked with
// DOTNET_JitDisasm, the k loop is NV panel loads, MR broadcasts and MR·NV FMAs with no spills (12×32 only reloads three
// of its twelve row pointers from the stack, there being too few general registers).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticAttention.Internal.Cpu
{
    /// <summary>
    /// A 8×32 tile with Vector512: <c>c[r·ldc + j] = init[r·initStride + j] + Σ_k a[r·lda + k] · b[k·32 + j]</c> for r &lt; 8, j &lt; 32:
    /// 16 accumulators, 2 panel loads and 8 broadcasts per k step.
    /// </summary>
    internal readonly unsafe struct Kernel512x8x32 : IMicroKernel
    {
        public static int MR => 8;

        public static int NR => 32;

        public static VectorWidth Width => VectorWidth.Vector512;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(float* a, nint lda, float* b, nint kc, float* init, nint initStride, float* c, nint ldc)
        {
            Vector512<float> c0_0 = Vector512.Load(init), c0_1 = Vector512.Load(init + 16);
            Vector512<float> c1_0 = Vector512.Load(init + 1 * initStride), c1_1 = Vector512.Load(init + 1 * initStride + 16);
            Vector512<float> c2_0 = Vector512.Load(init + 2 * initStride), c2_1 = Vector512.Load(init + 2 * initStride + 16);
            Vector512<float> c3_0 = Vector512.Load(init + 3 * initStride), c3_1 = Vector512.Load(init + 3 * initStride + 16);
            Vector512<float> c4_0 = Vector512.Load(init + 4 * initStride), c4_1 = Vector512.Load(init + 4 * initStride + 16);
            Vector512<float> c5_0 = Vector512.Load(init + 5 * initStride), c5_1 = Vector512.Load(init + 5 * initStride + 16);
            Vector512<float> c6_0 = Vector512.Load(init + 6 * initStride), c6_1 = Vector512.Load(init + 6 * initStride + 16);
            Vector512<float> c7_0 = Vector512.Load(init + 7 * initStride), c7_1 = Vector512.Load(init + 7 * initStride + 16);

            float* a0 = a;
            float* a1 = a0 + lda;
            float* a2 = a1 + lda;
            float* a3 = a2 + lda;
            float* a4 = a3 + lda;
            float* a5 = a4 + lda;
            float* a6 = a5 + lda;
            float* a7 = a6 + lda;
            for (nint k = 0; k < kc; k++)
            {
                Vector512<float> b0 = Vector512.Load(b);
                Vector512<float> b1 = Vector512.Load(b + 16);
                Vector512<float> x0 = Vector512.Create(a0[k]);
                c0_0 = Vector512.FusedMultiplyAdd(x0, b0, c0_0);
                c0_1 = Vector512.FusedMultiplyAdd(x0, b1, c0_1);
                Vector512<float> x1 = Vector512.Create(a1[k]);
                c1_0 = Vector512.FusedMultiplyAdd(x1, b0, c1_0);
                c1_1 = Vector512.FusedMultiplyAdd(x1, b1, c1_1);
                Vector512<float> x2 = Vector512.Create(a2[k]);
                c2_0 = Vector512.FusedMultiplyAdd(x2, b0, c2_0);
                c2_1 = Vector512.FusedMultiplyAdd(x2, b1, c2_1);
                Vector512<float> x3 = Vector512.Create(a3[k]);
                c3_0 = Vector512.FusedMultiplyAdd(x3, b0, c3_0);
                c3_1 = Vector512.FusedMultiplyAdd(x3, b1, c3_1);
                Vector512<float> x4 = Vector512.Create(a4[k]);
                c4_0 = Vector512.FusedMultiplyAdd(x4, b0, c4_0);
                c4_1 = Vector512.FusedMultiplyAdd(x4, b1, c4_1);
                Vector512<float> x5 = Vector512.Create(a5[k]);
                c5_0 = Vector512.FusedMultiplyAdd(x5, b0, c5_0);
                c5_1 = Vector512.FusedMultiplyAdd(x5, b1, c5_1);
                Vector512<float> x6 = Vector512.Create(a6[k]);
                c6_0 = Vector512.FusedMultiplyAdd(x6, b0, c6_0);
                c6_1 = Vector512.FusedMultiplyAdd(x6, b1, c6_1);
                Vector512<float> x7 = Vector512.Create(a7[k]);
                c7_0 = Vector512.FusedMultiplyAdd(x7, b0, c7_0);
                c7_1 = Vector512.FusedMultiplyAdd(x7, b1, c7_1);
                b += 32;
            }

            c0_0.Store(c);
            c0_1.Store(c + 16);
            c += ldc;
            c1_0.Store(c);
            c1_1.Store(c + 16);
            c += ldc;
            c2_0.Store(c);
            c2_1.Store(c + 16);
            c += ldc;
            c3_0.Store(c);
            c3_1.Store(c + 16);
            c += ldc;
            c4_0.Store(c);
            c4_1.Store(c + 16);
            c += ldc;
            c5_0.Store(c);
            c5_1.Store(c + 16);
            c += ldc;
            c6_0.Store(c);
            c6_1.Store(c + 16);
            c += ldc;
            c7_0.Store(c);
            c7_1.Store(c + 16);
        }
    }

    /// <summary>
    /// A 12×32 tile with Vector512: <c>c[r·ldc + j] = init[r·initStride + j] + Σ_k a[r·lda + k] · b[k·32 + j]</c> for r &lt; 12, j &lt; 32:
    /// 24 accumulators, 2 panel loads and 12 broadcasts per k step.
    /// </summary>
    internal readonly unsafe struct Kernel512x12x32 : IMicroKernel
    {
        public static int MR => 12;

        public static int NR => 32;

        public static VectorWidth Width => VectorWidth.Vector512;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(float* a, nint lda, float* b, nint kc, float* init, nint initStride, float* c, nint ldc)
        {
            Vector512<float> c0_0 = Vector512.Load(init), c0_1 = Vector512.Load(init + 16);
            Vector512<float> c1_0 = Vector512.Load(init + 1 * initStride), c1_1 = Vector512.Load(init + 1 * initStride + 16);
            Vector512<float> c2_0 = Vector512.Load(init + 2 * initStride), c2_1 = Vector512.Load(init + 2 * initStride + 16);
            Vector512<float> c3_0 = Vector512.Load(init + 3 * initStride), c3_1 = Vector512.Load(init + 3 * initStride + 16);
            Vector512<float> c4_0 = Vector512.Load(init + 4 * initStride), c4_1 = Vector512.Load(init + 4 * initStride + 16);
            Vector512<float> c5_0 = Vector512.Load(init + 5 * initStride), c5_1 = Vector512.Load(init + 5 * initStride + 16);
            Vector512<float> c6_0 = Vector512.Load(init + 6 * initStride), c6_1 = Vector512.Load(init + 6 * initStride + 16);
            Vector512<float> c7_0 = Vector512.Load(init + 7 * initStride), c7_1 = Vector512.Load(init + 7 * initStride + 16);
            Vector512<float> c8_0 = Vector512.Load(init + 8 * initStride), c8_1 = Vector512.Load(init + 8 * initStride + 16);
            Vector512<float> c9_0 = Vector512.Load(init + 9 * initStride), c9_1 = Vector512.Load(init + 9 * initStride + 16);
            Vector512<float> c10_0 = Vector512.Load(init + 10 * initStride), c10_1 = Vector512.Load(init + 10 * initStride + 16);
            Vector512<float> c11_0 = Vector512.Load(init + 11 * initStride), c11_1 = Vector512.Load(init + 11 * initStride + 16);

            float* a0 = a;
            float* a1 = a0 + lda;
            float* a2 = a1 + lda;
            float* a3 = a2 + lda;
            float* a4 = a3 + lda;
            float* a5 = a4 + lda;
            float* a6 = a5 + lda;
            float* a7 = a6 + lda;
            float* a8 = a7 + lda;
            float* a9 = a8 + lda;
            float* a10 = a9 + lda;
            float* a11 = a10 + lda;
            for (nint k = 0; k < kc; k++)
            {
                Vector512<float> b0 = Vector512.Load(b);
                Vector512<float> b1 = Vector512.Load(b + 16);
                Vector512<float> x0 = Vector512.Create(a0[k]);
                c0_0 = Vector512.FusedMultiplyAdd(x0, b0, c0_0);
                c0_1 = Vector512.FusedMultiplyAdd(x0, b1, c0_1);
                Vector512<float> x1 = Vector512.Create(a1[k]);
                c1_0 = Vector512.FusedMultiplyAdd(x1, b0, c1_0);
                c1_1 = Vector512.FusedMultiplyAdd(x1, b1, c1_1);
                Vector512<float> x2 = Vector512.Create(a2[k]);
                c2_0 = Vector512.FusedMultiplyAdd(x2, b0, c2_0);
                c2_1 = Vector512.FusedMultiplyAdd(x2, b1, c2_1);
                Vector512<float> x3 = Vector512.Create(a3[k]);
                c3_0 = Vector512.FusedMultiplyAdd(x3, b0, c3_0);
                c3_1 = Vector512.FusedMultiplyAdd(x3, b1, c3_1);
                Vector512<float> x4 = Vector512.Create(a4[k]);
                c4_0 = Vector512.FusedMultiplyAdd(x4, b0, c4_0);
                c4_1 = Vector512.FusedMultiplyAdd(x4, b1, c4_1);
                Vector512<float> x5 = Vector512.Create(a5[k]);
                c5_0 = Vector512.FusedMultiplyAdd(x5, b0, c5_0);
                c5_1 = Vector512.FusedMultiplyAdd(x5, b1, c5_1);
                Vector512<float> x6 = Vector512.Create(a6[k]);
                c6_0 = Vector512.FusedMultiplyAdd(x6, b0, c6_0);
                c6_1 = Vector512.FusedMultiplyAdd(x6, b1, c6_1);
                Vector512<float> x7 = Vector512.Create(a7[k]);
                c7_0 = Vector512.FusedMultiplyAdd(x7, b0, c7_0);
                c7_1 = Vector512.FusedMultiplyAdd(x7, b1, c7_1);
                Vector512<float> x8 = Vector512.Create(a8[k]);
                c8_0 = Vector512.FusedMultiplyAdd(x8, b0, c8_0);
                c8_1 = Vector512.FusedMultiplyAdd(x8, b1, c8_1);
                Vector512<float> x9 = Vector512.Create(a9[k]);
                c9_0 = Vector512.FusedMultiplyAdd(x9, b0, c9_0);
                c9_1 = Vector512.FusedMultiplyAdd(x9, b1, c9_1);
                Vector512<float> x10 = Vector512.Create(a10[k]);
                c10_0 = Vector512.FusedMultiplyAdd(x10, b0, c10_0);
                c10_1 = Vector512.FusedMultiplyAdd(x10, b1, c10_1);
                Vector512<float> x11 = Vector512.Create(a11[k]);
                c11_0 = Vector512.FusedMultiplyAdd(x11, b0, c11_0);
                c11_1 = Vector512.FusedMultiplyAdd(x11, b1, c11_1);
                b += 32;
            }

            c0_0.Store(c);
            c0_1.Store(c + 16);
            c += ldc;
            c1_0.Store(c);
            c1_1.Store(c + 16);
            c += ldc;
            c2_0.Store(c);
            c2_1.Store(c + 16);
            c += ldc;
            c3_0.Store(c);
            c3_1.Store(c + 16);
            c += ldc;
            c4_0.Store(c);
            c4_1.Store(c + 16);
            c += ldc;
            c5_0.Store(c);
            c5_1.Store(c + 16);
            c += ldc;
            c6_0.Store(c);
            c6_1.Store(c + 16);
            c += ldc;
            c7_0.Store(c);
            c7_1.Store(c + 16);
            c += ldc;
            c8_0.Store(c);
            c8_1.Store(c + 16);
            c += ldc;
            c9_0.Store(c);
            c9_1.Store(c + 16);
            c += ldc;
            c10_0.Store(c);
            c10_1.Store(c + 16);
            c += ldc;
            c11_0.Store(c);
            c11_1.Store(c + 16);
        }
    }

    /// <summary>
    /// A 6×16 tile with Vector256: <c>c[r·ldc + j] = init[r·initStride + j] + Σ_k a[r·lda + k] · b[k·16 + j]</c> for r &lt; 6, j &lt; 16:
    /// 12 accumulators, 2 panel loads and 6 broadcasts per k step.
    /// </summary>
    internal readonly unsafe struct Kernel256x6x16 : IMicroKernel
    {
        public static int MR => 6;

        public static int NR => 16;

        public static VectorWidth Width => VectorWidth.Vector256;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(float* a, nint lda, float* b, nint kc, float* init, nint initStride, float* c, nint ldc)
        {
            Vector256<float> c0_0 = Vector256.Load(init), c0_1 = Vector256.Load(init + 8);
            Vector256<float> c1_0 = Vector256.Load(init + 1 * initStride), c1_1 = Vector256.Load(init + 1 * initStride + 8);
            Vector256<float> c2_0 = Vector256.Load(init + 2 * initStride), c2_1 = Vector256.Load(init + 2 * initStride + 8);
            Vector256<float> c3_0 = Vector256.Load(init + 3 * initStride), c3_1 = Vector256.Load(init + 3 * initStride + 8);
            Vector256<float> c4_0 = Vector256.Load(init + 4 * initStride), c4_1 = Vector256.Load(init + 4 * initStride + 8);
            Vector256<float> c5_0 = Vector256.Load(init + 5 * initStride), c5_1 = Vector256.Load(init + 5 * initStride + 8);

            float* a0 = a;
            float* a1 = a0 + lda;
            float* a2 = a1 + lda;
            float* a3 = a2 + lda;
            float* a4 = a3 + lda;
            float* a5 = a4 + lda;
            for (nint k = 0; k < kc; k++)
            {
                Vector256<float> b0 = Vector256.Load(b);
                Vector256<float> b1 = Vector256.Load(b + 8);
                Vector256<float> x0 = Vector256.Create(a0[k]);
                c0_0 = Vector256.FusedMultiplyAdd(x0, b0, c0_0);
                c0_1 = Vector256.FusedMultiplyAdd(x0, b1, c0_1);
                Vector256<float> x1 = Vector256.Create(a1[k]);
                c1_0 = Vector256.FusedMultiplyAdd(x1, b0, c1_0);
                c1_1 = Vector256.FusedMultiplyAdd(x1, b1, c1_1);
                Vector256<float> x2 = Vector256.Create(a2[k]);
                c2_0 = Vector256.FusedMultiplyAdd(x2, b0, c2_0);
                c2_1 = Vector256.FusedMultiplyAdd(x2, b1, c2_1);
                Vector256<float> x3 = Vector256.Create(a3[k]);
                c3_0 = Vector256.FusedMultiplyAdd(x3, b0, c3_0);
                c3_1 = Vector256.FusedMultiplyAdd(x3, b1, c3_1);
                Vector256<float> x4 = Vector256.Create(a4[k]);
                c4_0 = Vector256.FusedMultiplyAdd(x4, b0, c4_0);
                c4_1 = Vector256.FusedMultiplyAdd(x4, b1, c4_1);
                Vector256<float> x5 = Vector256.Create(a5[k]);
                c5_0 = Vector256.FusedMultiplyAdd(x5, b0, c5_0);
                c5_1 = Vector256.FusedMultiplyAdd(x5, b1, c5_1);
                b += 16;
            }

            c0_0.Store(c);
            c0_1.Store(c + 8);
            c += ldc;
            c1_0.Store(c);
            c1_1.Store(c + 8);
            c += ldc;
            c2_0.Store(c);
            c2_1.Store(c + 8);
            c += ldc;
            c3_0.Store(c);
            c3_1.Store(c + 8);
            c += ldc;
            c4_0.Store(c);
            c4_1.Store(c + 8);
            c += ldc;
            c5_0.Store(c);
            c5_1.Store(c + 8);
        }
    }

    /// <summary>
    /// A 4×24 tile with Vector256: <c>c[r·ldc + j] = init[r·initStride + j] + Σ_k a[r·lda + k] · b[k·24 + j]</c> for r &lt; 4, j &lt; 24:
    /// 12 accumulators, 3 panel loads and 4 broadcasts per k step.
    /// </summary>
    internal readonly unsafe struct Kernel256x4x24 : IMicroKernel
    {
        public static int MR => 4;

        public static int NR => 24;

        public static VectorWidth Width => VectorWidth.Vector256;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(float* a, nint lda, float* b, nint kc, float* init, nint initStride, float* c, nint ldc)
        {
            Vector256<float> c0_0 = Vector256.Load(init), c0_1 = Vector256.Load(init + 8), c0_2 = Vector256.Load(init + 16);
            Vector256<float> c1_0 = Vector256.Load(init + 1 * initStride), c1_1 = Vector256.Load(init + 1 * initStride + 8), c1_2 = Vector256.Load(init + 1 * initStride + 16);
            Vector256<float> c2_0 = Vector256.Load(init + 2 * initStride), c2_1 = Vector256.Load(init + 2 * initStride + 8), c2_2 = Vector256.Load(init + 2 * initStride + 16);
            Vector256<float> c3_0 = Vector256.Load(init + 3 * initStride), c3_1 = Vector256.Load(init + 3 * initStride + 8), c3_2 = Vector256.Load(init + 3 * initStride + 16);

            float* a0 = a;
            float* a1 = a0 + lda;
            float* a2 = a1 + lda;
            float* a3 = a2 + lda;
            for (nint k = 0; k < kc; k++)
            {
                Vector256<float> b0 = Vector256.Load(b);
                Vector256<float> b1 = Vector256.Load(b + 8);
                Vector256<float> b2 = Vector256.Load(b + 16);
                Vector256<float> x0 = Vector256.Create(a0[k]);
                c0_0 = Vector256.FusedMultiplyAdd(x0, b0, c0_0);
                c0_1 = Vector256.FusedMultiplyAdd(x0, b1, c0_1);
                c0_2 = Vector256.FusedMultiplyAdd(x0, b2, c0_2);
                Vector256<float> x1 = Vector256.Create(a1[k]);
                c1_0 = Vector256.FusedMultiplyAdd(x1, b0, c1_0);
                c1_1 = Vector256.FusedMultiplyAdd(x1, b1, c1_1);
                c1_2 = Vector256.FusedMultiplyAdd(x1, b2, c1_2);
                Vector256<float> x2 = Vector256.Create(a2[k]);
                c2_0 = Vector256.FusedMultiplyAdd(x2, b0, c2_0);
                c2_1 = Vector256.FusedMultiplyAdd(x2, b1, c2_1);
                c2_2 = Vector256.FusedMultiplyAdd(x2, b2, c2_2);
                Vector256<float> x3 = Vector256.Create(a3[k]);
                c3_0 = Vector256.FusedMultiplyAdd(x3, b0, c3_0);
                c3_1 = Vector256.FusedMultiplyAdd(x3, b1, c3_1);
                c3_2 = Vector256.FusedMultiplyAdd(x3, b2, c3_2);
                b += 24;
            }

            c0_0.Store(c);
            c0_1.Store(c + 8);
            c0_2.Store(c + 16);
            c += ldc;
            c1_0.Store(c);
            c1_1.Store(c + 8);
            c1_2.Store(c + 16);
            c += ldc;
            c2_0.Store(c);
            c2_1.Store(c + 8);
            c2_2.Store(c + 16);
            c += ldc;
            c3_0.Store(c);
            c3_1.Store(c + 8);
            c3_2.Store(c + 16);
        }
    }
}
