using System;
using System.IO;
using System.IO.MemoryMappedFiles;

namespace StaticAttention.Weights
{
    /// <summary>Storage over a read-only memory map of a whole file; the view's pointer stays acquired until disposal.</summary>
    internal sealed unsafe class MappedStorage : SafetensorsStorage
    {
        private readonly MemoryMappedFile _map;
        private readonly MemoryMappedViewAccessor _view;
        private readonly long _length;
        private byte* _pointer;

        private MappedStorage(MemoryMappedFile map, MemoryMappedViewAccessor view, long length)
        {
            _map = map;
            _view = view;
            _length = length;
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _pointer = pointer + _view.PointerOffset;
        }

        public override long Length => _length;

        /// <summary>
        /// Maps <paramref name="stream"/>'s file (taking ownership of the stream). The file must be non-empty: an empty file
        /// cannot be mapped, and the caller rejects anything shorter than the 8-byte header length first.
        /// </summary>
        public static MappedStorage Create(FileStream stream)
        {
            long length = stream.Length;
            MemoryMappedFile map = MemoryMappedFile.CreateFromFile(
                stream, mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            try
            {
                MemoryMappedViewAccessor view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
                return new MappedStorage(map, view, length);
            }
            catch
            {
                map.Dispose();
                throw;
            }
        }

        public override ReadOnlySpan<byte> Slice(long offset, int length)
        {
            ObjectDisposedException.ThrowIf(_pointer == null, this);
            return new ReadOnlySpan<byte>(_pointer + offset, length);
        }

        public override void Dispose()
        {
            if (_pointer == null) return;
            _pointer = null;
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _map.Dispose();
        }
    }
}
