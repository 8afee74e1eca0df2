using StaticAttention.Tests.Fixtures;
using StaticAttention.Weights;

namespace StaticAttention.Tests.Weights;

/// <summary>Loads every fixture case with its layer spec and compares the result with the raw tensors.</summary>
public class AttentionWeightsFixtureTests
{
    /// <summary>How a case's checkpoint names its tensors (without prefix): q/k/v (one fused or three separate), their biases, output.</summary>
    private sealed record CheckpointNames(string Convention, string[] Inputs, string[] InputBiases, string? Output, string? OutputBias, string? Table);

    private static readonly CheckpointNames Timm = new("timm", ["qkv.weight"], ["qkv.bias"], "proj.weight", "proj.bias", null);
    private static readonly CheckpointNames SeedC = new(
        "wq-fc", ["Wq.weight", "Wk.weight", "Wv.weight"], ["Wq.bias", "Wk.bias", "Wv.bias"], "fc.weight", "fc.bias", null);

    private static AttentionLayerSpec SpecFor(string caseName, Projections projections) => caseName switch
    {
        "aim_temporal_qkv" => AttentionLayerSpec.Create("TemporalAttention", heads: 4, modelDim: 64, queryTokens: 8, keyTokens: 8,
            projections: projections, qkvBias: true, outputBias: true, relativePositionBias: true, selfAttention: true),
        "aim_temporal_noqkv" => AttentionLayerSpec.Create("TemporalNoQkv", heads: 2, modelDim: 32, queryTokens: 16, keyTokens: 16,
            projections: projections, relativePositionBias: true, selfAttention: true),
        "d2l_valid_lens_1d" => AttentionLayerSpec.Create("D2l1d", heads: 5, modelDim: 40, queryTokens: 4, keyTokens: 6,
            querySize: 24, keySize: 16, valueSize: 12, projections: projections, mask: AttentionMask.ValidLengths),
        "d2l_valid_lens_2d" => AttentionLayerSpec.Create("D2l2d", heads: 4, modelDim: 20, queryTokens: 3, keyTokens: 5,
            projections: projections, qkvBias: true, outputBias: true, mask: AttentionMask.ValidLengthsPerQuery),
        "seedc_mask_weights" => AttentionLayerSpec.Create("SeedCMask", heads: 6, modelDim: 48, queryTokens: 10, keyTokens: 10,
            projections: projections, qkvBias: true, outputBias: true, mask: AttentionMask.KeepMask, returnWeights: true),
        "seedc_cross" => AttentionLayerSpec.Create("SeedCCross", heads: 4, modelDim: 32, queryTokens: 5, keyTokens: 9,
            projections: projections, qkvBias: true, outputBias: true, returnWeights: true),
        "deit_tiny_block" => AttentionLayerSpec.Create("DeitAttention", heads: 3, modelDim: 192, queryTokens: 197, keyTokens: 197,
            projections: projections, qkvBias: true, outputBias: true, selfAttention: true),
        "torch_mha_causal_padding" => AttentionLayerSpec.Create("TorchMha", heads: 4, modelDim: 32, queryTokens: 7, keyTokens: 7,
            projections: projections, qkvBias: true, outputBias: true, mask: AttentionMask.KeyPaddingMask | AttentionMask.Causal,
            returnWeights: true, selfAttention: true),
        "gqa_causal" => AttentionLayerSpec.Create("GqaCausal", heads: 8, modelDim: 64, queryTokens: 12, keyTokens: 12, kvHeads: 2,
            headDim: 8, projections: projections, mask: AttentionMask.Causal, selfAttention: true),
        _ => throw new ArgumentOutOfRangeException(nameof(caseName), caseName, "A new fixture case needs a spec here."),
    };

    private static CheckpointNames NamesFor(string caseName) => caseName switch
    {
        "aim_temporal_qkv" => Timm with { Table = "relative_position_bias_table" },
        "aim_temporal_noqkv" => new("none", [], [], null, null, "relative_position_bias_table"),
        "d2l_valid_lens_1d" => new("d2l", ["W_q.weight", "W_k.weight", "W_v.weight"], [], "W_o.weight", null, null),
        "d2l_valid_lens_2d" => new("d2l", ["W_q.weight", "W_k.weight", "W_v.weight"], ["W_q.bias", "W_k.bias", "W_v.bias"], "W_o.weight", "W_o.bias", null),
        "seedc_mask_weights" or "seedc_cross" => SeedC,
        "deit_tiny_block" => Timm,
        "torch_mha_causal_padding" => new("torch", ["in_proj_weight"], ["in_proj_bias"], "out_proj.weight", "out_proj.bias", null),
        "gqa_causal" => new("hf", ["q_proj.weight", "k_proj.weight", "v_proj.weight"], [], "o_proj.weight", null, null),
        _ => throw new ArgumentOutOfRangeException(nameof(caseName), caseName, "A new fixture case needs its names here."),
    };

    /// <summary>Every case with its declared projections, plus the other layout where the case's input sizes allow it.</summary>
    public static TheoryData<string, Projections> Layouts => new()
    {
        { "aim_temporal_qkv", Projections.Fused },
        { "aim_temporal_qkv", Projections.Separate },
        { "aim_temporal_noqkv", Projections.None },
        { "d2l_valid_lens_1d", Projections.Separate },
        { "d2l_valid_lens_2d", Projections.Separate },
        { "d2l_valid_lens_2d", Projections.Fused },
        { "seedc_mask_weights", Projections.Separate },
        { "seedc_mask_weights", Projections.Fused },
        { "seedc_cross", Projections.Separate },
        { "deit_tiny_block", Projections.Fused },
        { "torch_mha_causal_padding", Projections.Fused },
        { "torch_mha_causal_padding", Projections.Separate },
        { "gqa_causal", Projections.Separate },
        { "gqa_causal", Projections.Fused },
    };

    [Fact]
    public void EveryFixtureCaseHasALayout()
    {
        var covered = Layouts.Select(row => row.Data.Item1).ToHashSet();
        Assert.All(FixtureFiles.Cases, c => Assert.Contains(c.Name, covered));
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void LoadsTheFixtureIntoTheDeclaredLayout(string caseName, Projections projections)
    {
        FixtureDescription fixture = FixtureFiles.Case(caseName);
        AttentionLayerSpec spec = SpecFor(caseName, projections);
        CheckpointNames names = NamesFor(caseName);
        string path = FixtureFiles.PathOf(fixture.Weights);
        using SafetensorsFile file = SafetensorsFile.Open(path);
        float[] Raw(string name) => file.ReadFloat32(file.GetTensor(fixture.WeightPrefix + name));

        AttentionWeights weights = AttentionWeights.Load(path, fixture.WeightPrefix, spec);

        Assert.Equal(names.Convention, weights.Convention);
        (float[] q, float[] k, float[] v) = QkvRows(names.Inputs.Select(Raw).ToArray(), spec, spec.QuerySize);
        (float[] qb, float[] kb, float[] vb) = QkvRows(names.InputBiases.Select(Raw).ToArray(), spec, 1);
        if (projections == Projections.Fused)
        {
            Assert.Equal(spec.FusedWidth * spec.QuerySize, weights.Fused.Length);
            Assert.Equal([.. q, .. k, .. v], weights.Fused);
            Assert.Equal([.. qb, .. kb, .. vb], weights.FusedBias);
            Assert.Empty(weights.Query);
            Assert.Empty(weights.Key);
            Assert.Empty(weights.Value);
        }
        else
        {
            Assert.Empty(weights.Fused);
            Assert.Empty(weights.FusedBias);
            Assert.Equal(q, weights.Query);
            Assert.Equal(k, weights.Key);
            Assert.Equal(v, weights.Value);
            Assert.Equal(qb, weights.QueryBias);
            Assert.Equal(kb, weights.KeyBias);
            Assert.Equal(vb, weights.ValueBias);
        }

        Assert.Equal(names.Output is null ? [] : Raw(names.Output), weights.Output);
        Assert.Equal(names.OutputBias is null ? [] : Raw(names.OutputBias), weights.OutputBias);
        Assert.Equal(names.Table is null ? [] : Raw(names.Table), weights.RelativePositionBiasTable);
        if (projections != Projections.None)
        {
            Assert.Equal(spec.ModelDim * spec.QueryWidth, weights.Output.Length);
            Assert.Equal(spec.QueryWidth * spec.QuerySize, q.Length);
            Assert.Equal(spec.KvWidth * spec.KeySize, k.Length);
            Assert.Equal(spec.KvWidth * spec.ValueSize, v.Length);
        }
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void StreamLoadEqualsPathLoad(string caseName, Projections projections)
    {
        FixtureDescription fixture = FixtureFiles.Case(caseName);
        AttentionLayerSpec spec = SpecFor(caseName, projections);
        string path = FixtureFiles.PathOf(fixture.Weights);

        AttentionWeights fromPath = AttentionWeights.Load(path, fixture.WeightPrefix, spec);
        using FileStream stream = File.OpenRead(path);
        AttentionWeights fromStream = AttentionWeights.Load(stream, fixture.WeightPrefix, spec);

        Assert.Equal(fromPath.Convention, fromStream.Convention);
        Assert.Equal(fromPath.Fused, fromStream.Fused);
        Assert.Equal(fromPath.Query, fromStream.Query);
        Assert.Equal(fromPath.Value, fromStream.Value);
        Assert.Equal(fromPath.Output, fromStream.Output);
        Assert.Equal(fromPath.RelativePositionBiasTable, fromStream.RelativePositionBiasTable);
    }

    [Fact]
    public void AimTemporalValuesLandInTheirRows()
    {
        using SafetensorsFile file = SafetensorsFile.Open(FixtureFiles.PathOf("aim_temporal_qkv.weights.safetensors"));
        float[] qkv = file.ReadFloat32(file.GetTensor("qkv.weight"));
        float[] table = file.ReadFloat32(file.GetTensor("relative_position_bias_table"));

        AttentionWeights separate = AttentionWeights.Load(file, "", SpecFor("aim_temporal_qkv", Projections.Separate));

        Assert.Equal(-0.08773957192897797f, separate.Query[0]);
        Assert.Equal(qkv[64 * 64], separate.Key[0]);                 // first key row starts after 64 query rows
        Assert.Equal(qkv[128 * 64 + 5], separate.Value[5]);          // first value row starts after 128 rows
        Assert.Equal(qkv[^1], separate.Value[^1]);
        Assert.Equal(15 * 4, separate.RelativePositionBiasTable.Length);
        Assert.Equal(table[14 * 4 + 3], separate.RelativePositionBiasTable[^1]);
    }

    [Fact]
    public void GqaFusedConcatenatesQueryThenKeyThenValueRows()
    {
        using SafetensorsFile file = SafetensorsFile.Open(FixtureFiles.PathOf("gqa_causal.weights.safetensors"));
        float[] k = file.ReadFloat32(file.GetTensor("k_proj.weight"));
        float[] v = file.ReadFloat32(file.GetTensor("v_proj.weight"));

        AttentionWeights fused = AttentionWeights.Load(file, "", SpecFor("gqa_causal", Projections.Fused));

        Assert.Equal((8 + 2 * 2) * 8 * 64, fused.Fused.Length);
        Assert.Equal(k[0], fused.Fused[64 * 64]);
        Assert.Equal(v[0], fused.Fused[(64 + 16) * 64]);
        Assert.Empty(fused.FusedBias);
    }

    [Fact]
    public void DeitUnderTheBlockPrefixFindsNoConventionAndListsTheNames()
    {
        // Under "blocks.0." the names are "attn.qkv.weight", "mlp.fc1.weight", ...: no convention's names match exactly.
        var e = Assert.Throws<InvalidDataException>(() => AttentionWeights.Load(
            FixtureFiles.PathOf("deit_tiny_block.weights.safetensors"), "blocks.0.", SpecFor("deit_tiny_block", Projections.Fused)));

        Assert.Contains("'blocks.0.'", e.Message);
        Assert.Contains("'blocks.0.attn.qkv.weight'", e.Message);
        Assert.Contains("'blocks.0.norm1.weight'", e.Message);
        Assert.Contains("Found 6", e.Message);
    }

    /// <summary>Splits fused q/k/v rows (one array) or passes three arrays through; no arrays gives three empty ones.</summary>
    private static (float[] Q, float[] K, float[] V) QkvRows(float[][] parts, AttentionLayerSpec spec, int columns)
    {
        if (parts.Length == 0) return ([], [], []);
        if (parts.Length == 3) return (parts[0], parts[1], parts[2]);
        float[] all = parts[0];
        int q = spec.QueryWidth * columns, kv = spec.KvWidth * columns;
        return (all[..q], all[q..(q + kv)], all[(q + kv)..]);
    }
}
