using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticAttention.Internal.Cpu.Attention
{
    /// <summary>
    /// The per-thread buffers of the attention kernels: pinned, 64-byte aligned, allocated on a thread's first call for a
    /// shape at least as large and reallocated only to grow. Each use has its own, so that a kernel and the code around it
    /// (the bias layouts built per call, a job's projected rows) never overwrite each other.
    /// </summary>
    internal static unsafe class ThreadBuffer
    {
        [ThreadStatic]
        private static float[]? t_kernel;

        [ThreadStatic]
        private static float[]? t_projected;

        [ThreadStatic]
        private static float[]? t_biasColumns;

        [ThreadStatic]
        private static float[]? t_generatedBias;

        /// <summary>A kernel's working memory (packed keys, scores, accumulators): at least <paramref name="length"/> floats.</summary>
        public static float* Kernel(int length) => Aligned(ref t_kernel, length, 4096);

        /// <summary>A projected job's q, k and v rows, which the kernel it runs reads while using <see cref="Kernel"/>.</summary>
        public static float* Projected(int length) => Aligned(ref t_projected, length, 0);

        /// <summary>The key-major kernel's bias columns, built by the calling thread for every job of a call.</summary>
        public static float* BiasColumns(int length) => Aligned(ref t_biasColumns, length, 0);

        /// <summary>The bias layout of a generated kernel, built by the calling thread for every job of a call.</summary>
        public static float* GeneratedBias(int length) => Aligned(ref t_generatedBias, length, 0);

        private static float* Aligned(ref float[]? slot, int length, int minimum)
        {
            float[]? array = slot;
            if (array is null || array.Length < length + 16)
            {
                array = GC.AllocateUninitializedArray<float>(Math.Max(length + 16, minimum), pinned: true);
                slot = array;
            }

            float* p = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
            return (float*)(((nint)p + 63) & ~(nint)63);
        }
    }
}
