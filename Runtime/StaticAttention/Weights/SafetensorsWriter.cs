using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace StaticAttention.Weights
{
    /// <summary>
    /// Writes F32 tensors as a safetensors file, deterministically: tensors sorted by name (ordinal), data packed in that
    /// order, the header padded with spaces to a multiple of 8 bytes, as the Python <c>safetensors</c> library does.
    /// </summary>
    public static class SafetensorsWriter
    {
        /// <summary>Writes <paramref name="tensors"/> (name, shape, row-major data) to a new file at <paramref name="path"/>.</summary>
        /// <exception cref="ArgumentException">A name repeats or is <c>__metadata__</c>, a dimension is negative, or a shape disagrees with its data length.</exception>
        public static void Write(string path, IEnumerable<(string Name, int[] Shape, float[] Data)> tensors)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
            Write(stream, tensors);
        }

        /// <summary>Writes <paramref name="tensors"/> (name, shape, row-major data) to <paramref name="stream"/> at its position.</summary>
        /// <exception cref="ArgumentException">A name repeats or is <c>__metadata__</c>, a dimension is negative, or a shape disagrees with its data length.</exception>
        public static void Write(Stream stream, IEnumerable<(string Name, int[] Shape, float[] Data)> tensors)
        {
            ArgumentNullException.ThrowIfNull(stream);
            ArgumentNullException.ThrowIfNull(tensors);
            var sorted = new List<(string Name, int[] Shape, float[] Data)>(tensors);
            sorted.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            for (int i = 0; i < sorted.Count; i++) Check(sorted[i], i > 0 ? sorted[i - 1].Name : null);

            byte[] header = Header(sorted);
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            stream.Write(prefix);
            stream.Write(header);
            foreach ((_, _, float[] data) in sorted) WriteData(stream, data);
        }

        private static void Check((string Name, int[] Shape, float[] Data) tensor, string? previousName)
        {
            (string name, int[] shape, float[] data) = tensor;
            if (name is null || shape is null || data is null)
                throw new ArgumentException("Every tensor needs a name, a shape and data.", nameof(tensor));
            if (name == "__metadata__" || name == previousName)
                throw new ArgumentException($"Tensor name '{name}' is reserved or appears more than once.", nameof(tensor));
            long count = 1;
            foreach (int dim in shape)
            {
                if (dim < 0) throw new ArgumentException($"Tensor '{name}' has a negative dimension in {ShapeFormat.Format(shape)}.", nameof(tensor));
                count *= dim;
                if (count > data.Length) break;
            }

            if (count != data.Length)
                throw new ArgumentException(
                    $"Tensor '{name}' has shape {ShapeFormat.Format(shape)} but {data.Length} values.", nameof(tensor));
        }

        private static byte[] Header(List<(string Name, int[] Shape, float[] Data)> tensors)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                long offset = 0;
                foreach ((string name, int[] shape, float[] data) in tensors)
                {
                    json.WriteStartObject(name);
                    json.WriteString("dtype", "F32");
                    json.WriteStartArray("shape");
                    foreach (int dim in shape) json.WriteNumberValue(dim);
                    json.WriteEndArray();
                    json.WriteStartArray("data_offsets");
                    json.WriteNumberValue(offset);
                    offset += 4L * data.Length;
                    json.WriteNumberValue(offset);
                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            int padded = (buffer.WrittenCount + 7) / 8 * 8;
            byte[] header = new byte[padded];
            buffer.WrittenSpan.CopyTo(header);
            header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
            return header;
        }

        private static void WriteData(Stream stream, float[] data)
        {
            if (BitConverter.IsLittleEndian)
            {
                stream.Write(MemoryMarshal.AsBytes(data.AsSpan()));
                return;
            }

            Span<byte> item = stackalloc byte[4];
            foreach (float value in data)
            {
                BinaryPrimitives.WriteSingleLittleEndian(item, value);
                stream.Write(item);
            }
        }
    }
}
