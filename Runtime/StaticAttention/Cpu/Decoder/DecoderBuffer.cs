using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticAttention.Internal.Cpu.Decoder
{
    /// <summary>
    /// The per-thread working memory of the decoder kernels (score rows, accumulators, transposed keys): pinned, 64-byte
    /// aligned, allocated on a thread's first call for a shape at least as large and reallocated only to grow.
    /// </summary>
    internal static unsafe class DecoderBuffer
    {
        [ThreadStatic]
        private static float[]? t_buffer;

        /// <summary>At least <paramref name="length"/> floats, 64-byte aligned.</summary>
        public static float* Get(int length)
        {
            float[]? array = t_buffer;
            if (array is null || array.Length < length + 16)
            {
                array = GC.AllocateUninitializedArray<float>(Math.Max(length + 16, 4096), pinned: true);
                t_buffer = array;
            }

            float* p = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
            return (float*)(((nint)p + 63) & ~(nint)63);
        }
    }
}
