using StaticAttention.Weights;
using static StaticAttention.Tests.Weights.SafetensorsBytes;

namespace StaticAttention.Tests.Weights;

/// <summary>Loader errors: missing, unexpected, mis-shaped and mis-typed tensors, and the conventions' edge cases.</summary>
public class AttentionWeightsErrorTests
{
    private const string Prefix = "blocks.0.attn.";

    /// <summary>DeiT-tiny's attention: 3 heads of 64, model width 192, fused with both biases.</summary>
    private static readonly AttentionLayerSpec Temporal = AttentionLayerSpec.Create(
        "TemporalAttention", heads: 3, modelDim: 192, queryTokens: 4, keyTokens: 4, qkvBias: true, outputBias: true, selfAttention: true);

    private static (string, int[], float[]) T(string name, params int[] shape)
        => (name, shape, Ramp(shape.Aggregate(1, (a, b) => a * b)));

    private static (string, int[], float[])[] TimmLayer(string prefix = Prefix) =>
    [
        T(prefix + "qkv.weight", 576, 192), T(prefix + "qkv.bias", 576), T(prefix + "proj.weight", 192, 192), T(prefix + "proj.bias", 192),
    ];

    private static AttentionWeights Load(byte[] bytes, string prefix, AttentionLayerSpec spec)
        => AttentionWeights.Load(new MemoryStream(bytes), prefix, spec);

    private static InvalidDataException Rejects(byte[] bytes, AttentionLayerSpec spec, string prefix = Prefix)
        => Assert.Throws<InvalidDataException>(() => Load(bytes, prefix, spec));

    private static void AssertContains(Exception e, params string[] parts)
    {
        foreach (string part in parts) Assert.Contains(part, e.Message);
    }

    [Fact]
    public void WrongShapeNamesTensorLayerAndBothShapes()
    {
        byte[] bytes = Write([T(Prefix + "qkv.weight", 576, 100), .. TimmLayer()[1..]]);

        var e = Rejects(bytes, Temporal);

        Assert.Equal("Tensor 'blocks.0.attn.qkv.weight' has shape [576, 100] but layer 'TemporalAttention' expects [576, 192].", e.Message);
    }

    [Fact]
    public void WrongRankIsAWrongShape()
        => AssertContains(Rejects(Write([.. TimmLayer()[..3], T(Prefix + "proj.bias", 1, 192)]), Temporal),
            "'blocks.0.attn.proj.bias'", "[1, 192]", "expects [192]");

    [Fact]
    public void MissingTensorIsNamedWithTheTensorsFound()
    {
        byte[] bytes = Write([.. TimmLayer().Where(t => !t.Item1.EndsWith("proj.weight", StringComparison.Ordinal)), T(Prefix + "norm1.weight", 192)]);

        var e = Rejects(bytes, Temporal);

        AssertContains(e, "'blocks.0.attn.proj.weight'", "[192, 192]", "missing", "'TemporalAttention'", "found 4 tensors under prefix 'blocks.0.attn.'",
            "'blocks.0.attn.qkv.weight'", "'blocks.0.attn.norm1.weight'");
    }

    [Fact]
    public void MissingListIsCappedAtTwenty()
    {
        var tensors = new List<(string, int[], float[])> { T("qkv.weight", 576, 192), T("qkv.bias", 576) };
        for (int i = 0; i < 30; i++) tensors.Add(T($"extra{i:00}", 1));

        var e = Rejects(Write([.. tensors]), Temporal, prefix: "");

        AssertContains(e, "'proj.weight'", "found 32 tensors", "(12 more)");
        Assert.DoesNotContain("extra29", e.Message);
    }

    [Fact]
    public void MissingBias() => AssertContains(Rejects(Write(TimmLayer()[..3]), Temporal), "'blocks.0.attn.proj.bias'", "[192]", "missing");

    [Fact]
    public void UnexpectedQkvBias()
        => AssertContains(Rejects(Write(TimmLayer()), Temporal with { QkvBias = false }),
            "Unexpected tensor 'blocks.0.attn.qkv.bias' [576]", "'TemporalAttention'", "QkvBias = false");

    [Fact]
    public void UnexpectedOutputBias()
        => AssertContains(Rejects(Write(TimmLayer()), Temporal with { OutputBias = false }),
            "Unexpected tensor 'blocks.0.attn.proj.bias'", "OutputBias = false");

    [Fact]
    public void UnexpectedRelativePositionTable()
        => AssertContains(Rejects(Write([.. TimmLayer(), T(Prefix + "relative_position_bias_table", 7, 3)]), Temporal),
            "Unexpected tensor 'blocks.0.attn.relative_position_bias_table' [7, 3]", "RelativePositionBias = false");

    [Fact]
    public void ProjectionsNoneRejectsProjectionWeights()
    {
        AttentionLayerSpec none = Temporal with { Projections = Projections.None, QkvBias = false, OutputBias = false };
        AssertContains(Rejects(Write(TimmLayer()), none), "Unexpected tensor", "Projections.None");
    }

    [Fact]
    public void UnusedTensorOfTheOtherFormIsUnexpected()
    {
        AttentionLayerSpec hf = AttentionLayerSpec.Create("Phi", heads: 2, modelDim: 8, queryTokens: 3, keyTokens: 3, projections: Projections.Separate);
        byte[] bytes = Write(T("qkv_proj.weight", 24, 8), T("o_proj.weight", 8, 8), T("q_proj.weight", 8, 8));

        AssertContains(Rejects(bytes, hf, prefix: ""), "Unexpected tensor 'q_proj.weight'", "'hf'");
    }

    [Fact]
    public void WrongDTypeNamesTensorAndDType()
    {
        string header = "{" + Entry("blocks.0.attn.qkv.weight", "I64", "[2,2]", 0, 32) + "}";

        var e = Rejects(Build(header, new byte[32]), Temporal);

        AssertContains(e, "'blocks.0.attn.qkv.weight'", "I64", "'TemporalAttention'", "F32, F16 or BF16");
    }

    [Fact]
    public void NoConventionListsWhatWasFound()
    {
        byte[] bytes = Write(T(Prefix + "norm1.weight", 192), T(Prefix + "query.weight", 192, 192), T("head.weight", 10, 192));

        var e = Rejects(bytes, Temporal);

        AssertContains(e, "No attention weights", "'blocks.0.attn.'", "'TemporalAttention'", "timm (qkv.weight, proj.weight)",
            "torch (in_proj_weight or q_proj_weight/k_proj_weight/v_proj_weight, out_proj.weight)", "Found 2",
            "'blocks.0.attn.norm1.weight'", "'blocks.0.attn.query.weight'");
        Assert.DoesNotContain("head.weight", e.Message);
    }

    [Fact]
    public void EmptyPrefixSelectionIsNoConvention()
        => AssertContains(Rejects(Write(TimmLayer()), Temporal, prefix: "blocks.1.attn."), "No attention weights", "Found 0", "(none)");

    [Fact]
    public void MixedConventionsAreAnError()
        => AssertContains(Rejects(Write([.. TimmLayer(), T(Prefix + "out_proj.weight", 192, 192)]), Temporal),
            "mix naming conventions", "timm", "torch");

    [Fact]
    public void FusedCheckpointCannotFeedSeparateLayerWithDifferentInputSizes()
    {
        AttentionLayerSpec cross = AttentionLayerSpec.Create("Cross", heads: 2, modelDim: 8, queryTokens: 3, keyTokens: 5,
            querySize: 8, keySize: 6, valueSize: 4, projections: Projections.Separate);

        var e = Rejects(Write(T("in_proj_weight", 24, 8), T("out_proj.weight", 8, 8)), cross, prefix: "");

        AssertContains(e, "'in_proj_weight'", "'Cross'", "QuerySize = 8, KeySize = 6, ValueSize = 4");
    }

    [Fact]
    public void NonexistentPathIsFileNotFound()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"sa-missing-{Guid.NewGuid():N}.safetensors");
        var e = Assert.Throws<FileNotFoundException>(() => AttentionWeights.Load(missing, "", Temporal));
        Assert.Equal(missing, e.FileName);
    }

    [Fact]
    public void OtherTensorsUnderThePrefixAreIgnored()
    {
        byte[] bytes = Write([.. TimmLayer(), T(Prefix + "norm1.weight", 192), T(Prefix + "q_norm.weight", 64), T("blocks.0.mlp.fc.weight", 3)]);

        AttentionWeights weights = Load(bytes, Prefix, Temporal);

        Assert.Equal("timm", weights.Convention);
        Assert.Equal(576 * 192, weights.Fused.Length);
        Assert.Equal(Ramp(192), weights.OutputBias);
    }

    [Fact]
    public void TorchSeparateProjectionsShareTheFusedBias()
    {
        // nn.MultiheadAttention(embed_dim=8, num_heads=2, kdim=6, vdim=4): separate weights, one in_proj_bias [24].
        AttentionLayerSpec cross = AttentionLayerSpec.Create("Cross", heads: 2, modelDim: 8, queryTokens: 3, keyTokens: 5,
            querySize: 8, keySize: 6, valueSize: 4, projections: Projections.Separate, qkvBias: true, outputBias: true);
        byte[] bytes = Write(T("q_proj_weight", 8, 8), T("k_proj_weight", 8, 6), T("v_proj_weight", 8, 4), T("in_proj_bias", 24),
            T("out_proj.weight", 8, 8), T("out_proj.bias", 8));

        AttentionWeights weights = Load(bytes, "", cross);

        Assert.Equal("torch", weights.Convention);
        Assert.Equal(Ramp(48), weights.Key);
        Assert.Equal(Ramp(32), weights.Value);
        Assert.Equal(Ramp(8), weights.QueryBias);
        Assert.Equal(Ramp(8, 4f), weights.KeyBias);
        Assert.Equal(Ramp(8, 8f), weights.ValueBias);
    }

    [Fact]
    public void Phi3FusedQkvProjSplitsIntoGroupedQueryKeyValue()
    {
        // 4 query heads, 2 kv heads, head dim 2: rows 8 query, 4 key, 4 value.
        AttentionLayerSpec gqa = AttentionLayerSpec.Create("Phi3", heads: 4, modelDim: 8, queryTokens: 3, keyTokens: 3, kvHeads: 2,
            projections: Projections.Separate);
        byte[] bytes = Write(T("model.layers.0.self_attn.qkv_proj.weight", 16, 8), T("model.layers.0.self_attn.o_proj.weight", 8, 8));

        AttentionWeights weights = Load(bytes, "model.layers.0.self_attn.", gqa);

        Assert.Equal("hf", weights.Convention);
        Assert.Equal(Ramp(64), weights.Query);
        Assert.Equal(Ramp(32, 32f), weights.Key);
        Assert.Equal(Ramp(32, 48f), weights.Value);
    }

    [Fact]
    public void HalfPrecisionWeightsConvertToF32()
    {
        AttentionLayerSpec tiny = AttentionLayerSpec.Create("Tiny", heads: 1, modelDim: 1, queryTokens: 2, keyTokens: 2);
        string header = "{" + Entry("qkv.weight", "F16", "[3,1]", 0, 6) + "," + Entry("proj.weight", "BF16", "[1,1]", 6, 8) + "}";

        AttentionWeights weights = Load(Build(header, UInt16s(0x3C00, 0xC000, 0x3800, 0x3FC0)), "", tiny);

        Assert.Equal([1f, -2f, 0.5f], weights.Fused);
        Assert.Equal([1.5f], weights.Output);
    }
}
