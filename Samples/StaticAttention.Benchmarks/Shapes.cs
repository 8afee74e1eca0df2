namespace StaticAttention.Benchmarks;

/// <summary>What one benchmark times: a whole layer (module) or the attention core alone.</summary>
public enum ShapeKind
{
    /// <summary>qkv projection + attention + output projection.</summary>
    Module,

    /// <summary>Scaled dot-product attention over already projected q, k, v; no projections.</summary>
    Core,

    /// <summary>One projection alone: the packed GEMM <c>[B·N, C] · [Out, C]ᵀ + bias</c>, to show where a module's time goes.</summary>
    Gemm,

    /// <summary>The streaming-read loop over 1 GB on <c>Batch</c> threads: the bandwidth a decode step is measured against.</summary>
    Bandwidth,

    /// <summary>One decode step of a layer with a key/value cache: <c>Batch</c> sequences, one new token each, <c>Tokens</c> already cached.</summary>
    Decode,
}

/// <summary>
/// One benchmarked shape. <see cref="Name"/> is the name the peers use (ONNX Runtime's <c>--only</c> takes the same
/// names); <see cref="Method"/> is the BenchmarkDotNet method that times it.
/// </summary>
/// <param name="Tokens">N (or T): query = key tokens.</param>
/// <param name="Width">C for a module and a GEMM's input features; Heads·HeadDim for a core.</param>
/// <param name="OutFeatures">A GEMM's output features (0 for modules and cores).</param>
/// <param name="KvHeads">Key/value heads of a grouped-query module or decode step (0: <paramref name="Heads"/>).</param>
public sealed record Shape(string Name, string Method, ShapeKind Kind, int Batch, int Tokens, int Width, int Heads, string Description, int OutFeatures = 0, int KvHeads = 0, int Layers = 1)
{
    public int HeadDim => Width / Heads;

    /// <summary>Key/value heads: <see cref="Heads"/> unless the shape groups queries.</summary>
    public int KeyValueHeads => KvHeads > 0 ? KvHeads : Heads;

    /// <summary>
    /// Floating-point operations per call, as the peers count them: a module is
    /// <c>2·B·N·C·3C + 2·B·N·C² + 4·B·H·N²·D</c> (projections and the two attention matmuls; with grouped queries the
    /// k and v projections are <c>KvHeads·D</c> wide), a core <c>4·B·H·N²·D</c>.
    /// Softmax, biases, rotary and the relative position bias are not counted, nor is the causal mask (the full N² is).
    /// A GEMM is <c>2·B·N·C·Out</c>. A decode step counts its projections and <c>4·B·H·(N+1)·D</c>; a bandwidth pass none.
    /// </summary>
    public double Flops
    {
        get
        {
            if (Kind == ShapeKind.Gemm) return 2.0 * Batch * Tokens * Width * OutFeatures;
            if (Kind == ShapeKind.Bandwidth) return 0;
            if (Kind == ShapeKind.Decode) return 2.0 * Batch * ProjectionWeights + 4.0 * Batch * Heads * (Tokens + 1.0) * HeadDim;
            double attention = 4.0 * Batch * Heads * (double)Tokens * Tokens * HeadDim;
            if (Kind == ShapeKind.Core) return attention;
            return 2.0 * Batch * Tokens * ProjectionWeights + attention;
        }
    }

    /// <summary>Elements of the four projection matrices: q and o <c>C·H·D</c> each, k and v <c>C·KvHeads·D</c> each.</summary>
    public double ProjectionWeights => 2.0 * Width * Width + 2.0 * Width * KeyValueHeads * HeadDim;
}

/// <summary>The shapes, in the order they are run and printed.</summary>
public static class Shapes
{
    /// <summary>What <c>--quick</c> runs without <c>--only</c>: the encoder modules, the cores and their projections.</summary>
    public static readonly Shape[] Default =
    [
        new("vit_b", "VitB", ShapeKind.Module, 1, 197, 768, 12, "module ViT-B: B1 N197 C768 H12, qkv+proj with bias"),
        new("temporal", "Temporal", ShapeKind.Module, 196, 8, 768, 12, "module temporal (AIM / TimeSformer): B196 T8 C768 H12, biases + relative position bias"),
        new("seedC", "SeedC", ShapeKind.Module, 4, 128, 512, 8, "module classic Wq/Wk/Wv/fc: B4 N128 C512 H8, qkv+proj with bias"),
        new("small", "Small", ShapeKind.Module, 1, 16, 64, 4, "module small: B1 N16 C64 H4, qkv+proj with bias"),
        new("core_long", "CoreLong", ShapeKind.Core, 1, 1024, 768, 12, "core long: B1 H12 N1024 D64, no projections"),
        new("core_temporal", "CoreTemporal", ShapeKind.Core, 196, 8, 768, 12, "core temporal: B196 H12 T8 D64, no projections, the layer's written-out kernel"),
        new("core_temporal_general", "CoreTemporalGeneral", ShapeKind.Core, 196, 8, 768, 12, "core temporal through the runtime's general AttentionCore.Forward (short kernel), for comparison"),
        new("core_vit", "CoreVit", ShapeKind.Core, 1, 197, 768, 12, "core of vit_b alone: B1 H12 N197 D64, no projections"),
        new("core_seedc", "CoreSeedC", ShapeKind.Core, 4, 128, 512, 8, "core of the classic module alone: B4 H8 N128 D64, no projections"),
        new("gemm_qkv_197", "GemmQkv197", ShapeKind.Gemm, 1, 197, 768, 0, "GEMM alone: ViT-B qkv, [197, 768] -> 2304", 2304),
        new("gemm_proj_197", "GemmProj197", ShapeKind.Gemm, 1, 197, 768, 0, "GEMM alone: ViT-B proj, [197, 768] -> 768", 768),
        new("gemm_qkv_512", "GemmQkv512", ShapeKind.Gemm, 4, 128, 512, 0, "GEMM alone: the classic module's qkv, [512, 512] -> 1536", 1536),
        new("gemm_qkv_1568", "GemmQkv1568", ShapeKind.Gemm, 196, 8, 768, 0, "GEMM alone: temporal qkv, [1568, 768] -> 2304", 2304),
        new("gemm_proj_1568", "GemmProj1568", ShapeKind.Gemm, 196, 8, 768, 0, "GEMM alone: temporal proj, [1568, 768] -> 768", 768),
    ];

    /// <summary>
    /// What <c>--quick --decode</c> runs (issue 17): the read bandwidth first (the decode step's yardstick), a
    /// Llama-3.2-1B attention layer's decode step and its prefill, and the prefill's projections alone.
    /// </summary>
    public static readonly Shape[] Decoding =
    [
        new("read_bw_1t", "ReadBandwidthOneCore", ShapeKind.Bandwidth, 1, 0, 0, 1, "streaming read: sum of a 1 GiB float array, one thread"),
        new("read_bw", "ReadBandwidth", ShapeKind.Bandwidth, Environment.ProcessorCount, 0, 0, 1,
            $"streaming read: sum of a 1 GiB float array, {Environment.ProcessorCount} threads (all cores)"),
        new("decode_llama1b", "DecodeLlama1B", ShapeKind.Decode, 1, DecodeWorkload.Prefill, 2048, 32,
            $"decode step, Llama-3.2-1B attention: B1, one new token at positions {DecodeWorkload.Prefill}..{DecodeWorkload.Prefill + DecodeWorkload.Block - 1} " +
            $"of a {Llama1BAttention.CacheTokens}-token cache, C2048 H32 KV8 D64, rotate-half rotary θ 500000", KvHeads: 8),
        // The same step as a 16-layer model takes it: 16 instances (own weights, own cache) in turn, 0.7 GB of weights that no
        // cache holds, so each step reads its 42 MB from memory.
        new("decode_llama1b_16l", "DecodeLlama1B16Layers", ShapeKind.Decode, 1, DecodeWorkload.Prefill, 2048, 32,
            $"decode step of one of 16 Llama-3.2-1B attention layers taken in turn (as a 16-layer model decodes), each as decode_llama1b", KvHeads: 8, Layers: 16),
        new("prefill_llama1b", "PrefillLlama1B", ShapeKind.Module, 1, 512, 2048, 32,
            "module Llama-3.2-1B attention, plain causal Forward: B1 N512 C2048 H32 KV8 D64, rotary, no biases", KvHeads: 8),
        new("gemm_qkv_llama1b", "GemmQkvLlama1B", ShapeKind.Gemm, 1, 512, 2048, 0, "GEMM alone: Llama-3.2-1B q, k, v together, [512, 2048] -> 3072", 3072),
        new("gemm_o_llama1b", "GemmOLlama1B", ShapeKind.Gemm, 1, 512, 2048, 0, "GEMM alone: Llama-3.2-1B o_proj, [512, 2048] -> 2048", 2048),
    ];

    /// <summary>Every shape, for <c>--only</c> and the BenchmarkDotNet columns.</summary>
    public static readonly Shape[] All = [.. Default, .. Decoding];

    public static Shape ByName(string name) =>
        Array.Find(All, s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown shape '{name}'; known: {string.Join(", ", All.Select(s => s.Name))}.", nameof(name));

    public static Shape? ByMethod(string method) => Array.Find(All, s => s.Method == method);
}
