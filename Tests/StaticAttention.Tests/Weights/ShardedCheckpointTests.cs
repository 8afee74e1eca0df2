using StaticAttention.Tests.Layers;
using StaticAttention.Weights;
using static StaticAttention.Tests.Weights.CheckpointFiles;

namespace StaticAttention.Tests.Weights;

/// <summary>
/// Sharded and opened checkpoints: a model's layers spread over three shards (q, k and v of one layer in different
/// shards, other layers' and non-attention tensors beside them) load as from one file, each shard mapped once.
/// </summary>
public sealed class ShardedCheckpointTests : IDisposable
{
    private const string Layer0 = "model.layers.0.self_attn.";
    private const string Layer1 = "model.layers.1.self_attn.";

    private readonly TempFolder _folder = new();
    private readonly List<(string Name, int[] Shape, float[] Data)> _tensors;

    public ShardedCheckpointTests()
    {
        var random = new Random(17);
        _tensors =
        [
            Random("model.embed_tokens.weight", random, 11, 16),
            .. HfLayer(ShardedGqa.Spec, Layer0, random),
            Random("model.layers.0.input_layernorm.weight", random, 16),
            Random("model.layers.0.mlp.up_proj.weight", random, 32, 16),
            .. HfLayer(ShardedGqa.Spec, Layer1, random),
            Random("model.layers.1.mlp.up_proj.weight", random, 32, 16),
            Random("model.norm.weight", random, 16),
        ];
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>
    /// Shard 0: embeddings, layer 0's query and output. Shard 1: layer 0's key and value, its norm and MLP. Shard 2: layer 1
    /// and the final norm. So layer 0 needs shards 0 and 1, and layer 1 only shard 2.
    /// </summary>
    private static int ShardOf(string name) => name switch
    {
        _ when name.StartsWith("model.embed", StringComparison.Ordinal) => 0,
        _ when name.StartsWith(Layer0 + "q_proj", StringComparison.Ordinal) || name.StartsWith(Layer0 + "o_proj", StringComparison.Ordinal) => 0,
        _ when name.StartsWith("model.layers.0.", StringComparison.Ordinal) => 1,
        _ => 2,
    };

    private string WriteSharded() => CheckpointFiles.WriteSharded(_folder.Path, _tensors, 3, ShardOf);

    private string WriteSingle(string name = SafetensorsCheckpoint.SingleFileName)
    {
        string path = _folder.File(name);
        SafetensorsWriter.Write(path, _tensors);
        return path;
    }

    private static float[] Run(ShardedGqa layer, LayerInputs io)
    {
        layer.Forward(io.Query, io.Output);
        return io.Output.ToArray();
    }

    private static void AssertSameWeights(AttentionWeights expected, AttentionWeights actual)
    {
        Assert.Equal(expected.Convention, actual.Convention);
        Assert.Equal(expected.Query, actual.Query);
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.Value, actual.Value);
        Assert.Equal(expected.QueryBias, actual.QueryBias);
        Assert.Equal(expected.KeyBias, actual.KeyBias);
        Assert.Equal(expected.ValueBias, actual.ValueBias);
        Assert.Equal(expected.Output, actual.Output);
        Assert.Equal(expected.OutputBias, actual.OutputBias);
    }

    [Fact]
    public void ShardedLayerEqualsTheSameWeightsFromOneFile()
    {
        string index = WriteSharded();
        string single = WriteSingle("all.safetensors");

        var sharded = ShardedGqa.Load(index, Layer0);
        var whole = ShardedGqa.Load(single, Layer0);

        AssertSameWeights(whole.Weights, sharded.Weights);
        Assert.Equal(_tensors.Single(t => t.Name == Layer0 + "k_proj.weight").Data, sharded.Weights.Key);
        var io = LayerInputs.For(ShardedGqa.Spec, batch: 2, seed: 5);
        float[] fromShards = Run(sharded, io);
        Assert.Equal(Run(whole, io), fromShards);
        io.AssertMatchesReference(sharded.Weights);
    }

    [Fact]
    public void LayersOfOneOpenedCheckpointShareItsShardsMappedOnce()
    {
        using var checkpoint = SafetensorsCheckpoint.Open(WriteSharded());
        Assert.Equal(0, checkpoint.OpenedShardCount);

        var layer0 = ShardedGqa.Load(checkpoint, Layer0);
        Assert.Equal(2, checkpoint.OpenedShardCount);
        SafetensorsFile shard0 = checkpoint.FileOf(Layer0 + "q_proj.weight");
        SafetensorsFile shard1 = checkpoint.FileOf(Layer0 + "k_proj.weight");

        var layer1 = ShardedGqa.Load(checkpoint, Layer1);
        var again = ShardedGqa.Load(checkpoint, Layer0);

        Assert.Equal(3, checkpoint.OpenedShardCount);
        Assert.Same(shard0, checkpoint.FileOf("model.embed_tokens.weight"));
        Assert.Same(shard1, checkpoint.FileOf(Layer0 + "v_proj.weight"));
        Assert.NotSame(shard0, shard1);
        Assert.Equal(_tensors.Single(t => t.Name == Layer1 + "q_proj.weight").Data, layer1.Weights.Query);
        Assert.NotEqual(layer0.Weights.Query, layer1.Weights.Query);
        AssertSameWeights(layer0.Weights, again.Weights);
    }

    [Fact]
    public void ConcurrentLoadsFromOneCheckpointAgree()
    {
        using var checkpoint = SafetensorsCheckpoint.Open(WriteSharded());
        var loaded = new AttentionWeights[16];

        Parallel.For(0, loaded.Length, i => loaded[i] = ShardedGqa.Load(checkpoint, i % 2 == 0 ? Layer0 : Layer1).Weights);

        Assert.Equal(3, checkpoint.OpenedShardCount);
        for (int i = 2; i < loaded.Length; i++) AssertSameWeights(loaded[i % 2], loaded[i]);
    }

    [Fact]
    public void OpenedFileAndFolderLoadLikeThePath()
    {
        string single = WriteSingle();
        var expected = ShardedGqa.Load(single, Layer1).Weights;

        using (SafetensorsFile file = SafetensorsFile.Open(single))
        {
            AssertSameWeights(expected, ShardedGqa.Load(file, Layer1).Weights);
            AssertSameWeights(expected, ShardedGqa.Load(file, Layer1).Weights);
        }

        AssertSameWeights(expected, ShardedGqa.Load(_folder.Path, Layer1).Weights);
        using var checkpoint = SafetensorsCheckpoint.Open(_folder.Path);
        Assert.Equal(single, checkpoint.Path);
        Assert.Equal([single], checkpoint.ShardPaths);
        Assert.Equal(_tensors.Count, checkpoint.TensorNames.Count);
    }

    [Fact]
    public void FolderWithOnlyAnIndexOpensTheIndex()
    {
        string index = WriteSharded();

        using var checkpoint = SafetensorsCheckpoint.Open(_folder.Path);

        Assert.Equal(index, checkpoint.Path);
        Assert.Equal(Enumerable.Range(0, 3).Select(i => _folder.File(ShardName(i, 3))), checkpoint.ShardPaths);
        Assert.Equal(_tensors.Select(t => t.Name).OrderBy(ShardOf), checkpoint.TensorNames);
        Assert.True(checkpoint.Contains("model.norm.weight"));
        Assert.False(checkpoint.Contains("model.norm.bias"));
        Assert.Equal(_tensors.Single(t => t.Name == "model.norm.weight").Data, checkpoint.ReadFloat32("model.norm.weight"));
        Assert.Equal([16], checkpoint.GetTensor("model.norm.weight").Shape);
        Assert.Equal(1, checkpoint.OpenedShardCount);
        AssertSameWeights(ShardedGqa.Load(_folder.Path, Layer0).Weights, ShardedGqa.Load(index, Layer0).Weights);
    }
}
