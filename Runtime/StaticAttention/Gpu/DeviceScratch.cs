using System;
using System.ComponentModel;
using ILGPU;
using ILGPU.Runtime;

namespace StaticAttention.Internal.Gpu
{
    /// <summary>
    /// Reusable device buffers of one accelerated layer, by slot (projected q/k/v, context, the copies of host inputs
    /// and outputs). <see cref="Floats"/> and <see cref="Ints"/> return a view of exactly the asked length, allocating
    /// only when a slot is too small: a call with the same or a smaller batch allocates nothing. Host-side staging for
    /// boolean masks (<see cref="HostInts"/>) grows the same way.
    /// </summary>
    /// <remarks>
    /// Not thread-safe: a layer serialises its device calls (see <see cref="DeviceSession"/>). Views handed out
    /// stay valid until the same slot is asked for a larger length or the scratch is disposed; before freeing a buffer
    /// that is too small, the accelerator is synchronised, so kernels queued earlier never see it go.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class DeviceScratch : IDisposable
    {
        private readonly Accelerator _accelerator;
        private readonly MemoryBuffer1D<float, Stride1D.Dense>?[] _floats;
        private readonly MemoryBuffer1D<int, Stride1D.Dense>?[] _ints;
        private int[] _hostInts = Array.Empty<int>();
        private bool _disposed;

        /// <summary>Creates empty scratch with <paramref name="floatSlots"/> float and <paramref name="intSlots"/> int slots.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="accelerator"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A slot count is negative.</exception>
        public DeviceScratch(Accelerator accelerator, int floatSlots, int intSlots)
        {
            ArgumentNullException.ThrowIfNull(accelerator);
            ArgumentOutOfRangeException.ThrowIfNegative(floatSlots);
            ArgumentOutOfRangeException.ThrowIfNegative(intSlots);
            _accelerator = accelerator;
            _floats = new MemoryBuffer1D<float, Stride1D.Dense>?[floatSlots];
            _ints = new MemoryBuffer1D<int, Stride1D.Dense>?[intSlots];
        }

        /// <summary>A device view of <paramref name="length"/> floats in <paramref name="slot"/>, its old contents undefined.</summary>
        /// <exception cref="ObjectDisposedException">The scratch was disposed.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The slot does not exist or the length is negative.</exception>
        public ArrayView<float> Floats(int slot, long length) => Take(_floats, slot, length);

        /// <summary>A device view of <paramref name="length"/> ints in <paramref name="slot"/>, its old contents undefined.</summary>
        /// <exception cref="ObjectDisposedException">The scratch was disposed.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The slot does not exist or the length is negative.</exception>
        public ArrayView<int> Ints(int slot, long length) => Take(_ints, slot, length);

        /// <summary>A host array of at least <paramref name="length"/> ints, for converting masks before an upload.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The length is negative.</exception>
        public int[] HostInts(int length)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            if (_hostInts.Length < length) _hostInts = new int[length];
            return _hostInts;
        }

        /// <summary>Frees every buffer. Idempotent.</summary>
        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var buffer in _floats) buffer?.Dispose();
            foreach (var buffer in _ints) buffer?.Dispose();
        }

        private ArrayView<T> Take<T>(MemoryBuffer1D<T, Stride1D.Dense>?[] slots, int slot, long length)
            where T : unmanaged
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            if ((uint)slot >= (uint)slots.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(slot), slot, $"There are {slots.Length} slots.");
            }

            MemoryBuffer1D<T, Stride1D.Dense>? buffer = slots[slot];
            if (buffer is null || buffer.Length < length)
            {
                if (buffer is not null)
                {
                    _accelerator.Synchronize();
                    buffer.Dispose();
                }

                // At least one element, so an empty request still yields a valid view.
                buffer = _accelerator.Allocate1D<T>(Math.Max(length, 1));
                slots[slot] = buffer;
            }

            return buffer.View.SubView(0, length).AsContiguous();
        }
    }
}
