using System;
using System.ComponentModel;
using System.Threading;

namespace StaticAttention.Internal.Cpu
{
    /// <summary>
    /// One reusable float buffer per layer instance. <see cref="Rent"/> takes it (growing it when too small) and
    /// <see cref="Return"/> puts it back, so single-threaded calls allocate only when the batch grows, and concurrent
    /// calls on one layer each get their own buffer (the loser of the race allocates a fresh one).
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class ScratchBuffer
    {
        private float[]? _buffer;

        /// <summary>Takes the buffer, at least <paramref name="length"/> floats long.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
        public float[] Rent(int length)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length);

            // Take the buffer out, so a concurrent caller sees null and allocates its own.
            float[]? buffer = Interlocked.Exchange(ref _buffer, null);
            if (buffer is null || buffer.Length < length)
            {
                buffer = new float[length];
            }

            return buffer;
        }

        /// <summary>Gives the buffer back for the next call.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="buffer"/> is null.</exception>
        public void Return(float[] buffer)
        {
            ArgumentNullException.ThrowIfNull(buffer);

            // Keep the larger buffer when two calls return at once; a smaller one is simply dropped.
            float[]? current = Volatile.Read(ref _buffer);
            while (current is null || current.Length < buffer.Length)
            {
                float[]? seen = Interlocked.CompareExchange(ref _buffer, buffer, current);
                if (ReferenceEquals(seen, current))
                {
                    return;
                }

                current = seen;
            }
        }
    }
}
