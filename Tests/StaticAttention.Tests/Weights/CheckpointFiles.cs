using System.Text.Json;
using StaticAttention.Weights;

namespace StaticAttention.Tests.Weights;

/// <summary>Random named tensors, and Hugging Face style sharded checkpoints (an index and its shards) written from them.</summary>
internal static class CheckpointFiles
{
    /// <summary>A tensor of <paramref name="shape"/> with values uniform in [-1, 1).</summary>
    public static (string Name, int[] Shape, float[] Data) Random(string name, Random random, params int[] shape)
    {
        int count = shape.Aggregate(1, (a, b) => a * b);
        var data = new float[count];
        for (int i = 0; i < count; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
        return (name, shape, data);
    }

    /// <summary>The HF attention tensors of <paramref name="spec"/> (separate q/k/v, <c>o_proj</c>) under <paramref name="prefix"/>.</summary>
    public static List<(string Name, int[] Shape, float[] Data)> HfLayer(AttentionLayerSpec spec, string prefix, Random random)
    {
        var tensors = new List<(string, int[], float[])>
        {
            Random(prefix + "q_proj.weight", random, spec.QueryWidth, spec.QuerySize),
            Random(prefix + "k_proj.weight", random, spec.KvWidth, spec.KeySize),
            Random(prefix + "v_proj.weight", random, spec.KvWidth, spec.ValueSize),
            Random(prefix + "o_proj.weight", random, spec.ModelDim, spec.QueryWidth),
        };
        if (spec.QkvBias)
        {
            tensors.Add(Random(prefix + "q_proj.bias", random, spec.QueryWidth));
            tensors.Add(Random(prefix + "k_proj.bias", random, spec.KvWidth));
            tensors.Add(Random(prefix + "v_proj.bias", random, spec.KvWidth));
        }

        if (spec.OutputBias) tensors.Add(Random(prefix + "o_proj.bias", random, spec.ModelDim));
        return tensors;
    }

    /// <summary>The shard file name Hugging Face gives shard <paramref name="shard"/> (from 0) of <paramref name="count"/>.</summary>
    public static string ShardName(int shard, int count) => $"model-{shard + 1:00000}-of-{count:00000}.safetensors";

    /// <summary>
    /// Writes each tensor into shard <c>shardOf(name)</c> of <paramref name="count"/> inside <paramref name="folder"/>, and the
    /// index that lists them; returns the index's path.
    /// </summary>
    public static string WriteSharded(string folder, IReadOnlyList<(string Name, int[] Shape, float[] Data)> tensors, int count, Func<string, int> shardOf)
    {
        var map = new Dictionary<string, string>();
        for (int shard = 0; shard < count; shard++)
        {
            var inShard = tensors.Where(t => shardOf(t.Name) == shard).ToList();
            SafetensorsWriter.Write(Path.Combine(folder, ShardName(shard, count)), inShard);
            foreach (var tensor in inShard) map.Add(tensor.Name, ShardName(shard, count));
        }

        return WriteIndex(Path.Combine(folder, SafetensorsCheckpoint.IndexFileName), map);
    }

    /// <summary>Writes an index with <paramref name="weightMap"/> (tensor name to shard file) and some metadata.</summary>
    public static string WriteIndex(string path, IReadOnlyDictionary<string, string> weightMap)
    {
        File.WriteAllText(path, JsonSerializer.Serialize(new { metadata = new { total_size = 1234, format = "pt" }, weight_map = weightMap }));
        return path;
    }
}
