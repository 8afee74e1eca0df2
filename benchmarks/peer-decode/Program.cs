// libtorch's eager decode step (through TorchSharp), the peer of the benchmark app's decode_llama1b and prefill_llama1b:
// one Llama-3.2-1B attention layer (C 2048, 32 heads, 8 KV heads, head dim 64, rotate-half rotary, θ 500000, causal), as
// transformers' LlamaAttention runs it in eager mode with a static cache of 1024 tokens.
// Usage: benchmarks/peer-decode/run.sh [--prefill 512] [--block 32] [--warmup S] [--seconds S]
//   decode: batch 1, one new token at positions 512, 513, ..., 512+block-1, then back to 512 (the cache holds 512 tokens
//   before each block, as ours does after its re-prefill), each step timed on its own.
using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

const int C = 2048, Heads = 32, KvHeads = 8, HeadDim = 64, Capacity = 1024;
const double Theta = 500000;
var inv = CultureInfo.InvariantCulture;

int prefill = 512, block = 32;
double warmupSeconds = 1, timedSeconds = 3;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--prefill": prefill = int.Parse(args[++i], inv); break;
        case "--block": block = int.Parse(args[++i], inv); break;
        case "--warmup": warmupSeconds = double.Parse(args[++i], inv); break;
        case "--seconds": timedSeconds = double.Parse(args[++i], inv); break;
        default: Console.Error.WriteLine("usage: [--prefill N] [--block N] [--warmup S] [--seconds S]"); return 2;
    }
}

if (prefill + block > Capacity) { Console.Error.WriteLine($"prefill + block must be at most {Capacity}"); return 2; }

torch.set_grad_enabled(false);
torch.manual_seed(1);
Console.WriteLine($"libtorch threads={torch.get_num_threads()}, TorchSharp {typeof(torch).Assembly.GetName().Version}");

var wq = randn(Heads * HeadDim, C) * 0.02f;
var wk = randn(KvHeads * HeadDim, C) * 0.02f;
var wv = randn(KvHeads * HeadDim, C) * 0.02f;
var wo = randn(C, Heads * HeadDim) * 0.02f;

// The rotary tables for every position, computed once (HF computes them once per model forward, for all layers).
var invFreq = 1.0f / pow(Theta, arange(0, HeadDim, 2, ScalarType.Float32) / HeadDim);
var freqs = outer(arange(0, Capacity, ScalarType.Float32), invFreq);
var emb = cat([freqs, freqs], -1);
var cosTable = emb.cos();
var sinTable = emb.sin();

// HF's static cache: [batch, kv heads, capacity, head dim], the first `prefill` tokens filled.
var keyCache = zeros(1, KvHeads, Capacity, HeadDim);
var valueCache = zeros(1, KvHeads, Capacity, HeadDim);
keyCache.narrow(2, 0, prefill).copy_(randn(1, KvHeads, prefill, HeadDim));
valueCache.narrow(2, 0, prefill).copy_(randn(1, KvHeads, prefill, HeadDim));

var x = randn(1, 1, C);

static Tensor RotateHalf(Tensor t)
{
    long half = t.shape[^1] / 2;
    return cat([-t.narrow(-1, half, half), t.narrow(-1, 0, half)], -1);
}

// One step: x [1, 1, C] at `position`, attending over the cache's first position + 1 tokens.
Tensor Step(Tensor input, int position)
{
    var q = nn.functional.linear(input, wq).view(1, 1, Heads, HeadDim).transpose(1, 2);
    var k = nn.functional.linear(input, wk).view(1, 1, KvHeads, HeadDim).transpose(1, 2);
    var v = nn.functional.linear(input, wv).view(1, 1, KvHeads, HeadDim).transpose(1, 2);
    var cos = cosTable.narrow(0, position, 1);
    var sin = sinTable.narrow(0, position, 1);
    q = q * cos + RotateHalf(q) * sin;
    k = k * cos + RotateHalf(k) * sin;
    keyCache.narrow(2, position, 1).copy_(k);
    valueCache.narrow(2, position, 1).copy_(v);
    // HF's repeat_kv: each KV head serves Heads / KvHeads query heads (TorchSharp 0.107 has no enable_gqa).
    var keys = keyCache.narrow(2, 0, position + 1).repeat_interleave(Heads / KvHeads, 1);
    var values = valueCache.narrow(2, 0, position + 1).repeat_interleave(Heads / KvHeads, 1);
    var context = nn.functional.scaled_dot_product_attention(q, keys, values);
    return nn.functional.linear(context.transpose(1, 2).reshape(1, 1, Heads * HeadDim), wo);
}

// q, k, v of n tokens at positions 0 .. n-1, after the rotary: [1, heads, n, HeadDim].
(Tensor Q, Tensor K, Tensor V) Project(Tensor input)
{
    long n = input.shape[1];
    var q = nn.functional.linear(input, wq).view(1, n, Heads, HeadDim).transpose(1, 2);
    var k = nn.functional.linear(input, wk).view(1, n, KvHeads, HeadDim).transpose(1, 2);
    var v = nn.functional.linear(input, wv).view(1, n, KvHeads, HeadDim).transpose(1, 2);
    var cos = cosTable.narrow(0, 0, n);
    var sin = sinTable.narrow(0, 0, n);
    return (q * cos + RotateHalf(q) * sin, k * cos + RotateHalf(k) * sin, v);
}

// The plain causal forward over the whole sequence, no cache.
Tensor Forward(Tensor input)
{
    long n = input.shape[1];
    var (q, k, v) = Project(input);
    var context = nn.functional.scaled_dot_product_attention(
        q, k.repeat_interleave(Heads / KvHeads, 1), v.repeat_interleave(Heads / KvHeads, 1), is_casual: true);
    return nn.functional.linear(context.transpose(1, 2).reshape(1, n, Heads * HeadDim), wo);
}

// Self-check: a step after a prefill through the cache gives the last row of the plain causal forward.
{
    using var scope = NewDisposeScope();
    var sequence = randn(1, prefill + 1, C);
    var (_, k, v) = Project(sequence.narrow(1, 0, prefill));
    keyCache.narrow(2, 0, prefill).copy_(k);
    valueCache.narrow(2, 0, prefill).copy_(v);
    var step = Step(sequence.narrow(1, prefill, 1), prefill);
    var expected = Forward(sequence).narrow(1, prefill, 1);
    double error = (step - expected).abs().max().item<float>() / expected.abs().max().item<float>();
    Console.WriteLine(string.Format(inv, "libtorch check: a step after a cached prefill of {0} against the plain causal forward's last row: relative error {1:E1}", prefill, error));
    if (!(error < 1e-4)) { Console.Error.WriteLine("libtorch check FAILED"); return 1; }
}

(double Best, double Median, double Mean, int Calls) Time(Action<int> call)
{
    long end = Stopwatch.GetTimestamp() + (long)(warmupSeconds * Stopwatch.Frequency);
    int i = 0;
    while (Stopwatch.GetTimestamp() < end) call(i++);
    var ticks = new List<long>();
    long start = Stopwatch.GetTimestamp(), previous = start;
    end = start + (long)(timedSeconds * Stopwatch.Frequency);
    i = 0;
    while (true)
    {
        call(i++);
        long now = Stopwatch.GetTimestamp();
        ticks.Add(now - previous);
        previous = now;
        if (now >= end && ticks.Count >= 5) break;
    }

    ticks.Sort();
    double ms = 1000.0 / Stopwatch.Frequency;
    double median = ticks.Count % 2 == 1 ? ticks[ticks.Count / 2] : (ticks[ticks.Count / 2 - 1] + ticks[ticks.Count / 2]) / 2.0;
    return (ticks[0] * ms, median * ms, (previous - start) * ms / ticks.Count, ticks.Count);
}

// Decode: positions cycle through [prefill, prefill + block).
var decode = Time(i =>
{
    using var scope = NewDisposeScope();
    Step(x, prefill + i % block);
});
double meanTokens = prefill + (block + 1) / 2.0; // attended tokens, averaged over the block
double weightBytes = 4.0 * (2.0 * Heads * HeadDim * C + 2.0 * KvHeads * HeadDim * C);
double cacheBytes = 4.0 * 2 * KvHeads * meanTokens * HeadDim;
Console.WriteLine(string.Format(inv,
    "libtorch decode_llama1b: prefill {0}, block {1}: mean {2:F4} ms, median {3:F4} ms, best {4:F4} ms, {5} steps, {6:F2} GB/s ({7:F1} MB read per step)",
    prefill, block, decode.Mean, decode.Median, decode.Best, decode.Calls, (weightBytes + cacheBytes) / (decode.Mean * 1e6), (weightBytes + cacheBytes) / 1e6));

// Prefill: the plain causal forward over `prefill` tokens (what the benchmark app's prefill_llama1b times).
var xs = randn(1, prefill, C);
var prefillTime = Time(_ =>
{
    using var scope = NewDisposeScope();
    Forward(xs);
});
double gemmFlops = 2.0 * prefill * C * (2.0 * Heads * HeadDim + 2.0 * KvHeads * HeadDim);
Console.WriteLine(string.Format(inv,
    "libtorch prefill_llama1b: {0} tokens: mean {1:F4} ms, median {2:F4} ms, best {3:F4} ms, {4} calls, projections {5:F2} GFLOP -> {6:F1} GFLOP/s over the whole call",
    prefill, prefillTime.Mean, prefillTime.Median, prefillTime.Best, prefillTime.Calls, gemmFlops / 1e9, gemmFlops / (prefillTime.Mean * 1e6)));
return 0;
