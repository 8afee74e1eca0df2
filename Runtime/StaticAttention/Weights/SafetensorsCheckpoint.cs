using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace StaticAttention.Weights
{
    /// <summary>
    /// An opened checkpoint: one safetensors file, or a sharded checkpoint's index (<c>model.safetensors.index.json</c>)
    /// and its shards. Each shard is memory-mapped once, on the first read of a tensor it holds, and stays mapped until
    /// disposal, so the layers of a model load from one mapping. Reads are safe from several threads at once.
    /// </summary>
    /// <example>
    /// <code>
    /// using var checkpoint = SafetensorsCheckpoint.Open("model.safetensors.index.json");
    /// var layer0 = LlamaAttention.Load(checkpoint, "model.layers.0.self_attn.");
    /// var layer1 = LlamaAttention.Load(checkpoint, "model.layers.1.self_attn.");
    /// </code>
    /// </example>
    public sealed class SafetensorsCheckpoint : IDisposable
    {
        /// <summary>The file a folder's single-file checkpoint has, as Hugging Face names it.</summary>
        public const string SingleFileName = "model.safetensors";

        /// <summary>The index a folder's sharded checkpoint has, as Hugging Face names it.</summary>
        public const string IndexFileName = "model.safetensors.index.json";

        private readonly object _gate = new();
        private readonly string[] _names;
        private readonly string[] _shardPaths;
        private readonly Dictionary<string, int>? _shardOfName;
        private readonly SafetensorsFile?[] _shards;
        private readonly bool _ownsShards;
        private bool _disposed;

        private SafetensorsCheckpoint(string path, string[] names, string[] shardPaths, Dictionary<string, int>? shardOfName, SafetensorsFile? single, bool ownsShards)
        {
            Path = path;
            _names = names;
            _shardPaths = shardPaths;
            _shardOfName = shardOfName;
            _shards = new SafetensorsFile?[shardPaths.Length];
            if (single is not null) _shards[0] = single;
            _ownsShards = ownsShards;
        }

        /// <summary>The path opened: a safetensors file or an index.</summary>
        public string Path { get; }

        /// <summary>Every tensor name, in the file's header order or the index's order.</summary>
        public IReadOnlyList<string> TensorNames => _names;

        /// <summary>The safetensors files the tensors live in: the file itself, or the index's shards in order of first appearance.</summary>
        public IReadOnlyList<string> ShardPaths => _shardPaths;

        /// <summary>How many shard files are mapped now (each at most once).</summary>
        internal int OpenedShardCount
        {
            get
            {
                int count = 0;
                for (int i = 0; i < _shards.Length; i++)
                {
                    if (Volatile.Read(ref _shards[i]) is not null) count++;
                }

                return count;
            }
        }

        /// <summary>
        /// Opens a checkpoint at <paramref name="path"/>: a <c>.safetensors</c> file (mapped now), an index ending in <c>.json</c>
        /// (read now; its shards are mapped on first use), or a folder holding <see cref="SingleFileName"/> or
        /// <see cref="IndexFileName"/> (the single file first, as Hugging Face does).
        /// </summary>
        /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>, or the folder holds neither file.</exception>
        /// <exception cref="InvalidDataException">The file or the index is malformed.</exception>
        public static SafetensorsCheckpoint Open(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            if (Directory.Exists(path)) path = InFolder(path);
            if (!path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                SafetensorsFile file = SafetensorsFile.Open(path);
                return ForFile(path, file, ownsFile: true);
            }

            if (!File.Exists(path)) throw new FileNotFoundException($"Safetensors index '{path}' does not exist.", path);
            SafetensorsIndex index = SafetensorsIndex.Read(path);
            return new SafetensorsCheckpoint(path, index.Names, index.ShardPaths, index.ShardOfName, single: null, ownsShards: true);
        }

        /// <summary>A checkpoint over one opened file; it disposes the file only when <paramref name="ownsFile"/>.</summary>
        internal static SafetensorsCheckpoint ForFile(string path, SafetensorsFile file, bool ownsFile)
        {
            IReadOnlyList<SafetensorsTensor> tensors = file.Tensors;
            var names = new string[tensors.Count];
            for (int i = 0; i < names.Length; i++) names[i] = tensors[i].Name;
            return new SafetensorsCheckpoint(path, names, [path], shardOfName: null, file, ownsFile);
        }

        /// <summary>True when the checkpoint lists a tensor called <paramref name="name"/> (no shard is opened).</summary>
        public bool Contains(string name)
        {
            ArgumentNullException.ThrowIfNull(name);
            return _shardOfName is null ? _shards[0]!.TryGetTensor(name, out _) : _shardOfName.ContainsKey(name);
        }

        /// <summary>The mapped file holding the tensor called <paramref name="name"/> (mapping its shard on first use); the checkpoint owns it.</summary>
        /// <exception cref="InvalidDataException">No such tensor, or the index names a shard that lacks it or is malformed.</exception>
        /// <exception cref="FileNotFoundException">The index names a shard file that does not exist.</exception>
        public SafetensorsFile FileOf(string name) => Find(name).File;

        /// <summary>The tensor called <paramref name="name"/>, from whichever shard holds it.</summary>
        /// <exception cref="InvalidDataException">No such tensor, or the index names a shard that lacks it or is malformed.</exception>
        /// <exception cref="FileNotFoundException">The index names a shard file that does not exist.</exception>
        public SafetensorsTensor GetTensor(string name) => Find(name).Tensor;

        /// <summary>Reads the F32, F16 or BF16 tensor called <paramref name="name"/> as F32.</summary>
        /// <exception cref="InvalidDataException">No such tensor, another dtype, or a shard that lacks it or is malformed.</exception>
        /// <exception cref="FileNotFoundException">The index names a shard file that does not exist.</exception>
        public float[] ReadFloat32(string name)
        {
            (SafetensorsFile file, SafetensorsTensor tensor) = Find(name);
            return file.ReadFloat32(tensor);
        }

        /// <summary>Unmaps every shard mapped so far (a checkpoint made over an open file leaves that file open).</summary>
        public void Dispose()
        {
            lock (_gate)
            {
                if (_disposed) return;
                _disposed = true;
                if (!_ownsShards) return;
                foreach (SafetensorsFile? shard in _shards) shard?.Dispose();
            }
        }

        /// <summary>The shard holding <paramref name="name"/> and its entry there.</summary>
        internal (SafetensorsFile File, SafetensorsTensor Tensor) Find(string name)
        {
            ArgumentNullException.ThrowIfNull(name);
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_shardOfName is null)
            {
                SafetensorsFile file = _shards[0]!;
                return (file, file.GetTensor(name));
            }

            if (!_shardOfName.TryGetValue(name, out int shard))
                throw new InvalidDataException(
                    $"Tensor '{name}' is missing; index '{Path}' lists {_names.Length} tensors: {NameList.Describe(_names, 20)}.");
            SafetensorsFile opened = Shard(shard, name);
            if (opened.TryGetTensor(name, out SafetensorsTensor tensor)) return (opened, tensor);
            throw new InvalidDataException(
                $"Tensor '{name}' is listed by index '{Path}' in shard '{_shardPaths[shard]}', which does not hold it; " +
                $"the shard holds {opened.Tensors.Count} tensors: {NameList.Describe(opened.Tensors, 20)}.");
        }

        /// <summary>Shard <paramref name="shard"/>, mapped on first use; <paramref name="name"/> is the tensor asked for, for messages.</summary>
        private SafetensorsFile Shard(int shard, string name)
        {
            SafetensorsFile? opened = Volatile.Read(ref _shards[shard]);
            if (opened is not null) return opened;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                opened = _shards[shard];
                if (opened is not null) return opened;
                string path = _shardPaths[shard];
                if (!File.Exists(path))
                    throw new FileNotFoundException($"Shard '{path}' that index '{Path}' names for tensor '{name}' does not exist.", path);
                try
                {
                    opened = SafetensorsFile.Open(path);
                }
                catch (InvalidDataException e)
                {
                    throw new InvalidDataException($"Shard '{path}' that index '{Path}' names for tensor '{name}' is malformed: {e.Message}", e);
                }

                Volatile.Write(ref _shards[shard], opened);
                return opened;
            }
        }

        private static string InFolder(string folder)
        {
            string single = System.IO.Path.Combine(folder, SingleFileName);
            if (File.Exists(single)) return single;
            string index = System.IO.Path.Combine(folder, IndexFileName);
            if (File.Exists(index)) return index;
            throw new FileNotFoundException($"Folder '{folder}' holds neither '{SingleFileName}' nor '{IndexFileName}'.", single);
        }
    }
}
