using StaticAttention.Tests.Layers;
using StaticAttention.Weights;
using static StaticAttention.Tests.Weights.CheckpointFiles;

namespace StaticAttention.Tests.Weights;

/// <summary>
/// The BERT, CLIP/BART/Whisper and GPT-2 name maps: random weights written under those names load into the same
/// <see cref="AttentionWeights"/> and the same layer output as the same weights under the HF or timm names.
/// </summary>
public sealed class NameMapTests
{
    private const int Width = 8;

    private static (string Name, int[] Shape, float[] Data) Renamed((string Name, int[] Shape, float[] Data) tensor, string name)
        => (name, tensor.Shape, tensor.Data);

    private static MemoryStream Write(IEnumerable<(string Name, int[] Shape, float[] Data)> tensors)
    {
        var stream = new MemoryStream();
        SafetensorsWriter.Write(stream, tensors);
        stream.Position = 0;
        return stream;
    }

    /// <summary>A separate-projection layer's random HF tensors (no prefix), by their HF names.</summary>
    private static Dictionary<string, (string Name, int[] Shape, float[] Data)> HfTensors(int seed)
        => HfLayer(SeparateWithBiases.Spec, "", new Random(seed)).ToDictionary(t => t.Name);

    private static void AssertSameWeights(AttentionWeights expected, AttentionWeights actual)
    {
        Assert.Equal(expected.Fused, actual.Fused);
        Assert.Equal(expected.FusedBias, actual.FusedBias);
        Assert.Equal(expected.Query, actual.Query);
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.Value, actual.Value);
        Assert.Equal(expected.QueryBias, actual.QueryBias);
        Assert.Equal(expected.KeyBias, actual.KeyBias);
        Assert.Equal(expected.ValueBias, actual.ValueBias);
        Assert.Equal(expected.Output, actual.Output);
        Assert.Equal(expected.OutputBias, actual.OutputBias);
    }

    private static void AssertSameOutput(SeparateWithBiases expected, SeparateWithBiases actual)
    {
        var io = LayerInputs.For(SeparateWithBiases.Spec, batch: 2, seed: 8);
        expected.Forward(io.Query, io.Output);
        float[] reference = io.Output.ToArray();
        actual.Forward(io.Query, io.Output);
        Assert.Equal(reference, io.Output);
        io.AssertMatchesReference(actual.Weights);
    }

    [Fact]
    public void BertSelfAttentionAndOutputDenseIgnoringItsLayerNorm()
    {
        const string prefix = "encoder.layer.0.attention.";
        var hf = HfTensors(1);
        var random = new Random(2);
        var bert = new List<(string Name, int[] Shape, float[] Data)>
        {
            Random("embeddings.word_embeddings.weight", random, 5, Width),
            Renamed(hf["q_proj.weight"], prefix + "self.query.weight"), Renamed(hf["q_proj.bias"], prefix + "self.query.bias"),
            Renamed(hf["k_proj.weight"], prefix + "self.key.weight"), Renamed(hf["k_proj.bias"], prefix + "self.key.bias"),
            Renamed(hf["v_proj.weight"], prefix + "self.value.weight"), Renamed(hf["v_proj.bias"], prefix + "self.value.bias"),
            Renamed(hf["o_proj.weight"], prefix + "output.dense.weight"), Renamed(hf["o_proj.bias"], prefix + "output.dense.bias"),
            Random(prefix + "output.LayerNorm.weight", random, Width), Random(prefix + "output.LayerNorm.bias", random, Width),
            Random("encoder.layer.0.intermediate.dense.weight", random, 32, Width),
            Random("encoder.layer.0.output.dense.weight", random, Width, 32),
        };

        var expected = SeparateWithBiases.Load(Write(hf.Values));
        var layer = SeparateWithBiases.Load(Write(bert), prefix);

        Assert.Equal("bert", layer.Weights.Convention);
        AssertSameWeights(expected.Weights, layer.Weights);
        AssertSameOutput(expected, layer);
    }

    [Fact]
    public void ClipAndBartOutProjWithAllBiases()
    {
        const string prefix = "vision_model.encoder.layers.0.self_attn.";
        var hf = HfTensors(3);
        var clip = hf.Values.Select(t => Renamed(t, prefix + t.Name.Replace("o_proj", "out_proj", StringComparison.Ordinal)))
            .Append(Random("vision_model.encoder.layers.0.layer_norm1.weight", new Random(4), Width));

        var expected = SeparateWithBiases.Load(Write(hf.Values));
        var layer = SeparateWithBiases.Load(Write(clip), prefix);

        Assert.Equal("clip", layer.Weights.Convention);
        AssertSameWeights(expected.Weights, layer.Weights);
        AssertSameOutput(expected, layer);
    }

    [Fact]
    public void WhisperKeyWithoutBiasLoadsAZeroKeyBias()
    {
        var hf = HfTensors(5);
        hf["k_proj.bias"] = ("k_proj.bias", [Width], new float[Width]);
        var whisper = hf.Values.Where(t => t.Name != "k_proj.bias")
            .Select(t => Renamed(t, t.Name.Replace("o_proj", "out_proj", StringComparison.Ordinal)));

        var expected = SeparateWithBiases.Load(Write(hf.Values));
        var layer = SeparateWithBiases.Load(Write(whisper));

        Assert.Equal("clip", layer.Weights.Convention);
        Assert.Equal(new float[Width], layer.Weights.KeyBias);
        AssertSameWeights(expected.Weights, layer.Weights);
        AssertSameOutput(expected, layer);
    }

    [Fact]
    public void WhisperQueryBiasIsStillRequired()
    {
        var clip = HfTensors(6).Values.Where(t => t.Name != "q_proj.bias")
            .Select(t => Renamed(t, t.Name.Replace("o_proj", "out_proj", StringComparison.Ordinal)));

        var e = Assert.Throws<InvalidDataException>(() => SeparateWithBiases.Load(Write(clip)));

        Assert.Contains("Tensor 'q_proj.bias' [8] needed by layer 'SeparateWithBiases' is missing", e.Message);
    }

    [Fact]
    public void HfKeyBiasIsNotOptional()
    {
        var llama = HfTensors(7).Values.Where(t => t.Name != "k_proj.bias");

        var e = Assert.Throws<InvalidDataException>(() => SeparateWithBiases.Load(Write(llama)));

        Assert.Contains("Tensor 'k_proj.bias' [8] needed by layer 'SeparateWithBiases' is missing", e.Message);
    }

    [Fact]
    public void OutProjBesideOProjMixesConventions()
    {
        var hf = HfTensors(9);
        var both = hf.Values.Append(Renamed(hf["o_proj.weight"], "out_proj.weight"));

        var e = Assert.Throws<InvalidDataException>(() => SeparateWithBiases.Load(Write(both)));

        Assert.Contains("mix naming conventions", e.Message);
        Assert.Contains("hf (qkv_proj.weight or q_proj.weight/k_proj.weight/v_proj.weight, o_proj.weight)", e.Message);
        Assert.Contains("clip (q_proj.weight/k_proj.weight/v_proj.weight, out_proj.weight)", e.Message);
    }

    /// <summary>GPT-2's tensors for <see cref="FusedCausalWithBiases"/>: <c>Conv1D</c> matrices <c>[in, out]</c> and the causal buffers.</summary>
    private static List<(string Name, int[] Shape, float[] Data)> Gpt2Block(string prefix, Random random) =>
    [
        Random(prefix + "c_attn.weight", random, Width, 3 * Width), Random(prefix + "c_attn.bias", random, 3 * Width),
        Random(prefix + "c_proj.weight", random, Width, Width), Random(prefix + "c_proj.bias", random, Width),
        (prefix + "bias", [1, 1, 4, 4], Enumerable.Range(0, 16).Select(i => i % 4 <= i / 4 ? 1f : 0f).ToArray()),
        (prefix + "masked_bias", [], [-1e4f]),
        Random("h.0.mlp.c_proj.weight", random, 32, Width),
    ];

    /// <summary><paramref name="matrix"/> <c>[rows, columns]</c> transposed, by index arithmetic independent of the loader.</summary>
    private static float[] Transpose(float[] matrix, int rows, int columns)
    {
        var result = new float[matrix.Length];
        for (int i = 0; i < matrix.Length; i++) result[(i % columns) * rows + i / columns] = matrix[i];
        return result;
    }

    [Fact]
    public void Gpt2Conv1DWeightsAreTransposedAndItsBuffersIgnored()
    {
        const string prefix = "h.0.attn.";
        var gpt2 = Gpt2Block(prefix, new Random(11)).ToDictionary(t => t.Name);
        var timm = new List<(string Name, int[] Shape, float[] Data)>
        {
            ("qkv.weight", [3 * Width, Width], Transpose(gpt2[prefix + "c_attn.weight"].Data, Width, 3 * Width)),
            Renamed(gpt2[prefix + "c_attn.bias"], "qkv.bias"),
            ("proj.weight", [Width, Width], Transpose(gpt2[prefix + "c_proj.weight"].Data, Width, Width)),
            Renamed(gpt2[prefix + "c_proj.bias"], "proj.bias"),
        };

        var expected = FusedCausalWithBiases.Load(Write(timm));
        var layer = FusedCausalWithBiases.Load(Write(gpt2.Values), prefix);

        Assert.Equal("gpt2", layer.Weights.Convention);
        AssertSameWeights(expected.Weights, layer.Weights);
        // Row r of the fused matrix is column r of c_attn: q rows, then k, then v.
        float[] cAttn = gpt2[prefix + "c_attn.weight"].Data;
        Assert.Equal(cAttn[3 * 3 * Width + Width + 2], layer.Weights.Fused[(Width + 2) * Width + 3]);
        var io = LayerInputs.For(FusedCausalWithBiases.Spec, batch: 2, seed: 12);
        expected.Forward(io.Query, io.Output);
        float[] reference = io.Output.ToArray();
        layer.Forward(io.Query, io.Output);
        Assert.Equal(reference, io.Output);
        io.AssertMatchesReference(layer.Weights);
    }

    [Fact]
    public void Gpt2SplitsIntoSeparateProjections()
    {
        var gpt2 = Gpt2Block("", new Random(13)).ToDictionary(t => t.Name);
        float[] fused = Transpose(gpt2["c_attn.weight"].Data, Width, 3 * Width);
        float[] bias = gpt2["c_attn.bias"].Data;

        var layer = SeparateWithBiases.Load(Write(gpt2.Values));

        Assert.Equal(fused[..(Width * Width)], layer.Weights.Query);
        Assert.Equal(fused[(Width * Width)..(2 * Width * Width)], layer.Weights.Key);
        Assert.Equal(fused[(2 * Width * Width)..], layer.Weights.Value);
        Assert.Equal(bias[Width..(2 * Width)], layer.Weights.KeyBias);
        Assert.Equal(Transpose(gpt2["c_proj.weight"].Data, Width, Width), layer.Weights.Output);
    }

    [Fact]
    public void Gpt2WrongShapeSaysConv1DIsStoredInOut()
    {
        var gpt2 = Gpt2Block("", new Random(14));
        gpt2[0] = Random("c_attn.weight", new Random(15), 3 * Width, Width);

        var e = Assert.Throws<InvalidDataException>(() => FusedCausalWithBiases.Load(Write(gpt2)));

        Assert.Equal(
            "Tensor 'c_attn.weight' has shape [24, 8] but layer 'FusedCausalWithBiases' expects [8, 24] (Conv1D weights are stored [in, out]).",
            e.Message);
    }
}
