using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace StaticAttention.Weights
{
    /// <summary>
    /// A sharded checkpoint's index (<c>model.safetensors.index.json</c>):
    /// <c>{"metadata": {...}, "weight_map": {"tensor name": "shard file name", ...}}</c>, shard names relative to the
    /// index's folder. Every failure is an <see cref="InvalidDataException"/> naming the index file and the entry.
    /// </summary>
    internal sealed class SafetensorsIndex
    {
        /// <summary>The largest index accepted: a real one lists a few thousand names in well under a megabyte.</summary>
        public const long MaxIndexBytes = 100_000_000;

        private const string WeightMapKey = "weight_map";

        private SafetensorsIndex(string[] names, string[] shardPaths, Dictionary<string, int> shardOfName)
        {
            Names = names;
            ShardPaths = shardPaths;
            ShardOfName = shardOfName;
        }

        /// <summary>Tensor names in the index's order.</summary>
        public string[] Names { get; }

        /// <summary>Full paths of the shard files, in order of first appearance.</summary>
        public string[] ShardPaths { get; }

        /// <summary>Each tensor name's position in <see cref="ShardPaths"/>.</summary>
        public Dictionary<string, int> ShardOfName { get; }

        /// <summary>Reads and validates the index at <paramref name="path"/> (which exists).</summary>
        public static SafetensorsIndex Read(string path)
        {
            string fullPath = Path.GetFullPath(path);
            string folder = Path.GetDirectoryName(fullPath) ?? "";
            byte[] bytes;
            using (var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read))
            {
                if (stream.Length > MaxIndexBytes)
                    throw new InvalidDataException($"Safetensors index '{path}' is {stream.Length} bytes, more than the limit of {MaxIndexBytes}.");
                bytes = new byte[stream.Length];
                stream.ReadExactly(bytes);
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(bytes);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"Safetensors index '{path}' is not valid JSON: {e.Message}", e);
            }

            using (document)
            {
                try
                {
                    return Parse(path, folder, document.RootElement);
                }
                catch (InvalidOperationException e)
                {
                    // GetString and JsonProperty.Name throw this for an escaped lone surrogate ("\ud800").
                    throw new InvalidDataException($"Safetensors index '{path}' holds a string that is not valid UTF-16: {e.Message}", e);
                }
            }
        }

        private static SafetensorsIndex Parse(string path, string folder, JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"Safetensors index '{path}' must be a JSON object, found {root.ValueKind}.");
            if (!root.TryGetProperty(WeightMapKey, out JsonElement map))
                throw new InvalidDataException($"Safetensors index '{path}' has no '{WeightMapKey}' object mapping tensor names to shard files.");
            if (map.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"Safetensors index '{path}': '{WeightMapKey}' must be an object, found {map.ValueKind}.");

            var names = new List<string>();
            var shardPaths = new List<string>();
            var shardOfFile = new Dictionary<string, int>(StringComparer.Ordinal);
            var shardOfName = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (JsonProperty entry in map.EnumerateObject())
            {
                string name = entry.Name;
                if (entry.Value.ValueKind != JsonValueKind.String)
                    throw new InvalidDataException(
                        $"Safetensors index '{path}': tensor '{name}' must map to a shard file name, found {entry.Value.ValueKind}.");
                string file = entry.Value.GetString()!;
                if (!shardOfFile.TryGetValue(file, out int shard))
                {
                    shard = shardPaths.Count;
                    shardPaths.Add(ShardPath(path, folder, name, file));
                    shardOfFile.Add(file, shard);
                }

                if (!shardOfName.TryAdd(name, shard))
                    throw new InvalidDataException($"Safetensors index '{path}' lists tensor '{name}' more than once.");
                names.Add(name);
            }

            return new SafetensorsIndex(names.ToArray(), shardPaths.ToArray(), shardOfName);
        }

        /// <summary>The shard's full path; a shard must lie in the index's folder (or below it).</summary>
        private static string ShardPath(string path, string folder, string name, string file)
        {
            if (file.Length == 0 || Path.IsPathRooted(file) || file.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
                throw new InvalidDataException($"Safetensors index '{path}': tensor '{name}' maps to '{file}', which is not a relative file name.");
            string full = Path.GetFullPath(Path.Combine(folder, file));
            string root = Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar;
            if (!full.StartsWith(root, StringComparison.Ordinal))
                throw new InvalidDataException(
                    $"Safetensors index '{path}': tensor '{name}' maps to '{file}', outside the index's folder '{folder}'.");
            return full;
        }
    }
}
