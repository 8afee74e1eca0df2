using StaticAttention.Weights;

namespace StaticAttention.Tests.Reference;

/// <summary>One PyTorch fixture of <c>Tests/Fixtures/cases.json</c>: its spec (written from the case's config), weights, inputs and expectations.</summary>
internal sealed record FixtureCase(
    string Name, AttentionLayerSpec Spec, int Batch, AttentionWeights Weights, float[] Query, float[] Key, float[] Value,
    int[] ValidLengths, bool[] Mask, float[] ExpectedOutput, float[] ExpectedWeights)
{
    public static readonly string[] Names =
    [
        "aim_temporal_qkv", "aim_temporal_noqkv", "d2l_valid_lens_1d", "d2l_valid_lens_2d", "seedc_mask_weights",
        "seedc_cross", "deit_tiny_block", "torch_mha_causal_padding", "gqa_causal",
    ];

    public static FixtureCase Load(string name)
    {
        var w = new FixtureFile($"{name}.weights.safetensors");
        var io = new FixtureFile($"{name}.io.safetensors");
        return name switch
        {
            "aim_temporal_qkv" => Self(name, io, 6, SelfSpec(name, 4, 64, 8, Projections.Fused, qkvBias: true, outputBias: true, relative: true),
                Fused(w, "qkv.weight", "qkv.bias", "proj.weight", "proj.bias", w.F32("relative_position_bias_table"))),
            "aim_temporal_noqkv" => Self(name, io, 3, SelfSpec(name, 2, 32, 16, Projections.None, relative: true),
                new AttentionWeights { RelativePositionBiasTable = w.F32("relative_position_bias_table") }),
            "deit_tiny_block" => Self(name, io, 2, SelfSpec(name, 3, 192, 197, Projections.Fused, qkvBias: true, outputBias: true),
                Fused(w, "blocks.0.attn.qkv.weight", "blocks.0.attn.qkv.bias", "blocks.0.attn.proj.weight", "blocks.0.attn.proj.bias", [])),
            "torch_mha_causal_padding" => Self(name, io, 3,
                SelfSpec(name, 4, 32, 7, Projections.Fused, qkvBias: true, outputBias: true, mask: AttentionMask.KeyPaddingMask | AttentionMask.Causal, returnWeights: true),
                Fused(w, "in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias", []), mask: io.Bool("key_padding_mask")),
            "gqa_causal" => Self(name, io, 2,
                AttentionLayerSpec.Create(name, 8, 64, 12, 12, kvHeads: 2, headDim: 8, projections: Projections.Separate, mask: AttentionMask.Causal, selfAttention: true),
                Separate(w, "q_proj", "k_proj", "v_proj", "o_proj")),
            "d2l_valid_lens_1d" => Cross(name, io, 3,
                AttentionLayerSpec.Create(name, 5, 40, 4, 6, querySize: 24, keySize: 16, valueSize: 12, projections: Projections.Separate, mask: AttentionMask.ValidLengths),
                Separate(w, "W_q", "W_k", "W_v", "W_o"), "queries", "keys", "values", validLengths: io.I64AsInt("valid_lens")),
            "d2l_valid_lens_2d" => Cross(name, io, 2,
                AttentionLayerSpec.Create(name, 4, 20, 3, 5, projections: Projections.Separate, qkvBias: true, outputBias: true, mask: AttentionMask.ValidLengthsPerQuery),
                Separate(w, "W_q", "W_k", "W_v", "W_o"), "queries", "keys", "values", validLengths: io.I64AsInt("valid_lens")),
            "seedc_mask_weights" => Cross(name, io, 2,
                AttentionLayerSpec.Create(name, 6, 48, 10, 10, projections: Projections.Separate, qkvBias: true, outputBias: true, mask: AttentionMask.KeepMask, returnWeights: true),
                Separate(w, "Wq", "Wk", "Wv", "fc"), "query", "key", "value", mask: io.Bool("mask")),
            "seedc_cross" => Cross(name, io, 2,
                AttentionLayerSpec.Create(name, 4, 32, 5, 9, projections: Projections.Separate, qkvBias: true, outputBias: true, returnWeights: true),
                Separate(w, "Wq", "Wk", "Wv", "fc"), "query", "key", "value"),
            _ => throw new ArgumentException($"unknown fixture {name}", nameof(name)),
        };
    }

    public override string ToString() => Name;

    private static AttentionLayerSpec SelfSpec(
        string name, int heads, int modelDim, int tokens, Projections projections, bool qkvBias = false, bool outputBias = false,
        bool relative = false, AttentionMask mask = AttentionMask.None, bool returnWeights = false) =>
        AttentionLayerSpec.Create(name, heads, modelDim, tokens, tokens, projections: projections, qkvBias: qkvBias, outputBias: outputBias,
            relativePositionBias: relative, mask: mask, returnWeights: returnWeights, selfAttention: true);

    private static AttentionWeights Fused(FixtureFile w, string weight, string bias, string output, string outputBias, float[] table) => new()
    {
        Fused = w.F32(weight), FusedBias = w.F32OrEmpty(bias), Output = w.F32(output), OutputBias = w.F32OrEmpty(outputBias),
        RelativePositionBiasTable = table,
    };

    private static AttentionWeights Separate(FixtureFile w, string q, string k, string v, string o) => new()
    {
        Query = w.F32($"{q}.weight"), QueryBias = w.F32OrEmpty($"{q}.bias"),
        Key = w.F32($"{k}.weight"), KeyBias = w.F32OrEmpty($"{k}.bias"),
        Value = w.F32($"{v}.weight"), ValueBias = w.F32OrEmpty($"{v}.bias"),
        Output = w.F32($"{o}.weight"), OutputBias = w.F32OrEmpty($"{o}.bias"),
    };

    private static FixtureCase Self(string name, FixtureFile io, int batch, AttentionLayerSpec spec, AttentionWeights weights, bool[]? mask = null)
    {
        float[] x = io.F32("x");
        return new(name, spec, batch, weights, x, x, x, [], mask ?? [], io.F32("expected.output"), io.F32OrEmpty("expected.attention"));
    }

    private static FixtureCase Cross(
        string name, FixtureFile io, int batch, AttentionLayerSpec spec, AttentionWeights weights, string q, string k, string v,
        int[]? validLengths = null, bool[]? mask = null) =>
        new(name, spec, batch, weights, io.F32(q), io.F32(k), io.F32(v), validLengths ?? [], mask ?? [],
            io.F32("expected.output"), io.F32OrEmpty("expected.attention"));
}
