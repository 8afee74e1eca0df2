using System;
using System.ComponentModel;
using System.Runtime.Intrinsics;

namespace StaticAttention.Internal.Cpu
{
    /// <summary>The SIMD width a CPU kernel is written for.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public enum VectorWidth
    {
        /// <summary>256-bit vectors (8 floats): AVX2 + FMA, 16 vector registers.</summary>
        Vector256 = 256,

        /// <summary>512-bit vectors (16 floats): AVX-512, 32 vector registers.</summary>
        Vector512 = 512,
    }

    /// <summary>Chooses the vector width of the CPU kernels.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class CpuKernel
    {
        private static readonly VectorWidth Detected = Vector512.IsHardwareAccelerated ? VectorWidth.Vector512 : VectorWidth.Vector256;

        // A forced width applies to the thread that forced it, so tests running in parallel cannot undo each other's scope.
        [ThreadStatic]
        private static VectorWidth? t_forced;

        /// <summary>
        /// The width the kernels use: <see cref="VectorWidth.Vector512"/> when the hardware accelerates it, else
        /// <see cref="VectorWidth.Vector256"/>. Chosen once at start-up (a <see cref="Force"/> scope overrides it on its thread).
        /// </summary>
        public static VectorWidth Width => t_forced ?? Detected;

        /// <summary>
        /// Forces <paramref name="width"/> on the calling thread until the returned scope is disposed, which restores the
        /// previous width. <see cref="VectorWidth.Vector512"/> works on any machine: where the hardware lacks AVX-512, .NET
        /// emulates it in software, slowly but with the same results.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> is not a defined width.</exception>
        internal static IDisposable Force(VectorWidth width)
        {
            if (width is not (VectorWidth.Vector256 or VectorWidth.Vector512))
            {
                throw new ArgumentOutOfRangeException(nameof(width), width, "The width must be Vector256 or Vector512.");
            }

            var scope = new Scope(t_forced);
            t_forced = width;
            return scope;
        }

        private sealed class Scope(VectorWidth? previous) : IDisposable
        {
            private bool _disposed;

            public void Dispose()
            {
                if (_disposed) return;
                _disposed = true;
                t_forced = previous;
            }
        }
    }
}
