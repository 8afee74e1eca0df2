using ILGPU.Runtime;
using StaticAttention.Gpu;
using StaticAttention.Tests.Layers;
using StaticAttention.Weights;

namespace StaticAttention.Tests.Fixtures;

/// <summary>
/// Every case of cases.json, written once: the generated layer it loads, its inputs and the <c>Forward</c> overload it
/// calls. <see cref="FixtureParityTests"/> runs each on the CPU kernels (and through the reference implementation), the
/// accelerator tests run each after <c>UseAccelerator</c>; both compare with PyTorch's expected outputs and weights.
/// </summary>
internal static class FixtureCases
{
    /// <summary>A case as it ran: the fixture, the layer's spec and weights, the inputs, and what the layer returned.</summary>
    public sealed record Run(
        FixtureFile Io, AttentionLayerSpec Spec, AttentionWeights Weights,
        float[] Query, float[] Key, float[] Value, int[] ValidLengths, bool[] Mask, float[] Output, float[] Attention)
    {
        /// <summary>The layer's output and, when the case returns them, its attention weights, against PyTorch's.</summary>
        public void AssertMatchesPyTorch()
        {
            Tolerance.AssertClose(Io.F32("expected.output"), Output, "output");
            if (Attention.Length > 0) Tolerance.AssertClose(Io.F32("expected.attention"), Attention, "attention");
        }
    }

    private static readonly Dictionary<string, Func<Accelerator?, Run>> Cases = new()
    {
        ["aim_temporal_qkv"] = accelerator => SelfAttention(
            "aim_temporal_qkv", path => TemporalAttention.Load(path), TemporalAttention.Spec, accelerator, (l, a) => l.UseAccelerator(a), l => l.Weights, (l, x, o) => l.Forward(x, o)),
        ["aim_temporal_noqkv"] = accelerator => SelfAttention(
            "aim_temporal_noqkv", path => TemporalAttentionNoQkv.Load(path), TemporalAttentionNoQkv.Spec, accelerator, (l, a) => l.UseAccelerator(a), l => l.Weights, (l, x, o) => l.Forward(x, o)),
        ["deit_tiny_block"] = accelerator => SelfAttention(
            "deit_tiny_block", path => DeitAttention.Load(path, "blocks.0.attn."), DeitAttention.Spec, accelerator, (l, a) => l.UseAccelerator(a), l => l.Weights, (l, x, o) => l.Forward(x, o)),
        ["gqa_causal"] = accelerator => SelfAttention(
            "gqa_causal", path => GqaCausal.Load(path), GqaCausal.Spec, accelerator, (l, a) => l.UseAccelerator(a), l => l.Weights, (l, x, o) => l.Forward(x, o)),

        // The same checkpoint loaded into a layer with one fused qkv projection.
        ["gqa_causal, fused"] = accelerator => SelfAttention(
            "gqa_causal", path => GqaCausalFused.Load(path), GqaCausalFused.Spec, accelerator, (l, a) => l.UseAccelerator(a), l => l.Weights, (l, x, o) => l.Forward(x, o)),

        ["d2l_valid_lens_1d"] = accelerator => ValidLengths(
            "d2l_valid_lens_1d", path => D2lAttention.Load(path), D2lAttention.Spec, accelerator, (l, a) => l.UseAccelerator(a), l => l.Weights,
            (l, q, k, v, lengths, o) => l.Forward(q, k, v, lengths, o)),
        ["d2l_valid_lens_2d"] = accelerator => ValidLengths(
            "d2l_valid_lens_2d", path => D2lAttentionPerQuery.Load(path), D2lAttentionPerQuery.Spec, accelerator, (l, a) => l.UseAccelerator(a), l => l.Weights,
            (l, q, k, v, lengths, o) => l.Forward(q, k, v, lengths, o)),
        ["seedc_mask_weights"] = accelerator =>
        {
            var io = new FixtureFile("seedc_mask_weights.io.safetensors");
            var layer = SeedCMasked.Load(FixtureFiles.PathOf("seedc_mask_weights.weights.safetensors"));
            using AcceleratorSession? session = accelerator is null ? null : layer.UseAccelerator(accelerator);
            float[] q = io.F32("query"), k = io.F32("key"), v = io.F32("value");
            bool[] mask = io.Bool("mask");
            int batch = io.Shape("query")[0];
            var output = new float[batch * SeedCMasked.QueryTokens * SeedCMasked.ModelDim];
            var weights = new float[batch * SeedCMasked.Heads * SeedCMasked.QueryTokens * SeedCMasked.KeyTokens];
            layer.Forward(q, k, v, mask, output, weights);
            return new Run(io, SeedCMasked.Spec, layer.Weights, q, k, v, [], mask, output, weights);
        },
        ["seedc_cross"] = accelerator =>
        {
            var io = new FixtureFile("seedc_cross.io.safetensors");
            var layer = SeedCCross.Load(FixtureFiles.PathOf("seedc_cross.weights.safetensors"));
            using AcceleratorSession? session = accelerator is null ? null : layer.UseAccelerator(accelerator);
            float[] q = io.F32("query"), k = io.F32("key"), v = io.F32("value");
            int batch = io.Shape("query")[0];
            var output = new float[batch * SeedCCross.QueryTokens * SeedCCross.ModelDim];
            var weights = new float[batch * SeedCCross.Heads * SeedCCross.QueryTokens * SeedCCross.KeyTokens];
            layer.Forward(q, k, v, output, weights);
            return new Run(io, SeedCCross.Spec, layer.Weights, q, k, v, [], [], output, weights);
        },
        ["torch_mha_causal_padding"] = accelerator =>
        {
            var io = new FixtureFile("torch_mha_causal_padding.io.safetensors");
            var layer = TorchMhaCausal.Load(FixtureFiles.PathOf("torch_mha_causal_padding.weights.safetensors"));
            using AcceleratorSession? session = accelerator is null ? null : layer.UseAccelerator(accelerator);
            float[] x = io.F32("x");
            bool[] padding = io.Bool("key_padding_mask");
            int batch = io.Shape("x")[0];
            var output = new float[x.Length];
            var weights = new float[batch * TorchMhaCausal.Heads * TorchMhaCausal.Tokens * TorchMhaCausal.Tokens];
            layer.Forward(x, padding, output, weights);
            return new Run(io, TorchMhaCausal.Spec, layer.Weights, x, x, x, [], padding, output, weights);
        },
    };

    /// <summary>The names of every case, for <c>[MemberData]</c>.</summary>
    public static TheoryData<string> Names => new(Cases.Keys);

    /// <summary>Runs the case <paramref name="name"/> on the CPU kernels, or on <paramref name="accelerator"/> when given.</summary>
    public static Run Execute(string name, Accelerator? accelerator = null) => Cases[name](accelerator);

    /// <summary>A d2l case: queries, keys and values of their own, and valid lengths (per batch item or per query).</summary>
    private static Run ValidLengths<TLayer>(
        string fixture, Func<string, TLayer> load, AttentionLayerSpec spec, Accelerator? accelerator,
        Func<TLayer, Accelerator, AcceleratorSession> useAccelerator, Func<TLayer, AttentionWeights> weightsOf,
        Action<TLayer, float[], float[], float[], int[], float[]> forward)
    {
        var io = new FixtureFile(fixture + ".io.safetensors");
        TLayer layer = load(FixtureFiles.PathOf(fixture + ".weights.safetensors"));
        using AcceleratorSession? session = accelerator is null ? null : useAccelerator(layer, accelerator);
        float[] q = io.F32("queries"), k = io.F32("keys"), v = io.F32("values");
        int[] lengths = io.I64AsInt("valid_lens");
        var output = new float[io.Shape("queries")[0] * spec.QueryTokens * spec.ModelDim];
        forward(layer, q, k, v, lengths, output);
        return new Run(io, spec, weightsOf(layer), q, k, v, lengths, [], output, []);
    }

    /// <summary>A self-attention case: input <c>x</c>, output of the same length, no mask.</summary>
    private static Run SelfAttention<TLayer>(
        string fixture, Func<string, TLayer> load, AttentionLayerSpec spec, Accelerator? accelerator,
        Func<TLayer, Accelerator, AcceleratorSession> useAccelerator, Func<TLayer, AttentionWeights> weightsOf,
        Action<TLayer, float[], float[]> forward)
    {
        var io = new FixtureFile(fixture + ".io.safetensors");
        TLayer layer = load(FixtureFiles.PathOf(fixture + ".weights.safetensors"));
        using AcceleratorSession? session = accelerator is null ? null : useAccelerator(layer, accelerator);
        float[] x = io.F32("x");
        var output = new float[x.Length / spec.QuerySize * spec.ModelDim];
        forward(layer, x, output);
        return new Run(io, spec, weightsOf(layer), x, x, x, [], [], output, []);
    }
}
