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

    private static readonly Dictionary<string, Func<IReadOnlyList<int>, float[]>> Decoders = new()
    {
        ["llama_rope_gqa"] = chunks => Decode("llama_rope_gqa", p => LlamaAttention.Load(p, Prefix), LlamaAttention.QuerySize, LlamaAttention.ModelDim, (l, b) => l.CreateCache(b), (l, x, c, o) => l.Forward(x, c, o), chunks),
        ["qwen2_rope_bias"] = chunks => Decode("qwen2_rope_bias", p => Qwen2Attention.Load(p, Prefix), Qwen2Attention.QuerySize, Qwen2Attention.ModelDim, (l, b) => l.CreateCache(b), (l, x, c, o) => l.Forward(x, c, o), chunks),
        ["gptj_interleaved_partial"] = chunks => Decode("gptj_interleaved_partial", p => GptJAttention.Load(p, Prefix), GptJAttention.QuerySize, GptJAttention.ModelDim, (l, b) => l.CreateCache(b), (l, x, c, o) => l.Forward(x, c, o), chunks),
        ["mistral_sliding_window"] = chunks => Decode("mistral_sliding_window", p => MistralAttention.Load(p, Prefix), MistralAttention.QuerySize, MistralAttention.ModelDim, (l, b) => l.CreateCache(b), (l, x, c, o) => l.Forward(x, c, o), chunks),
        ["gemma2_softcap"] = chunks => Decode("gemma2_softcap", p => Gemma2Attention.Load(p, Prefix), Gemma2Attention.QuerySize, Gemma2Attention.ModelDim, (l, b) => l.CreateCache(b), (l, x, c, o) => l.Forward(x, c, o), chunks),
        ["bloom_alibi"] = chunks => Decode("bloom_alibi", p => BloomAttention.Load(p, Prefix), BloomAttention.QuerySize, BloomAttention.ModelDim, (l, b) => l.CreateCache(b), (l, x, c, o) => l.Forward(x, c, o), chunks),
    };

    /// <summary>
    /// Decodes one case with its layer's cache, <paramref name="chunks"/> tokens per call (summing to the sequence), and
    /// returns the rows [batch, tokens, ModelDim] put back together.
    /// </summary>
    public static float[] Decoded(string name, IReadOnlyList<int> chunks) => Decoders[name](chunks);

    /// <summary>The contract's decoding: the case's <c>prefill</c> tokens at once, then one token at a time.</summary>
    public static int[] PrefillThenSingles(string name)
    {
        int tokens = Io(name).Shape("x")[1], prefill = Prefill(name);
        return [prefill, .. Enumerable.Repeat(1, tokens - prefill)];
    }

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

    private static float[] Decode<TLayer, TCache>(
        string name, Func<string, TLayer> load, int querySize, int modelDim, Func<TLayer, int, TCache> createCache,
        Forward<TLayer, TCache> forward, IReadOnlyList<int> chunks)
        where TCache : KeyValueCache
    {
        FixtureFile io = Io(name);
        TLayer layer = load(WeightsPath(name));
        float[] x = io.F32("x");
        IReadOnlyList<int> shape = io.Shape("x");
        int batch = shape[0], tokens = shape[1];
        var output = new float[batch * tokens * modelDim];
        using TCache cache = createCache(layer, batch);
        int start = 0;
        foreach (int n in chunks)
        {
            // The chunk [batch, n, QuerySize]: tokens start .. start + n - 1 of every sequence.
            var chunk = new float[batch * n * querySize];
            for (int b = 0; b < batch; b++)
                Array.Copy(x, (b * tokens + start) * querySize, chunk, b * n * querySize, n * querySize);
            var rows = new float[batch * n * modelDim];
            forward(layer, chunk, cache, rows);
            for (int b = 0; b < batch; b++)
                Array.Copy(rows, b * n * modelDim, output, (b * tokens + start) * modelDim, n * modelDim);
            start += n;
            Assert.Equal(start, cache.Length);
        }
        Assert.Equal(tokens, start);
        return output;
    }

    /// <summary>A layer's cached <c>Forward</c>.</summary>
    public delegate void Forward<TLayer, TCache>(TLayer layer, ReadOnlySpan<float> x, TCache cache, Span<float> output);

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
