// Microkernels of the packed GEMM, one register tile per struct. Every accumulator is a named local, so the JIT keeps
// the whole tile in registers (checked with DOTNET_JitDisasm: no spills, one vbroadcastss and NV FMAs per tile row).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticAttention.Cpu
{
    /// <summary>
    /// A 8×32 tile with Vector512: <c>c[r, j] = init[r·initStride + j] + Σ_k a[k·8 + r] · b[k·32 + j]</c> for r &lt; 8, j &lt; 32:
    /// 16 accumulators, 2 panel loads and 8 broadcasts per k step.
    /// </summary>
    internal readonly unsafe struct Kernel512x8x32 : IMicroKernel
    {
        public static int MR => 8;

        public static int NR => 32;

        public static VectorWidth Width => VectorWidth.Vector512;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(float* a, float* b, nint kc, float* init, nint initStride, float* c, nint ldc)
        {
            Vector512<float> c0_0 = Vector512.Load(init), c0_1 = Vector512.Load(init + 16);
            Vector512<float> c1_0 = Vector512.Load(init + 1 * initStride), c1_1 = Vector512.Load(init + 1 * initStride + 16);
            Vector512<float> c2_0 = Vector512.Load(init + 2 * initStride), c2_1 = Vector512.Load(init + 2 * initStride + 16);
            Vector512<float> c3_0 = Vector512.Load(init + 3 * initStride), c3_1 = Vector512.Load(init + 3 * initStride + 16);
            Vector512<float> c4_0 = Vector512.Load(init + 4 * initStride), c4_1 = Vector512.Load(init + 4 * initStride + 16);
            Vector512<float> c5_0 = Vector512.Load(init + 5 * initStride), c5_1 = Vector512.Load(init + 5 * initStride + 16);
            Vector512<float> c6_0 = Vector512.Load(init + 6 * initStride), c6_1 = Vector512.Load(init + 6 * initStride + 16);
            Vector512<float> c7_0 = Vector512.Load(init + 7 * initStride), c7_1 = Vector512.Load(init + 7 * initStride + 16);

            for (nint k = 0; k < kc; k++)
            {
                Vector512<float> b0 = Vector512.Load(b);
                Vector512<float> b1 = Vector512.Load(b + 16);
                Vector512<float> a0 = Vector512.Create(a[0]);
                c0_0 = Vector512.FusedMultiplyAdd(a0, b0, c0_0);
                c0_1 = Vector512.FusedMultiplyAdd(a0, b1, c0_1);
                Vector512<float> a1 = Vector512.Create(a[1]);
                c1_0 = Vector512.FusedMultiplyAdd(a1, b0, c1_0);
                c1_1 = Vector512.FusedMultiplyAdd(a1, b1, c1_1);
                Vector512<float> a2 = Vector512.Create(a[2]);
                c2_0 = Vector512.FusedMultiplyAdd(a2, b0, c2_0);
                c2_1 = Vector512.FusedMultiplyAdd(a2, b1, c2_1);
                Vector512<float> a3 = Vector512.Create(a[3]);
                c3_0 = Vector512.FusedMultiplyAdd(a3, b0, c3_0);
                c3_1 = Vector512.FusedMultiplyAdd(a3, b1, c3_1);
                Vector512<float> a4 = Vector512.Create(a[4]);
                c4_0 = Vector512.FusedMultiplyAdd(a4, b0, c4_0);
                c4_1 = Vector512.FusedMultiplyAdd(a4, b1, c4_1);
                Vector512<float> a5 = Vector512.Create(a[5]);
                c5_0 = Vector512.FusedMultiplyAdd(a5, b0, c5_0);
                c5_1 = Vector512.FusedMultiplyAdd(a5, b1, c5_1);
                Vector512<float> a6 = Vector512.Create(a[6]);
                c6_0 = Vector512.FusedMultiplyAdd(a6, b0, c6_0);
                c6_1 = Vector512.FusedMultiplyAdd(a6, b1, c6_1);
                Vector512<float> a7 = Vector512.Create(a[7]);
                c7_0 = Vector512.FusedMultiplyAdd(a7, b0, c7_0);
                c7_1 = Vector512.FusedMultiplyAdd(a7, b1, c7_1);
                a += 8;
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
    /// A 12×32 tile with Vector512: <c>c[r, j] = init[r·initStride + j] + Σ_k a[k·12 + r] · b[k·32 + j]</c> for r &lt; 12, j &lt; 32:
    /// 24 accumulators, 2 panel loads and 12 broadcasts per k step.
    /// </summary>
    internal readonly unsafe struct Kernel512x12x32 : IMicroKernel
    {
        public static int MR => 12;

        public static int NR => 32;

        public static VectorWidth Width => VectorWidth.Vector512;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(float* a, float* b, nint kc, float* init, nint initStride, float* c, nint ldc)
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

            for (nint k = 0; k < kc; k++)
            {
                Vector512<float> b0 = Vector512.Load(b);
                Vector512<float> b1 = Vector512.Load(b + 16);
                Vector512<float> a0 = Vector512.Create(a[0]);
                c0_0 = Vector512.FusedMultiplyAdd(a0, b0, c0_0);
                c0_1 = Vector512.FusedMultiplyAdd(a0, b1, c0_1);
                Vector512<float> a1 = Vector512.Create(a[1]);
                c1_0 = Vector512.FusedMultiplyAdd(a1, b0, c1_0);
                c1_1 = Vector512.FusedMultiplyAdd(a1, b1, c1_1);
                Vector512<float> a2 = Vector512.Create(a[2]);
                c2_0 = Vector512.FusedMultiplyAdd(a2, b0, c2_0);
                c2_1 = Vector512.FusedMultiplyAdd(a2, b1, c2_1);
                Vector512<float> a3 = Vector512.Create(a[3]);
                c3_0 = Vector512.FusedMultiplyAdd(a3, b0, c3_0);
                c3_1 = Vector512.FusedMultiplyAdd(a3, b1, c3_1);
                Vector512<float> a4 = Vector512.Create(a[4]);
                c4_0 = Vector512.FusedMultiplyAdd(a4, b0, c4_0);
                c4_1 = Vector512.FusedMultiplyAdd(a4, b1, c4_1);
                Vector512<float> a5 = Vector512.Create(a[5]);
                c5_0 = Vector512.FusedMultiplyAdd(a5, b0, c5_0);
                c5_1 = Vector512.FusedMultiplyAdd(a5, b1, c5_1);
                Vector512<float> a6 = Vector512.Create(a[6]);
                c6_0 = Vector512.FusedMultiplyAdd(a6, b0, c6_0);
                c6_1 = Vector512.FusedMultiplyAdd(a6, b1, c6_1);
                Vector512<float> a7 = Vector512.Create(a[7]);
                c7_0 = Vector512.FusedMultiplyAdd(a7, b0, c7_0);
                c7_1 = Vector512.FusedMultiplyAdd(a7, b1, c7_1);
                Vector512<float> a8 = Vector512.Create(a[8]);
                c8_0 = Vector512.FusedMultiplyAdd(a8, b0, c8_0);
                c8_1 = Vector512.FusedMultiplyAdd(a8, b1, c8_1);
                Vector512<float> a9 = Vector512.Create(a[9]);
                c9_0 = Vector512.FusedMultiplyAdd(a9, b0, c9_0);
                c9_1 = Vector512.FusedMultiplyAdd(a9, b1, c9_1);
                Vector512<float> a10 = Vector512.Create(a[10]);
                c10_0 = Vector512.FusedMultiplyAdd(a10, b0, c10_0);
                c10_1 = Vector512.FusedMultiplyAdd(a10, b1, c10_1);
                Vector512<float> a11 = Vector512.Create(a[11]);
                c11_0 = Vector512.FusedMultiplyAdd(a11, b0, c11_0);
                c11_1 = Vector512.FusedMultiplyAdd(a11, b1, c11_1);
                a += 12;
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
    /// A 6×16 tile with Vector256: <c>c[r, j] = init[r·initStride + j] + Σ_k a[k·6 + r] · b[k·16 + j]</c> for r &lt; 6, j &lt; 16:
    /// 12 accumulators, 2 panel loads and 6 broadcasts per k step.
    /// </summary>
    internal readonly unsafe struct Kernel256x6x16 : IMicroKernel
    {
        public static int MR => 6;

        public static int NR => 16;

        public static VectorWidth Width => VectorWidth.Vector256;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(float* a, float* b, nint kc, float* init, nint initStride, float* c, nint ldc)
        {
            Vector256<float> c0_0 = Vector256.Load(init), c0_1 = Vector256.Load(init + 8);
            Vector256<float> c1_0 = Vector256.Load(init + 1 * initStride), c1_1 = Vector256.Load(init + 1 * initStride + 8);
            Vector256<float> c2_0 = Vector256.Load(init + 2 * initStride), c2_1 = Vector256.Load(init + 2 * initStride + 8);
            Vector256<float> c3_0 = Vector256.Load(init + 3 * initStride), c3_1 = Vector256.Load(init + 3 * initStride + 8);
            Vector256<float> c4_0 = Vector256.Load(init + 4 * initStride), c4_1 = Vector256.Load(init + 4 * initStride + 8);
            Vector256<float> c5_0 = Vector256.Load(init + 5 * initStride), c5_1 = Vector256.Load(init + 5 * initStride + 8);

            for (nint k = 0; k < kc; k++)
            {
                Vector256<float> b0 = Vector256.Load(b);
                Vector256<float> b1 = Vector256.Load(b + 8);
                Vector256<float> a0 = Vector256.Create(a[0]);
                c0_0 = Vector256.FusedMultiplyAdd(a0, b0, c0_0);
                c0_1 = Vector256.FusedMultiplyAdd(a0, b1, c0_1);
                Vector256<float> a1 = Vector256.Create(a[1]);
                c1_0 = Vector256.FusedMultiplyAdd(a1, b0, c1_0);
                c1_1 = Vector256.FusedMultiplyAdd(a1, b1, c1_1);
                Vector256<float> a2 = Vector256.Create(a[2]);
                c2_0 = Vector256.FusedMultiplyAdd(a2, b0, c2_0);
                c2_1 = Vector256.FusedMultiplyAdd(a2, b1, c2_1);
                Vector256<float> a3 = Vector256.Create(a[3]);
                c3_0 = Vector256.FusedMultiplyAdd(a3, b0, c3_0);
                c3_1 = Vector256.FusedMultiplyAdd(a3, b1, c3_1);
                Vector256<float> a4 = Vector256.Create(a[4]);
                c4_0 = Vector256.FusedMultiplyAdd(a4, b0, c4_0);
                c4_1 = Vector256.FusedMultiplyAdd(a4, b1, c4_1);
                Vector256<float> a5 = Vector256.Create(a[5]);
                c5_0 = Vector256.FusedMultiplyAdd(a5, b0, c5_0);
                c5_1 = Vector256.FusedMultiplyAdd(a5, b1, c5_1);
                a += 6;
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
    /// A 4×24 tile with Vector256: <c>c[r, j] = init[r·initStride + j] + Σ_k a[k·4 + r] · b[k·24 + j]</c> for r &lt; 4, j &lt; 24:
    /// 12 accumulators, 3 panel loads and 4 broadcasts per k step.
    /// </summary>
    internal readonly unsafe struct Kernel256x4x24 : IMicroKernel
    {
        public static int MR => 4;

        public static int NR => 24;

        public static VectorWidth Width => VectorWidth.Vector256;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(float* a, float* b, nint kc, float* init, nint initStride, float* c, nint ldc)
        {
            Vector256<float> c0_0 = Vector256.Load(init), c0_1 = Vector256.Load(init + 8), c0_2 = Vector256.Load(init + 16);
            Vector256<float> c1_0 = Vector256.Load(init + 1 * initStride), c1_1 = Vector256.Load(init + 1 * initStride + 8), c1_2 = Vector256.Load(init + 1 * initStride + 16);
            Vector256<float> c2_0 = Vector256.Load(init + 2 * initStride), c2_1 = Vector256.Load(init + 2 * initStride + 8), c2_2 = Vector256.Load(init + 2 * initStride + 16);
            Vector256<float> c3_0 = Vector256.Load(init + 3 * initStride), c3_1 = Vector256.Load(init + 3 * initStride + 8), c3_2 = Vector256.Load(init + 3 * initStride + 16);

            for (nint k = 0; k < kc; k++)
            {
                Vector256<float> b0 = Vector256.Load(b);
                Vector256<float> b1 = Vector256.Load(b + 8);
                Vector256<float> b2 = Vector256.Load(b + 16);
                Vector256<float> a0 = Vector256.Create(a[0]);
                c0_0 = Vector256.FusedMultiplyAdd(a0, b0, c0_0);
                c0_1 = Vector256.FusedMultiplyAdd(a0, b1, c0_1);
                c0_2 = Vector256.FusedMultiplyAdd(a0, b2, c0_2);
                Vector256<float> a1 = Vector256.Create(a[1]);
                c1_0 = Vector256.FusedMultiplyAdd(a1, b0, c1_0);
                c1_1 = Vector256.FusedMultiplyAdd(a1, b1, c1_1);
                c1_2 = Vector256.FusedMultiplyAdd(a1, b2, c1_2);
                Vector256<float> a2 = Vector256.Create(a[2]);
                c2_0 = Vector256.FusedMultiplyAdd(a2, b0, c2_0);
                c2_1 = Vector256.FusedMultiplyAdd(a2, b1, c2_1);
                c2_2 = Vector256.FusedMultiplyAdd(a2, b2, c2_2);
                Vector256<float> a3 = Vector256.Create(a[3]);
                c3_0 = Vector256.FusedMultiplyAdd(a3, b0, c3_0);
                c3_1 = Vector256.FusedMultiplyAdd(a3, b1, c3_1);
                c3_2 = Vector256.FusedMultiplyAdd(a3, b2, c3_2);
                a += 4;
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
