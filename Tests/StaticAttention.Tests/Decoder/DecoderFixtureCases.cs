using System.Text.Json;
using ILGPU.Runtime;
using StaticAttention.Gpu;
using StaticAttention.Tests.Fixtures;
using StaticAttention.Tests.Layers;
using StaticAttention.Weights;

namespace StaticAttention.Tests.Decoder;

/// <summary>
/// Every case of decoder/cases.json, written once: its generated layer, run on the whole sequence (on the CPU kernels, or
/// after <c>UseAccelerator</c>). The layers load the checkpoint under its HF prefix.
/// </summary>
internal static class DecoderFixtureCases
{
    private const string Prefix = "model.layers.0.self_attn.";

    /// <summary>A whole-sequence run: the fixture, the layer's spec and weights, its input and output.</summary>
    public sealed record Run(FixtureFile Io, AttentionLayerSpec Spec, AttentionWeights Weights, float[] X, float[] Output, int Prefill);

    private static readonly Dictionary<string, Func<Accelerator?, Run>> Cases = new()
    {
        ["llama_rope_gqa"] = a => Whole("llama_rope_gqa", p => LlamaAttention.Load(p, Prefix), LlamaAttention.Spec, a, (l, acc) => l.UseAccelerator(acc), l => l.Weights, (l, x, o) => l.Forward(x, o)),
        ["qwen2_rope_bias"] = a => Whole("qwen2_rope_bias", p => Qwen2Attention.Load(p, Prefix), Qwen2Attention.Spec, a, (l, acc) => l.UseAccelerator(acc), l => l.Weights, (l, x, o) => l.Forward(x, o)),
        ["gptj_interleaved_partial"] = a => Whole("gptj_interleaved_partial", p => GptJAttention.Load(p, Prefix), GptJAttention.Spec, a, (l, acc) => l.UseAccelerator(acc), l => l.Weights, (l, x, o) => l.Forward(x, o)),
        ["mistral_sliding_window"] = a => Whole("mistral_sliding_window", p => MistralAttention.Load(p, Prefix), MistralAttention.Spec, a, (l, acc) => l.UseAccelerator(acc), l => l.Weights, (l, x, o) => l.Forward(x, o)),
        ["gemma2_softcap"] = a => Whole("gemma2_softcap", p => Gemma2Attention.Load(p, Prefix), Gemma2Attention.Spec, a, (l, acc) => l.UseAccelerator(acc), l => l.Weights, (l, x, o) => l.Forward(x, o)),
        ["bloom_alibi"] = a => Whole("bloom_alibi", p => BloomAttention.Load(p, Prefix), BloomAttention.Spec, a, (l, acc) => l.UseAccelerator(acc), l => l.Weights, (l, x, o) => l.Forward(x, o)),
    };

    /// <summary>The case names, for <c>[MemberData]</c>.</summary>
    public static TheoryData<string> Names => new(Cases.Keys);

    /// <summary>Runs one case on the whole sequence; on <paramref name="accelerator"/> when given.</summary>
    public static Run Execute(string name, Accelerator? accelerator = null) => Cases[name](accelerator);

    /// <summary>The case's <c>prefill</c> length from cases.json.</summary>
    public static int Prefill(string name) => Config(name).GetProperty("prefill").GetInt32();

    /// <summary>The case's <c>config</c> object from cases.json.</summary>
    public static JsonElement Config(string name)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(FixtureFiles.PathOf("decoder/cases.json")));
        foreach (JsonElement item in document.RootElement.EnumerateArray())
        {
            if (item.GetProperty("name").GetString() == name) return item.GetProperty("config").Clone();
        }
        throw new ArgumentException($"No decoder case named {name}.", nameof(name));
    }

    /// <summary>The fixture's io file.</summary>
    public static FixtureFile Io(string name) => new("decoder/" + name + ".io.safetensors");

    /// <summary>The path of the fixture's checkpoint.</summary>
    public static string WeightsPath(string name) => FixtureFiles.PathOf("decoder/" + name + ".weights.safetensors");

    private static Run Whole<TLayer>(
        string name, Func<string, TLayer> load, AttentionLayerSpec spec, Accelerator? accelerator,
        Func<TLayer, Accelerator, AcceleratorSession> useAccelerator, Func<TLayer, AttentionWeights> weights, Action<TLayer, float[], float[]> forward)
    {
        FixtureFile io = Io(name);
        TLayer layer = load(WeightsPath(name));
        using AcceleratorSession? session = accelerator is null ? null : useAccelerator(layer, accelerator);
        float[] x = io.F32("x");
        var output = new float[x.Length / spec.QuerySize * spec.ModelDim];
        forward(layer, x, output);
        return new Run(io, spec, weights(layer), x, output, Prefill(name));
    }
}
