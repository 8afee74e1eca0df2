using System.Diagnostics;
using StaticAttention.Sample;

// StaticAttention sample: the three reference layers, each loaded from a safetensors checkpoint and run on a batch, then a
// Llama-style decoder layer run on a whole sequence and decoded token by token with its key/value cache.
//   dotnet run --project Samples/StaticAttention.Sample                 (writes its own small checkpoints)
//   dotnet run --project Samples/StaticAttention.Sample -- PATH PREFIX  (loads the temporal layer from a real checkpoint)

string directory = Path.Combine(Path.GetTempPath(), "staticattention-sample");
Directory.CreateDirectory(directory);

if (args.Length >= 1)
{
    string prefix = args.Length >= 2 ? args[1] : "";
    Console.WriteLine($"Loading TemporalAttention from {args[0]} (prefix '{prefix}')");
    RunTemporal(TemporalAttention.Load(args[0], prefix));
    return;
}

RunTemporal(TemporalAttention.Load(Checkpoints.WriteTemporal(directory)));
RunD2l(D2lAttention.Load(Checkpoints.WriteD2l(directory)));
RunClassic(ClassicAttention.Load(Checkpoints.WriteClassic(directory)));
RunDecoder(LlamaStyleAttention.Load(Checkpoints.WriteLlamaStyle(directory), "model.layers.0.self_attn."));

static void RunTemporal(TemporalAttention layer)
{
    const int batch = 196; // the 14×14 patches of one clip: x is (batch·patches, T, C)
    float[] x = Inputs.Random(batch * TemporalAttention.Tokens * TemporalAttention.ModelDim, seed: 10);
    var output = new float[batch * TemporalAttention.Tokens * TemporalAttention.ModelDim];
    double ms = Timing.MillisecondsPerCall(() => layer.Forward(x, output));
    Report.Print("TemporalAttention (AIM / TimeSformer temporal attention)", layer.Weights.Convention,
        $"x [{batch}, {TemporalAttention.Tokens}, {TemporalAttention.ModelDim}]",
        $"output [{batch}, {TemporalAttention.Tokens}, {TemporalAttention.ModelDim}]", output, ms);
}

static void RunD2l(D2lAttention layer)
{
    const int batch = 4;
    float[] query = Inputs.Random(batch * D2lAttention.QueryTokens * D2lAttention.QuerySize, seed: 11);
    float[] key = Inputs.Random(batch * D2lAttention.KeyTokens * D2lAttention.KeySize, seed: 12);
    float[] value = Inputs.Random(batch * D2lAttention.KeyTokens * D2lAttention.ValueSize, seed: 13);
    int[] validLengths = [3, 12, 0, 7];
    var output = new float[batch * D2lAttention.QueryTokens * D2lAttention.ModelDim];
    double ms = Timing.MillisecondsPerCall(() => layer.Forward(query, key, value, validLengths, output));
    Report.Print("D2lAttention (d2l MultiHeadAttention)", layer.Weights.Convention,
        $"query [{batch}, {D2lAttention.QueryTokens}, {D2lAttention.QuerySize}], key [{batch}, {D2lAttention.KeyTokens}, {D2lAttention.KeySize}], " +
        $"value [{batch}, {D2lAttention.KeyTokens}, {D2lAttention.ValueSize}], validLengths [{batch}]",
        $"output [{batch}, {D2lAttention.QueryTokens}, {D2lAttention.ModelDim}]", output, ms);
}

static void RunClassic(ClassicAttention layer)
{
    const int batch = 4;
    const int n = ClassicAttention.QueryTokens;
    float[] x = Inputs.Random(batch * n * ClassicAttention.ModelDim, seed: 14);
    var mask = new bool[batch * n * n];
    for (int b = 0; b < batch; b++)
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                mask[(b * n + i) * n + j] = j <= i; // a causal keep-mask, written out
    var output = new float[batch * n * ClassicAttention.ModelDim];
    var weights = new float[batch * ClassicAttention.Heads * n * n];
    double ms = Timing.MillisecondsPerCall(() => layer.Forward(x, x, x, mask, output, weights));
    Report.Print("ClassicAttention (the classic Wq/Wk/Wv/fc multi-head attention)", layer.Weights.Convention,
        $"query = key = value [{batch}, {n}, {ClassicAttention.ModelDim}], mask [{batch}, {n}, {n}]",
        $"output [{batch}, {n}, {ClassicAttention.ModelDim}], weights [{batch}, {ClassicAttention.Heads}, {n}, {n}]", output, ms);
}

static void RunDecoder(LlamaStyleAttention layer)
{
    const int batch = 2, prompt = 12, tokens = LlamaStyleAttention.Tokens, c = LlamaStyleAttention.ModelDim;
    float[] x = Inputs.Random(batch * tokens * c, seed: 15);

    // The whole sequence at once (positions 0..31, causal) ...
    var whole = new float[batch * tokens * c];
    layer.Forward(x, whole);

    // ... and decoded: the 12-token prompt, then one token at a time, through the layer's cache.
    using LlamaStyleAttention.Cache cache = layer.CreateCache(batch);
    var decoded = new float[batch * tokens * c];
    int start = 0;
    double stepMs = 0;
    foreach (int n in new[] { prompt }.Concat(Enumerable.Repeat(1, tokens - prompt)))
    {
        float[] chunk = new float[batch * n * c], rows = new float[batch * n * c];
        for (int b = 0; b < batch; b++) Array.Copy(x, (b * tokens + start) * c, chunk, b * n * c, n * c);
        var watch = Stopwatch.StartNew();
        layer.Forward(chunk, cache, rows);
        if (n == 1) stepMs += watch.Elapsed.TotalMilliseconds;
        for (int b = 0; b < batch; b++) Array.Copy(rows, b * n * c, decoded, (b * tokens + start) * c, n * c);
        start += n;
    }

    float largest = 0, difference = 0;
    for (int i = 0; i < whole.Length; i++)
    {
        largest = Math.Max(largest, Math.Abs(whole[i]));
        difference = Math.Max(difference, Math.Abs(whole[i] - decoded[i]));
    }
    Report.Print("LlamaStyleAttention (a Llama-style decoder layer: GQA, rotary, causal, key/value cache)", layer.Weights.Convention,
        $"x [{batch}, {tokens}, {c}]; decoded as a {prompt}-token prompt, then {tokens - prompt} steps of one token",
        $"output [{batch}, {tokens}, {c}]; decoded rows match the whole-sequence Forward to {difference / largest:E1} (relative); " +
        $"cache {cache.Length}/{cache.Capacity} tokens, {stepMs / (tokens - prompt):F3} ms per decode step", whole,
        Timing.MillisecondsPerCall(() => layer.Forward(x, whole)));
}

internal static class Inputs
{
    public static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        var data = new float[count];
        for (int i = 0; i < count; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
        return data;
    }
}

internal static class Timing
{
    /// <summary>Median milliseconds per call after one second of warm-up.</summary>
    public static double MillisecondsPerCall(Action call)
    {
        var warmUp = Stopwatch.StartNew();
        do call(); while (warmUp.ElapsedMilliseconds < 1000);
        var samples = new double[5];
        for (int s = 0; s < samples.Length; s++)
        {
            var watch = Stopwatch.StartNew();
            call();
            samples[s] = watch.Elapsed.TotalMilliseconds;
        }
        Array.Sort(samples);
        return samples[samples.Length / 2];
    }
}

internal static class Report
{
    public static void Print(string layer, string convention, string inputs, string outputs, float[] output, double ms)
    {
        double sum = 0, abs = 0;
        foreach (float v in output) { sum += v; abs += Math.Abs(v); }
        Console.WriteLine(layer);
        Console.WriteLine($"  weights:  {convention} names");
        Console.WriteLine($"  inputs:   {inputs}");
        Console.WriteLine($"  outputs:  {outputs}");
        Console.WriteLine($"  checksum: sum {sum:F6}, sum|.| {abs:F6}");
        Console.WriteLine($"  time:     {ms:F3} ms per call");
        Console.WriteLine();
    }
}
