using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Text.Json;
using System.Text.Unicode;

namespace StaticAttention.Weights
{
    /// <summary>
    /// Parses and validates the JSON header of a safetensors file. Every failure is an <see cref="InvalidDataException"/>
    /// naming the tensor (when there is one) and the numbers; nothing else escapes.
    /// </summary>
    internal static class SafetensorsHeaderParser
    {
        /// <summary>Root object, tensor entry, shape/offset arrays: anything deeper is not a safetensors header.</summary>
        public const int MaxDepth = 4;

        private const string MetadataKey = "__metadata__";

        /// <summary>Parses <paramref name="header"/> into tensors whose data ranges lie within <c>[0, dataLength)</c>.</summary>
        public static List<SafetensorsTensor> Parse(ReadOnlyMemory<byte> header, long dataLength)
        {
            if (!Utf8.IsValid(header.Span))
                throw new InvalidDataException($"Safetensors header ({header.Length} bytes) is not valid UTF-8.");

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = MaxDepth });
            }
            catch (JsonException e)
            {
                throw new InvalidDataException(
                    $"Safetensors header ({header.Length} bytes) is not valid JSON nested at most {MaxDepth} deep: {e.Message}", e);
            }

            using (document)
            {
                try
                {
                    return ParseRoot(document.RootElement, dataLength);
                }
                catch (InvalidOperationException e)
                {
                    // JsonElement.GetString and JsonProperty.Name throw this for an escaped lone surrogate ("\ud800").
                    throw new InvalidDataException($"Safetensors header holds a string that is not valid UTF-16: {e.Message}", e);
                }
            }
        }

        private static List<SafetensorsTensor> ParseRoot(JsonElement root, long dataLength)
        {
            if (root.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"Safetensors header must be a JSON object, found {root.ValueKind}.");

            var tensors = new List<SafetensorsTensor>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in root.EnumerateObject())
            {
                string name = property.Name;
                if (!names.Add(name))
                    throw new InvalidDataException($"Safetensors header names tensor '{name}' more than once.");
                if (name == MetadataKey)
                {
                    CheckMetadata(property.Value);
                    continue;
                }

                tensors.Add(ParseEntry(name, property.Value, dataLength));
            }

            CheckNoOverlap(tensors);
            return tensors;
        }

        private static void CheckMetadata(JsonElement metadata)
        {
            if (metadata.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"Safetensors '{MetadataKey}' must be an object of strings, found {metadata.ValueKind}.");
            foreach (JsonProperty entry in metadata.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.String)
                    throw new InvalidDataException(
                        $"Safetensors '{MetadataKey}' entry '{entry.Name}' must be a string, found {entry.Value.ValueKind}.");
                // The metadata is ignored, but its text must be valid UTF-16 like every other string.
                _ = entry.Name;
                _ = entry.Value.GetString();
            }
        }

        private static SafetensorsTensor ParseEntry(string name, JsonElement entry, long dataLength)
        {
            if (entry.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"Tensor '{name}': header entry must be an object, found {entry.ValueKind}.");

            SafetensorsDType dtype = ParseDType(name, Property(name, entry, "dtype", JsonValueKind.String));
            ImmutableArray<int> shape = ParseShape(name, Property(name, entry, "shape", JsonValueKind.Array));
            (long begin, long end) = ParseOffsets(name, Property(name, entry, "data_offsets", JsonValueKind.Array));

            long elementCount = ElementCount(name, shape);
            int elementSize = dtype.SizeInBytes();
            if (elementCount > long.MaxValue / elementSize)
                throw new InvalidDataException(
                    $"Tensor '{name}': {elementCount} elements of {dtype.ToHeaderString()} ({elementSize} bytes each) overflow a 64-bit byte count.");
            long byteCount = elementCount * elementSize;

            if (end < begin)
                throw new InvalidDataException($"Tensor '{name}': data_offsets [{begin}, {end}] are reversed (end < begin).");
            if (end > dataLength)
                throw new InvalidDataException(
                    $"Tensor '{name}': data_offsets [{begin}, {end}] extend beyond the data area of {dataLength} bytes.");
            if (end - begin != byteCount)
                throw new InvalidDataException(
                    $"Tensor '{name}': data_offsets [{begin}, {end}] span {end - begin} bytes but shape {ShapeFormat.Format(shape.AsSpan())} " +
                    $"of {dtype.ToHeaderString()} needs {elementCount} * {elementSize} = {byteCount} bytes.");

            return new SafetensorsTensor(name, dtype, shape, elementCount, begin, end);
        }

        private static JsonElement Property(string name, JsonElement entry, string key, JsonValueKind kind)
        {
            if (!entry.TryGetProperty(key, out JsonElement value))
                throw new InvalidDataException($"Tensor '{name}': header entry has no '{key}'.");
            if (value.ValueKind != kind)
                throw new InvalidDataException($"Tensor '{name}': '{key}' must be {kind}, found {value.ValueKind}.");
            return value;
        }

        private static SafetensorsDType ParseDType(string name, JsonElement value)
        {
            string text = value.GetString() ?? "";
            if (!SafetensorsDTypes.TryParse(text, out SafetensorsDType dtype))
                throw new InvalidDataException($"Tensor '{name}': unknown dtype '{text}'.");
            return dtype;
        }

        private static ImmutableArray<int> ParseShape(string name, JsonElement value)
        {
            var shape = ImmutableArray.CreateBuilder<int>(value.GetArrayLength());
            int index = 0;
            foreach (JsonElement item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long dim))
                    throw new InvalidDataException($"Tensor '{name}': shape[{index}] must be an integer, found {item.GetRawText()}.");
                if (dim < 0 || dim > int.MaxValue)
                    throw new InvalidDataException(
                        $"Tensor '{name}': shape[{index}] = {dim} is outside [0, {int.MaxValue}].");
                shape.Add((int)dim);
                index++;
            }

            return shape.MoveToImmutable();
        }

        private static (long Begin, long End) ParseOffsets(string name, JsonElement value)
        {
            if (value.GetArrayLength() != 2)
                throw new InvalidDataException($"Tensor '{name}': data_offsets must hold 2 integers, found {value.GetArrayLength()}.");
            return (Offset(name, value[0], 0), Offset(name, value[1], 1));
        }

        private static long Offset(string name, JsonElement item, int index)
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long offset))
                throw new InvalidDataException($"Tensor '{name}': data_offsets[{index}] must be an integer, found {item.GetRawText()}.");
            if (offset < 0)
                throw new InvalidDataException($"Tensor '{name}': data_offsets[{index}] = {offset} is negative.");
            return offset;
        }

        private static long ElementCount(string name, ImmutableArray<int> shape)
        {
            long count = 1;
            foreach (int dim in shape)
            {
                if (dim == 0) return 0;
            }

            foreach (int dim in shape)
            {
                if (count > long.MaxValue / dim)
                    throw new InvalidDataException(
                        $"Tensor '{name}': shape {ShapeFormat.Format(shape.AsSpan())} has more elements than a 64-bit count holds.");
                count *= dim;
            }

            return count;
        }

        private static void CheckNoOverlap(List<SafetensorsTensor> tensors)
        {
            var byOffset = new List<SafetensorsTensor>(tensors.Count);
            foreach (SafetensorsTensor tensor in tensors)
            {
                if (tensor.ByteLength > 0) byOffset.Add(tensor);
            }

            byOffset.Sort(static (a, b) => a.DataBegin.CompareTo(b.DataBegin));
            for (int i = 1; i < byOffset.Count; i++)
            {
                SafetensorsTensor previous = byOffset[i - 1], current = byOffset[i];
                if (current.DataBegin < previous.DataEnd)
                    throw new InvalidDataException(
                        $"Tensor '{current.Name}': data_offsets [{current.DataBegin}, {current.DataEnd}] overlap tensor " +
                        $"'{previous.Name}' at [{previous.DataBegin}, {previous.DataEnd}].");
            }
        }
    }
}
