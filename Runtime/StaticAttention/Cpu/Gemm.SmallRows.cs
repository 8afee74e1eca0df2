using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using StaticAttention.Internal.Threading;

namespace StaticAttention.Internal.Cpu
{
    public static unsafe partial class Gemm
    {
        /// <summary>
        /// At most this many rows go through <see cref="SmallRowsJob"/> (a decode step: one token per sequence) instead of
        /// the register-blocked tiles, which would compute a whole tile of 8 or 12 rows for each of them.
        /// </summary>
        internal const int SmallRowsMax = 4;

        /// <summary>
        /// Rows ≤ <see cref="SmallRowsMax"/>: the product is bound by reading the packed weights once, so each task streams
        /// its panels front to back (k-block by k-block, each a contiguous run of <c>depth·NR</c> floats) with every row's
        /// accumulators for the panel's columns in registers. Per element this is the tiles' own arithmetic (bias, then one
        /// fused multiply-add per k in order), so a row gets the same bits whichever path computes it.
        /// </summary>
        private static void RunSmallRows(float* x, int rows, int inputStride, PackedMatrix w, float* y, int outputStride, WorkerPool? pool, int degree)
        {
            // A few panels per task, so two threads split them evenly and each task's reads stay sequential.
            int tasks = Math.Min(w.Panels, degree == 1 ? 1 : degree * 4);
            var job = new SmallRowsJob
            {
                Input = x,
                InputStride = inputStride,
                Rows = rows,
                Output = y,
                OutputStride = outputStride,
                Packed = w.Data,
                Bias = w.Bias,
                InFeatures = w.InFeatures,
                OutFeatures = w.OutFeatures,
                PaddedOut = w.PaddedOut,
                BlockDepth = w.BlockDepth,
                KBlocks = w.KBlocks,
                PanelWidth = w.PanelWidth,
                Panels = w.Panels,
                PanelsPerTask = Ceiling(w.Panels, tasks),
            };
            pool.RunOrInline(ref job, Ceiling(w.Panels, job.PanelsPerTask), degree);
        }

        /// <summary>One task of <see cref="RunSmallRows"/>: a range of panels for every row.</summary>
        private struct SmallRowsJob : IParallelJob
        {
            public float* Input;
            public nint InputStride;
            public int Rows;
            public float* Output;
            public nint OutputStride;
            public float* Packed;
            public float* Bias;
            public int InFeatures;
            public int OutFeatures;
            public int PaddedOut;
            public int BlockDepth;
            public int KBlocks;
            public int PanelWidth;
            public int Panels;
            public int PanelsPerTask;

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public readonly void Execute(int index)
            {
                int p0 = index * PanelsPerTask, p1 = Math.Min(Panels, p0 + PanelsPerTask);
                float* columns = stackalloc float[SmallRowsMax * 32];
                for (int p = p0; p < p1; p++)
                {
                    if (PanelWidth == 32 && Vector512.IsHardwareAccelerated)
                    {
                        Panel512(p, columns);
                    }
                    else
                    {
                        Panel256(p, columns);
                    }

                    // Every row's PanelWidth sums, then the valid columns of this panel (the last may be partial).
                    int valid = Math.Min(PanelWidth, OutFeatures - p * PanelWidth);
                    for (int r = 0; r < Rows; r++)
                    {
                        new ReadOnlySpan<float>(columns + r * 32, valid).CopyTo(new Span<float>(Output + r * OutputStride + p * PanelWidth, valid));
                    }
                }
            }

            /// <summary>Panel <paramref name="p"/> (32 columns) for every row: two 512-bit accumulators per row.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private readonly void Panel512(int p, float* columns)
            {
                float* bias = Bias + p * 32;
                Vector512<float> a0 = Vector512.Load(bias), b0 = Vector512.Load(bias + 16);
                Vector512<float> a1 = a0, b1 = b0, a2 = a0, b2 = b0, a3 = a0, b3 = b0;
                int rows = Rows;
                for (int kb = 0; kb < KBlocks; kb++)
                {
                    int k0 = kb * BlockDepth;
                    int depth = Math.Min(BlockDepth, InFeatures - k0);
                    float* w = Packed + (nint)k0 * PaddedOut + (nint)p * depth * 32;
                    float* x0 = Input + k0;
                    switch (rows)
                    {
                        case 1:
                            for (int k = 0; k < depth; k++, w += 32)
                            {
                                var s0 = Vector512.Create(x0[k]);
                                a0 = Vector512.FusedMultiplyAdd(s0, Vector512.Load(w), a0);
                                b0 = Vector512.FusedMultiplyAdd(s0, Vector512.Load(w + 16), b0);
                            }
                            break;
                        case 2:
                            for (int k = 0; k < depth; k++, w += 32)
                            {
                                Vector512<float> lo = Vector512.Load(w), hi = Vector512.Load(w + 16);
                                var s0 = Vector512.Create(x0[k]);
                                var s1 = Vector512.Create(x0[InputStride + k]);
                                a0 = Vector512.FusedMultiplyAdd(s0, lo, a0);
                                b0 = Vector512.FusedMultiplyAdd(s0, hi, b0);
                                a1 = Vector512.FusedMultiplyAdd(s1, lo, a1);
                                b1 = Vector512.FusedMultiplyAdd(s1, hi, b1);
                            }
                            break;
                        default:
                            // Three or four rows: a missing fourth row reads row 0 again and is not stored.
                            nint s = InputStride;
                            nint r3 = rows == 4 ? 3 * s : 0;
                            for (int k = 0; k < depth; k++, w += 32)
                            {
                                Vector512<float> lo = Vector512.Load(w), hi = Vector512.Load(w + 16);
                                var s0 = Vector512.Create(x0[k]);
                                var s1 = Vector512.Create(x0[s + k]);
                                var s2 = Vector512.Create(x0[2 * s + k]);
                                var s3 = Vector512.Create(x0[r3 + k]);
                                a0 = Vector512.FusedMultiplyAdd(s0, lo, a0);
                                b0 = Vector512.FusedMultiplyAdd(s0, hi, b0);
                                a1 = Vector512.FusedMultiplyAdd(s1, lo, a1);
                                b1 = Vector512.FusedMultiplyAdd(s1, hi, b1);
                                a2 = Vector512.FusedMultiplyAdd(s2, lo, a2);
                                b2 = Vector512.FusedMultiplyAdd(s2, hi, b2);
                                a3 = Vector512.FusedMultiplyAdd(s3, lo, a3);
                                b3 = Vector512.FusedMultiplyAdd(s3, hi, b3);
                            }
                            break;
                    }
                }

                a0.Store(columns); b0.Store(columns + 16);
                a1.Store(columns + 32); b1.Store(columns + 48);
                a2.Store(columns + 64); b2.Store(columns + 80);
                a3.Store(columns + 96); b3.Store(columns + 112);
            }

            /// <summary>Panel <paramref name="p"/> of any width (a multiple of 8) for every row, 256 bits at a time.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private readonly void Panel256(int p, float* columns)
            {
                int nr = PanelWidth;
                for (int c = 0; c < nr; c += 8)
                {
                    Vector256<float> init = Vector256.Load(Bias + p * nr + c);
                    Vector256<float> a0 = init, a1 = init, a2 = init, a3 = init;
                    nint s = InputStride;
                    nint r1 = Rows > 1 ? s : 0, r2 = Rows > 2 ? 2 * s : 0, r3 = Rows > 3 ? 3 * s : 0;
                    for (int kb = 0; kb < KBlocks; kb++)
                    {
                        int k0 = kb * BlockDepth;
                        int depth = Math.Min(BlockDepth, InFeatures - k0);
                        float* w = Packed + (nint)k0 * PaddedOut + (nint)p * depth * nr + c;
                        float* x0 = Input + k0;
                        for (int k = 0; k < depth; k++, w += nr)
                        {
                            Vector256<float> b = Vector256.Load(w);
                            a0 = Vector256.FusedMultiplyAdd(Vector256.Create(x0[k]), b, a0);
                            a1 = Vector256.FusedMultiplyAdd(Vector256.Create(x0[r1 + k]), b, a1);
                            a2 = Vector256.FusedMultiplyAdd(Vector256.Create(x0[r2 + k]), b, a2);
                            a3 = Vector256.FusedMultiplyAdd(Vector256.Create(x0[r3 + k]), b, a3);
                        }
                    }

                    a0.Store(columns + c);
                    a1.Store(columns + 32 + c);
                    a2.Store(columns + 64 + c);
                    a3.Store(columns + 96 + c);
                }
            }
        }
    }
}
