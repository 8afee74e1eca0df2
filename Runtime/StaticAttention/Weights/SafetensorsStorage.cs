using System;

namespace StaticAttention.Weights
{
    /// <summary>The bytes of a safetensors file: an in-memory array or a read-only memory map.</summary>
    internal abstract class SafetensorsStorage : IDisposable
    {
        /// <summary>Total size in bytes.</summary>
        public abstract long Length { get; }

        /// <summary>The bytes <c>[offset, offset + length)</c>; the caller has checked the range.</summary>
        public abstract ReadOnlySpan<byte> Slice(long offset, int length);

        public abstract void Dispose();
    }

    /// <summary>Storage over a byte array (the first <c>length</c> bytes of it).</summary>
    internal sealed class ArrayStorage : SafetensorsStorage
    {
        private readonly byte[] _bytes;
        private readonly int _length;

        public ArrayStorage(byte[] bytes, int length)
        {
            _bytes = bytes;
            _length = length;
        }

        public override long Length => _length;

        public override ReadOnlySpan<byte> Slice(long offset, int length) => _bytes.AsSpan((int)offset, length);

        public override void Dispose()
        {
        }
    }
}
