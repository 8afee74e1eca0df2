using System;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.InteropServices;

namespace StaticAttention.Weights
{
    public sealed partial class SafetensorsFile
    {
        /// <summary>Elements converted per slice of the data, so a single span never exceeds 2 GB of bytes.</summary>
        private const int ChunkElements = 1 << 20;

        /// <summary>Reads a F32, F16 or BF16 tensor as F32 (F16 and BF16 convert exactly).</summary>
        /// <exception cref="InvalidDataException">The tensor has another dtype, or too many elements for an array.</exception>
        public float[] ReadFloat32(SafetensorsTensor tensor)
        {
            CheckDType(tensor, tensor.DType.IsFloat32Convertible(), "F32, F16 or BF16");
            var result = new float[ArrayLength(tensor)];
            ReadFloat32(tensor, result);
            return result;
        }

        /// <summary>Reads a F32, F16 or BF16 tensor as F32 into <paramref name="destination"/>, which must hold exactly its elements.</summary>
        /// <exception cref="InvalidDataException">The tensor has another dtype.</exception>
        /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
        public void ReadFloat32(SafetensorsTensor tensor, Span<float> destination)
        {
            CheckDType(tensor, tensor.DType.IsFloat32Convertible(), "F32, F16 or BF16");
            CheckDestination(tensor, destination.Length, nameof(destination));
            for (int start = 0; start < destination.Length; start += ChunkElements)
            {
                Span<float> chunk = destination.Slice(start, Math.Min(ChunkElements, destination.Length - start));
                ReadOnlySpan<byte> source = Bytes(tensor, start, chunk.Length);
                switch (tensor.DType)
                {
                    case SafetensorsDType.F32:
                        if (BitConverter.IsLittleEndian)
                        {
                            source.CopyTo(MemoryMarshal.AsBytes(chunk));
                        }
                        else
                        {
                            for (int i = 0; i < chunk.Length; i++) chunk[i] = BinaryPrimitives.ReadSingleLittleEndian(source.Slice(4 * i));
                        }

                        break;
                    case SafetensorsDType.F16:
                        for (int i = 0; i < chunk.Length; i++) chunk[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(source.Slice(2 * i));
                        break;
                    default:
                        for (int i = 0; i < chunk.Length; i++) chunk[i] = BFloat16ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(2 * i)));
                        break;
                }
            }
        }

        /// <summary>Reads an integer tensor (I64, I32, I16, I8, U32, U16, U8 or BOOL) widened to <see cref="long"/>.</summary>
        /// <exception cref="InvalidDataException">The tensor has another dtype (floats and U64 are refused).</exception>
        public long[] ReadInt64(SafetensorsTensor tensor)
        {
            int size = tensor.DType.SizeInBytes();
            bool integer = tensor.DType is SafetensorsDType.I64 or SafetensorsDType.I32 or SafetensorsDType.I16 or SafetensorsDType.I8
                or SafetensorsDType.U32 or SafetensorsDType.U16 or SafetensorsDType.U8 or SafetensorsDType.Bool;
            CheckDType(tensor, integer, "I64, I32, I16, I8, U32, U16, U8 or BOOL");
            var result = new long[ArrayLength(tensor)];
            for (int start = 0; start < result.Length; start += ChunkElements)
            {
                Span<long> chunk = result.AsSpan(start, Math.Min(ChunkElements, result.Length - start));
                ReadOnlySpan<byte> source = Bytes(tensor, start, chunk.Length);
                for (int i = 0; i < chunk.Length; i++)
                {
                    ReadOnlySpan<byte> item = source.Slice(size * i, size);
                    chunk[i] = tensor.DType switch
                    {
                        SafetensorsDType.I64 => BinaryPrimitives.ReadInt64LittleEndian(item),
                        SafetensorsDType.I32 => BinaryPrimitives.ReadInt32LittleEndian(item),
                        SafetensorsDType.I16 => BinaryPrimitives.ReadInt16LittleEndian(item),
                        SafetensorsDType.I8 => (sbyte)item[0],
                        SafetensorsDType.U32 => BinaryPrimitives.ReadUInt32LittleEndian(item),
                        SafetensorsDType.U16 => BinaryPrimitives.ReadUInt16LittleEndian(item),
                        SafetensorsDType.Bool => item[0] != 0 ? 1 : 0,
                        _ => item[0],
                    };
                }
            }

            return result;
        }

        /// <summary>Reads a BOOL tensor (any nonzero byte is true).</summary>
        /// <exception cref="InvalidDataException">The tensor is not BOOL.</exception>
        public bool[] ReadBool(SafetensorsTensor tensor)
        {
            CheckDType(tensor, tensor.DType == SafetensorsDType.Bool, "BOOL");
            var result = new bool[ArrayLength(tensor)];
            for (int start = 0; start < result.Length; start += ChunkElements)
            {
                Span<bool> chunk = result.AsSpan(start, Math.Min(ChunkElements, result.Length - start));
                ReadOnlySpan<byte> source = Bytes(tensor, start, chunk.Length);
                for (int i = 0; i < chunk.Length; i++) chunk[i] = source[i] != 0;
            }

            return result;
        }

        /// <summary>Converts bfloat16 bits to F32: they are the upper half of the F32's bits.</summary>
        internal static float BFloat16ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

        /// <summary>The bytes of elements <c>[start, start + count)</c> of <paramref name="tensor"/>.</summary>
        private ReadOnlySpan<byte> Bytes(SafetensorsTensor tensor, int start, int count)
        {
            int size = tensor.DType.SizeInBytes();
            return _storage.Slice(_dataStart + tensor.DataBegin + (long)start * size, count * size);
        }

        private void CheckDType(SafetensorsTensor tensor, bool accepted, string acceptedText)
        {
            ArgumentNullException.ThrowIfNull(tensor);
            if (!TryGetTensor(tensor.Name, out SafetensorsTensor own) || !ReferenceEquals(own, tensor))
                throw new ArgumentException($"Tensor '{tensor.Name}' does not belong to this file.", nameof(tensor));
            if (!accepted)
                throw new InvalidDataException($"Tensor '{tensor.Name}' has dtype {tensor.DType.ToHeaderString()}; expected {acceptedText}.");
        }

        private static int ArrayLength(SafetensorsTensor tensor)
        {
            if (tensor.ElementCount > Array.MaxLength)
                throw new InvalidDataException(
                    $"Tensor '{tensor.Name}' has {tensor.ElementCount} elements, more than an array holds ({Array.MaxLength}).");
            return (int)tensor.ElementCount;
        }

        private static void CheckDestination(SafetensorsTensor tensor, int length, string paramName)
        {
            if (length != tensor.ElementCount)
                throw new ArgumentException(
                    $"Destination for tensor '{tensor.Name}' {tensor.ShapeText} must hold {tensor.ElementCount} elements, found {length}.", paramName);
        }
    }
}
