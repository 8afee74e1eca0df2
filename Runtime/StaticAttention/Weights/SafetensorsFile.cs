using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace StaticAttention.Weights
{
    /// <summary>
    /// A safetensors file: an 8-byte little-endian header length <c>N</c>, <c>N</c> bytes of UTF-8 JSON mapping each tensor
    /// name to its dtype, shape and <c>data_offsets</c> (relative to the first byte after the header), then the data.
    /// The header is fully validated when the file is opened; anything wrong is an <see cref="InvalidDataException"/>
    /// naming the tensor and the numbers.
    /// </summary>
    public sealed partial class SafetensorsFile : IDisposable
    {
        /// <summary>The largest header accepted, as in the reference implementation (100 MB).</summary>
        public const long MaxHeaderBytes = 100_000_000;

        private readonly SafetensorsStorage _storage;
        private readonly long _dataStart;
        private readonly List<SafetensorsTensor> _tensors;
        private readonly Dictionary<string, SafetensorsTensor> _byName;

        private SafetensorsFile(SafetensorsStorage storage, long dataStart, List<SafetensorsTensor> tensors)
        {
            _storage = storage;
            _dataStart = dataStart;
            _tensors = tensors;
            _byName = new Dictionary<string, SafetensorsTensor>(tensors.Count, StringComparer.Ordinal);
            foreach (SafetensorsTensor tensor in tensors) _byName.Add(tensor.Name, tensor);
        }

        /// <summary>The tensors in header order (<c>__metadata__</c> excluded).</summary>
        public IReadOnlyList<SafetensorsTensor> Tensors => _tensors;

        /// <summary>The file's total size in bytes.</summary>
        public long Length => _storage.Length;

        /// <summary>Opens and memory-maps the file at <paramref name="path"/> and validates its header.</summary>
        /// <exception cref="FileNotFoundException">No file exists at <paramref name="path"/>.</exception>
        /// <exception cref="InvalidDataException">The file is not a well-formed safetensors file.</exception>
        public static SafetensorsFile Open(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            if (!File.Exists(path)) throw new FileNotFoundException($"Safetensors file '{path}' does not exist.", path);

            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (stream.Length < 8)
            {
                long length = stream.Length;
                stream.Dispose();
                throw TooShort(length);
            }

            return FromStorage(MappedStorage.Create(stream));
        }

        /// <summary>
        /// Reads <paramref name="stream"/> from its position to its end into memory and validates the header. A seekable
        /// stream is read into one array of its remaining length; others are read in chunks, so no allocation exceeds
        /// what the stream actually holds, whatever its header claims.
        /// </summary>
        /// <exception cref="InvalidDataException">The bytes are not a well-formed safetensors file.</exception>
        public static SafetensorsFile Read(Stream stream)
        {
            ArgumentNullException.ThrowIfNull(stream);
            (byte[] bytes, int length) = StreamBytes.ReadToEnd(stream);
            if (length < 8) throw TooShort(length);
            return FromStorage(new ArrayStorage(bytes, length));
        }

        /// <summary>Finds the tensor called <paramref name="name"/> (full name, ordinal comparison).</summary>
        public bool TryGetTensor(string name, out SafetensorsTensor tensor)
        {
            ArgumentNullException.ThrowIfNull(name);
            return _byName.TryGetValue(name, out tensor!);
        }

        /// <summary>The tensor called <paramref name="name"/>.</summary>
        /// <exception cref="InvalidDataException">The file has no such tensor; the message lists the first names it has.</exception>
        public SafetensorsTensor GetTensor(string name)
        {
            if (TryGetTensor(name, out SafetensorsTensor tensor)) return tensor;
            throw new InvalidDataException(
                $"Tensor '{name}' is missing; the file holds {_tensors.Count} tensors: {NameList.Describe(_tensors, 20)}.");
        }

        /// <inheritdoc/>
        public void Dispose() => _storage.Dispose();

        private static SafetensorsFile FromStorage(SafetensorsStorage storage)
        {
            try
            {
                long length = storage.Length;
                ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(storage.Slice(0, 8));
                if (headerLength < 2)
                    throw new InvalidDataException($"Safetensors header length {headerLength} is less than 2, the size of an empty JSON object.");
                if (headerLength > (ulong)(length - 8))
                    throw new InvalidDataException(
                        $"Safetensors header length {headerLength} exceeds the {length - 8} bytes after the 8-byte length prefix (file of {length} bytes).");
                if (headerLength > MaxHeaderBytes)
                    throw new InvalidDataException($"Safetensors header length {headerLength} exceeds the limit of {MaxHeaderBytes} bytes.");

                int headerBytes = (int)headerLength;
                byte[] header = storage.Slice(8, headerBytes).ToArray();
                long dataStart = 8 + headerBytes;
                List<SafetensorsTensor> tensors = SafetensorsHeaderParser.Parse(header, length - dataStart);
                return new SafetensorsFile(storage, dataStart, tensors);
            }
            catch
            {
                storage.Dispose();
                throw;
            }
        }

        private static InvalidDataException TooShort(long length)
            => new($"Safetensors file is {length} bytes, shorter than its 8-byte header length prefix.");
    }
}
