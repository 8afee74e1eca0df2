using System;
using System.ComponentModel;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;

namespace StaticAttention.Internal.Gpu
{
    /// <summary>Copies between host spans and device views for generated layers; each copy completes before it returns.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class DeviceTransfer
    {
        /// <summary>Copies <paramref name="source"/> into <paramref name="target"/>, which has exactly its length.</summary>
        /// <exception cref="ArgumentException">The lengths differ.</exception>
        public static void Upload<T>(ReadOnlySpan<T> source, ArrayView<T> target)
            where T : unmanaged
        {
            SameLength(source.Length, target.Length);
            if (source.IsEmpty) return;
            target.CopyFromCPU(ref MemoryMarshal.GetReference(source), source.Length);
        }

        /// <summary>
        /// Copies a boolean mask into <paramref name="target"/> as 0/1 ints (the polarity unchanged), through
        /// <paramref name="staging"/>, which holds at least <c>source.Length</c> ints.
        /// </summary>
        /// <exception cref="ArgumentException">The lengths differ, or the staging array is too short.</exception>
        public static void UploadMask(ReadOnlySpan<bool> source, int[] staging, ArrayView<int> target)
        {
            ArgumentNullException.ThrowIfNull(staging);
            if (staging.Length < source.Length)
            {
                throw new ArgumentException($"The staging array has {staging.Length} elements, fewer than the mask's {source.Length}.", nameof(staging));
            }

            for (int i = 0; i < source.Length; i++) staging[i] = source[i] ? 1 : 0;
            Upload<int>(staging.AsSpan(0, source.Length), target);
        }

        /// <summary>Copies <paramref name="source"/> into <paramref name="target"/>, which has exactly its length; waits for queued kernels first.</summary>
        /// <exception cref="ArgumentException">The lengths differ.</exception>
        public static void Download(ArrayView<float> source, Span<float> target)
        {
            SameLength(target.Length, source.Length);
            if (target.IsEmpty) return;
            source.CopyToCPU(ref MemoryMarshal.GetReference(target), target.Length);
        }

        private static void SameLength(long host, long device)
        {
            if (host != device)
            {
                throw new ArgumentException($"The host span has {host} elements, but the device view {device}.");
            }
        }
    }
}
