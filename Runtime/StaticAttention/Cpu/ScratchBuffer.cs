using System;

namespace StaticAttention.Cpu
{
    /// <summary>
    /// One reusable float buffer per layer instance. <see cref="Rent"/> takes it (growing it when too small) and
    /// <see cref="Return"/> puts it back, so single-threaded calls allocate only when the batch grows, and concurrent
    /// calls on one layer each get their own buffer (the loser of the race allocates a fresh one).
    /// </summary>
    public sealed class ScratchBuffer
    {
        /// <summary>Takes the buffer, at least <paramref name="length"/> floats long.</summary>
        public float[] Rent(int length) => throw new NotImplementedException();

        /// <summary>Gives the buffer back for the next call.</summary>
        public void Return(float[] buffer) => throw new NotImplementedException();
    }
}
