using System;
using System.IO;

namespace StaticAttention.Weights
{
    /// <summary>
    /// The weights of one attention layer, converted to F32 and laid out as the layer's declared
    /// <see cref="StaticAttention.Projections"/> wants them. Matrices are PyTorch <c>nn.Linear</c> layout <c>[out, in]</c>,
    /// row-major. Arrays a layer does not use are empty.
    /// </summary>
    public sealed class AttentionWeights
    {
        /// <summary>Fused input matrix <c>[(Heads + 2·KvHeads)·HeadDim, ModelDim]</c> (q rows, k rows, v rows); <see cref="Projections.Fused"/> only.</summary>
        public float[] Fused { get; init; } = Array.Empty<float>();

        /// <summary>Fused input bias <c>[(Heads + 2·KvHeads)·HeadDim]</c>.</summary>
        public float[] FusedBias { get; init; } = Array.Empty<float>();

        /// <summary>Query matrix <c>[Heads·HeadDim, QuerySize]</c>; <see cref="Projections.Separate"/> only.</summary>
        public float[] Query { get; init; } = Array.Empty<float>();

        /// <summary>Query bias <c>[Heads·HeadDim]</c>.</summary>
        public float[] QueryBias { get; init; } = Array.Empty<float>();

        /// <summary>Key matrix <c>[KvHeads·HeadDim, KeySize]</c>; <see cref="Projections.Separate"/> only.</summary>
        public float[] Key { get; init; } = Array.Empty<float>();

        /// <summary>Key bias <c>[KvHeads·HeadDim]</c>.</summary>
        public float[] KeyBias { get; init; } = Array.Empty<float>();

        /// <summary>Value matrix <c>[KvHeads·HeadDim, ValueSize]</c>; <see cref="Projections.Separate"/> only.</summary>
        public float[] Value { get; init; } = Array.Empty<float>();

        /// <summary>Value bias <c>[KvHeads·HeadDim]</c>.</summary>
        public float[] ValueBias { get; init; } = Array.Empty<float>();

        /// <summary>Output matrix <c>[ModelDim, Heads·HeadDim]</c>; absent for <see cref="Projections.None"/>.</summary>
        public float[] Output { get; init; } = Array.Empty<float>();

        /// <summary>Output bias <c>[ModelDim]</c>.</summary>
        public float[] OutputBias { get; init; } = Array.Empty<float>();

        /// <summary>Relative position bias table <c>[2·Tokens-1, Heads]</c>.</summary>
        public float[] RelativePositionBiasTable { get; init; } = Array.Empty<float>();

        /// <summary>The naming convention detected in the checkpoint: "timm", "torch", "d2l", "wq-fc", "hf", "clip", "bert" or "gpt2".</summary>
        public string Convention { get; init; } = "";

        /// <summary>
        /// Reads the layer's tensors under <paramref name="prefix"/> from a safetensors checkpoint, detects the naming
        /// convention, checks every shape and converts to F32. <paramref name="path"/> is a <c>.safetensors</c> file, a sharded
        /// checkpoint's index (<c>model.safetensors.index.json</c>), or a folder holding either (see <see cref="SafetensorsCheckpoint.Open"/>).
        /// </summary>
        /// <exception cref="FileNotFoundException">The file, or a shard the layer needs, does not exist.</exception>
        /// <exception cref="InvalidDataException">The file is malformed, or a tensor is missing, unexpected or has the wrong shape or dtype.</exception>
        public static AttentionWeights Load(string path, string prefix, AttentionLayerSpec spec)
        {
            ArgumentNullException.ThrowIfNull(prefix);
            ArgumentNullException.ThrowIfNull(spec);
            using SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.Open(path);
            return Load(checkpoint, prefix, spec);
        }

        /// <summary>As <see cref="Load(string, string, AttentionLayerSpec)"/>, from a stream (read to its end).</summary>
        public static AttentionWeights Load(Stream stream, string prefix, AttentionLayerSpec spec)
        {
            ArgumentNullException.ThrowIfNull(prefix);
            ArgumentNullException.ThrowIfNull(spec);
            using SafetensorsFile file = SafetensorsFile.Read(stream);
            return Load(file, prefix, spec);
        }

        /// <summary>As <see cref="Load(string, string, AttentionLayerSpec)"/>, from an open file (which stays open).</summary>
        public static AttentionWeights Load(SafetensorsFile file, string prefix, AttentionLayerSpec spec)
        {
            ArgumentNullException.ThrowIfNull(file);
            ArgumentNullException.ThrowIfNull(prefix);
            ArgumentNullException.ThrowIfNull(spec);
            using SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.ForFile("", file, ownsFile: false);
            return new AttentionWeightsLoader(checkpoint, prefix, spec).Load();
        }

        /// <summary>
        /// As <see cref="Load(string, string, AttentionLayerSpec)"/>, from an opened checkpoint (which stays open): the layers of a
        /// model read their tensors from shards mapped once.
        /// </summary>
        /// <exception cref="FileNotFoundException">A shard the layer needs does not exist.</exception>
        /// <exception cref="InvalidDataException">A shard is malformed or lacks a tensor its index lists, or a tensor is missing, unexpected or has the wrong shape or dtype.</exception>
        public static AttentionWeights Load(SafetensorsCheckpoint checkpoint, string prefix, AttentionLayerSpec spec)
        {
            ArgumentNullException.ThrowIfNull(checkpoint);
            ArgumentNullException.ThrowIfNull(prefix);
            ArgumentNullException.ThrowIfNull(spec);
            return new AttentionWeightsLoader(checkpoint, prefix, spec).Load();
        }
    }
}
