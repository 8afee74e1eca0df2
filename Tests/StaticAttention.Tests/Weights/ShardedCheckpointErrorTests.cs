using StaticAttention.Weights;
using static StaticAttention.Tests.Weights.CheckpointFiles;

namespace StaticAttention.Tests.Weights;

/// <summary>Broken sharded checkpoints: each error names the file and the tensor, as the other loader errors do.</summary>
public sealed class ShardedCheckpointErrorTests : IDisposable
{
    private const string Prefix = "model.layers.0.self_attn.";

    private readonly TempFolder _folder = new();
    private readonly List<(string Name, int[] Shape, float[] Data)> _layer = HfLayer(ShardedGqa.Spec, Prefix, new Random(3));

    public void Dispose() => _folder.Dispose();

    /// <summary>Query and output in shard 0, key and value (and biases) in shard 1.</summary>
    private static int ShardOf(string name) => name.Contains("q_proj", StringComparison.Ordinal) || name.Contains("o_proj", StringComparison.Ordinal) ? 0 : 1;

    private string WriteSharded() => CheckpointFiles.WriteSharded(_folder.Path, _layer, 2, ShardOf);

    private static void AssertContains(Exception e, params string[] parts)
    {
        foreach (string part in parts) Assert.Contains(part, e.Message);
    }

    [Fact]
    public void MissingShardIsFileNotFoundNamingShardAndTensor()
    {
        string index = WriteSharded();
        string shard = _folder.File(ShardName(1, 2));
        File.Delete(shard);

        var e = Assert.Throws<FileNotFoundException>(() => ShardedGqa.Load(index, Prefix));

        Assert.Equal(shard, e.FileName);
        AssertContains(e, shard, index, $"'{Prefix}k_proj.weight'", "does not exist");
    }

    [Fact]
    public void ShardLackingAListedTensorNamesBoth()
    {
        string index = WriteSharded();
        var map = _layer.ToDictionary(t => t.Name, t => ShardName(ShardOf(t.Name), 2));
        map[Prefix + "v_proj.weight"] = ShardName(0, 2);
        WriteIndex(index, map);

        var e = Assert.Throws<InvalidDataException>(() => ShardedGqa.Load(index, Prefix));

        AssertContains(e, $"'{Prefix}v_proj.weight'", index, _folder.File(ShardName(0, 2)), "does not hold it", $"'{Prefix}q_proj.weight'");
    }

    [Fact]
    public void MalformedShardNamesShardAndTensor()
    {
        string index = WriteSharded();
        File.WriteAllBytes(_folder.File(ShardName(0, 2)), SafetensorsBytes.WithLength(1000, [(byte)'{', (byte)'}']));

        var e = Assert.Throws<InvalidDataException>(() => ShardedGqa.Load(index, Prefix));

        AssertContains(e, _folder.File(ShardName(0, 2)), $"'{Prefix}q_proj.weight'", "malformed", "header length 1000");
    }

    [Theory]
    [InlineData("{\"weight_map\": {\"a\": \"x.safetensors\"", "not valid JSON")]
    [InlineData("[1, 2]", "must be a JSON object, found Array")]
    [InlineData("{\"metadata\": {}}", "no 'weight_map'")]
    [InlineData("{\"weight_map\": [\"x.safetensors\"]}", "'weight_map' must be an object, found Array")]
    [InlineData("{\"weight_map\": {\"model.norm.weight\": 3}}", "tensor 'model.norm.weight' must map to a shard file name, found Number")]
    [InlineData("{\"weight_map\": {\"a\": \"x.safetensors\", \"a\": \"y.safetensors\"}}", "lists tensor 'a' more than once")]
    [InlineData("{\"weight_map\": {\"a\": \"../x.safetensors\"}}", "tensor 'a' maps to '../x.safetensors', outside the index's folder")]
    [InlineData("{\"weight_map\": {\"a\": \"/etc/x.safetensors\"}}", "tensor 'a' maps to '/etc/x.safetensors', which is not a relative file name")]
    [InlineData("{\"weight_map\": {\"a\": \"\"}}", "which is not a relative file name")]
    [InlineData("{\"weight_map\": {\"\\ud800\": \"x.safetensors\"}}", "not valid UTF-16")]
    public void MalformedIndexIsInvalidDataNamingTheIndex(string json, string message)
    {
        string index = _folder.File(SafetensorsCheckpoint.IndexFileName);
        File.WriteAllText(index, json);

        var e = Assert.Throws<InvalidDataException>(() => SafetensorsCheckpoint.Open(index));

        AssertContains(e, $"'{index}'", message);
        Assert.Throws<InvalidDataException>(() => ShardedGqa.Load(index, Prefix));
    }

    [Fact]
    public void TensorNotInTheIndexIsMissingWithTheNamesListed()
    {
        string index = WriteSharded();
        using var checkpoint = SafetensorsCheckpoint.Open(index);

        var e = Assert.Throws<InvalidDataException>(() => checkpoint.GetTensor("lm_head.weight"));

        AssertContains(e, "'lm_head.weight'", "missing", index, $"lists {_layer.Count} tensors", $"'{Prefix}q_proj.weight'");
    }

    [Fact]
    public void LayerTensorMissingFromTheIndexNamesItAndThePrefix()
    {
        string index = WriteSharded();
        WriteIndex(index, _layer.Where(t => !t.Name.EndsWith("o_proj.bias", StringComparison.Ordinal))
            .ToDictionary(t => t.Name, t => ShardName(ShardOf(t.Name), 2)));

        var e = Assert.Throws<InvalidDataException>(() => ShardedGqa.Load(index, Prefix));

        AssertContains(e, $"'{Prefix}o_proj.bias' [16]", "missing", "'ShardedGqa'");
    }

    [Fact]
    public void MissingIndexAndEmptyFolderAreFileNotFound()
    {
        string index = _folder.File(SafetensorsCheckpoint.IndexFileName);
        Assert.Equal(index, Assert.Throws<FileNotFoundException>(() => ShardedGqa.Load(index, Prefix)).FileName);

        var e = Assert.Throws<FileNotFoundException>(() => SafetensorsCheckpoint.Open(_folder.Path));
        AssertContains(e, _folder.Path, SafetensorsCheckpoint.SingleFileName, SafetensorsCheckpoint.IndexFileName);
    }

    [Fact]
    public void DisposedCheckpointRefusesReads()
    {
        var checkpoint = SafetensorsCheckpoint.Open(WriteSharded());
        _ = checkpoint.GetTensor(Prefix + "q_proj.weight");
        checkpoint.Dispose();
        checkpoint.Dispose();

        Assert.Throws<ObjectDisposedException>(() => checkpoint.ReadFloat32(Prefix + "q_proj.weight"));
        Assert.Throws<ObjectDisposedException>(() => ShardedGqa.Load(checkpoint, Prefix));
    }
}
