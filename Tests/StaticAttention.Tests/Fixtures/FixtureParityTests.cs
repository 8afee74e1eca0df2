using StaticAttention.Reference;
using StaticAttention.Tests.Layers;

namespace StaticAttention.Tests.Fixtures;

/// <summary>
/// Every case of cases.json through its generated layer (and through the reference implementation with the same
/// weights), compared with PyTorch's expected outputs and attention weights.
/// </summary>
public sealed class FixtureParityTests
{
    [Fact]
    public void AimTemporalQkv()
    {
        var io = new FixtureFile("aim_temporal_qkv.io.safetensors");
        string weightsPath = FixtureFiles.PathOf("aim_temporal_qkv.weights.safetensors");
        var layer = TemporalAttention.Load(weightsPath);
        float[] x = io.F32("x");
        var output = new float[x.Length / TemporalAttention.QuerySize * TemporalAttention.ModelDim];
        layer.Forward(x, output);
        Tolerance.AssertClose(io.F32("expected.output"), output, "output");
        AssertReference(io, TemporalAttention.Spec, layer.Weights, x, x, x, default, default);
    }

    [Fact]
    public void AimTemporalNoQkv()
    {
        var io = new FixtureFile("aim_temporal_noqkv.io.safetensors");
        string weightsPath = FixtureFiles.PathOf("aim_temporal_noqkv.weights.safetensors");
        var layer = TemporalAttentionNoQkv.Load(weightsPath);
        float[] x = io.F32("x");
        var output = new float[x.Length];
        layer.Forward(x, output);
        Tolerance.AssertClose(io.F32("expected.output"), output, "output");
        AssertReference(io, TemporalAttentionNoQkv.Spec, layer.Weights, x, x, x, default, default);
    }

    [Fact]
    public void D2lValidLengthsPerBatch()
    {
        var io = new FixtureFile("d2l_valid_lens_1d.io.safetensors");
        string weightsPath = FixtureFiles.PathOf("d2l_valid_lens_1d.weights.safetensors");
        var layer = D2lAttention.Load(weightsPath);
        float[] q = io.F32("queries"), k = io.F32("keys"), v = io.F32("values");
        int[] validLengths = io.I64AsInt("valid_lens");
        var output = new float[io.Shape("queries")[0] * D2lAttention.QueryTokens * D2lAttention.ModelDim];
        layer.Forward(q, k, v, validLengths, output);
        Tolerance.AssertClose(io.F32("expected.output"), output, "output");
        AssertReference(io, D2lAttention.Spec, layer.Weights, q, k, v, validLengths, default);
    }

    [Fact]
    public void D2lValidLengthsPerQuery()
    {
        var io = new FixtureFile("d2l_valid_lens_2d.io.safetensors");
        string weightsPath = FixtureFiles.PathOf("d2l_valid_lens_2d.weights.safetensors");
        var layer = D2lAttentionPerQuery.Load(weightsPath);
        float[] q = io.F32("queries"), k = io.F32("keys"), v = io.F32("values");
        int[] validLengths = io.I64AsInt("valid_lens");
        var output = new float[io.Shape("queries")[0] * D2lAttentionPerQuery.QueryTokens * D2lAttentionPerQuery.ModelDim];
        layer.Forward(q, k, v, validLengths, output);
        Tolerance.AssertClose(io.F32("expected.output"), output, "output");
        AssertReference(io, D2lAttentionPerQuery.Spec, layer.Weights, q, k, v, validLengths, default);
    }

    [Fact]
    public void SeedCKeepMaskWithWeights()
    {
        var io = new FixtureFile("seedc_mask_weights.io.safetensors");
        string weightsPath = FixtureFiles.PathOf("seedc_mask_weights.weights.safetensors");
        var layer = SeedCMasked.Load(weightsPath);
        float[] q = io.F32("query"), k = io.F32("key"), v = io.F32("value");
        bool[] mask = io.Bool("mask");
        int batch = io.Shape("query")[0];
        var output = new float[batch * SeedCMasked.QueryTokens * SeedCMasked.ModelDim];
        var weights = new float[batch * SeedCMasked.Heads * SeedCMasked.QueryTokens * SeedCMasked.KeyTokens];
        layer.Forward(q, k, v, mask, output, weights);
        Tolerance.AssertClose(io.F32("expected.output"), output, "output");
        Tolerance.AssertClose(io.F32("expected.attention"), weights, "attention");
        AssertReference(io, SeedCMasked.Spec, layer.Weights, q, k, v, default, mask);
    }

    [Fact]
    public void SeedCCrossAttentionWithWeights()
    {
        var io = new FixtureFile("seedc_cross.io.safetensors");
        string weightsPath = FixtureFiles.PathOf("seedc_cross.weights.safetensors");
        var layer = SeedCCross.Load(weightsPath);
        float[] q = io.F32("query"), k = io.F32("key"), v = io.F32("value");
        int batch = io.Shape("query")[0];
        var output = new float[batch * SeedCCross.QueryTokens * SeedCCross.ModelDim];
        var weights = new float[batch * SeedCCross.Heads * SeedCCross.QueryTokens * SeedCCross.KeyTokens];
        layer.Forward(q, k, v, output, weights);
        Tolerance.AssertClose(io.F32("expected.output"), output, "output");
        Tolerance.AssertClose(io.F32("expected.attention"), weights, "attention");
        AssertReference(io, SeedCCross.Spec, layer.Weights, q, k, v, default, default);
    }

    [Fact]
    public void DeitTinyBlockUnderPrefix()
    {
        var io = new FixtureFile("deit_tiny_block.io.safetensors");
        string weightsPath = FixtureFiles.PathOf("deit_tiny_block.weights.safetensors");
        var layer = DeitAttention.Load(weightsPath, "blocks.0.attn.");
        float[] x = io.F32("x");
        var output = new float[x.Length];
        layer.Forward(x, output);
        Tolerance.AssertClose(io.F32("expected.output"), output, "output");
        AssertReference(io, DeitAttention.Spec, layer.Weights, x, x, x, default, default);
    }

    [Fact]
    public void TorchMhaCausalKeyPadding()
    {
        var io = new FixtureFile("torch_mha_causal_padding.io.safetensors");
        string weightsPath = FixtureFiles.PathOf("torch_mha_causal_padding.weights.safetensors");
        var layer = TorchMhaCausal.Load(weightsPath);
        float[] x = io.F32("x");
        bool[] padding = io.Bool("key_padding_mask");
        int batch = io.Shape("x")[0];
        var output = new float[x.Length];
        var weights = new float[batch * TorchMhaCausal.Heads * TorchMhaCausal.Tokens * TorchMhaCausal.Tokens];
        layer.Forward(x, padding, output, weights);
        Tolerance.AssertClose(io.F32("expected.output"), output, "output");
        Tolerance.AssertClose(io.F32("expected.attention"), weights, "attention");
        AssertReference(io, TorchMhaCausal.Spec, layer.Weights, x, x, x, default, padding);
    }

    [Fact]
    public void GroupedQueryCausal()
    {
        var io = new FixtureFile("gqa_causal.io.safetensors");
        string weightsPath = FixtureFiles.PathOf("gqa_causal.weights.safetensors");
        var layer = GqaCausal.Load(weightsPath);
        float[] x = io.F32("x");
        var output = new float[x.Length];
        layer.Forward(x, output);
        Tolerance.AssertClose(io.F32("expected.output"), output, "output");
        AssertReference(io, GqaCausal.Spec, layer.Weights, x, x, x, default, default);
    }

    [Fact]
    public void GroupedQueryCausalLoadedFused()
    {
        var io = new FixtureFile("gqa_causal.io.safetensors");
        string weightsPath = FixtureFiles.PathOf("gqa_causal.weights.safetensors");
        var layer = GqaCausalFused.Load(weightsPath);
        float[] x = io.F32("x");
        var output = new float[x.Length];
        layer.Forward(x, output);
        Tolerance.AssertClose(io.F32("expected.output"), output, "output");
    }

    [Fact]
    public void LoadFromStreamMatchesLoadFromPath()
    {
        var io = new FixtureFile("aim_temporal_qkv.io.safetensors");
        string weightsPath = FixtureFiles.PathOf("aim_temporal_qkv.weights.safetensors");
        using var stream = File.OpenRead(weightsPath);
        var fromStream = TemporalAttention.Load(stream);
        var fromPath = TemporalAttention.Load(weightsPath);
        float[] x = io.F32("x");
        var a = new float[x.Length];
        var b = new float[x.Length];
        fromStream.Forward(x, a);
        fromPath.Forward(x, b);
        Assert.Equal(b, a);
    }

    /// <summary>The reference implementation, given the same weights, also matches PyTorch (outputs and weights).</summary>
    private static void AssertReference(
        FixtureFile io, AttentionLayerSpec spec, global::StaticAttention.Weights.AttentionWeights weights,
        float[] query, float[] key, float[] value, ReadOnlySpan<int> validLengths, ReadOnlySpan<bool> mask)
    {
        int batch = query.Length / (spec.QueryTokens * spec.QuerySize);
        var output = new float[batch * spec.QueryTokens * spec.ModelDim];
        float[] attention = io.Has("expected.attention") ? new float[batch * spec.Heads * spec.QueryTokens * spec.KeyTokens] : [];
        ReferenceAttention.Forward(spec, weights, batch, query, key, value, validLengths, mask, output, attention);
        Tolerance.AssertClose(io.F32("expected.output"), output, "reference output");
        if (attention.Length > 0) Tolerance.AssertClose(io.F32("expected.attention"), attention, "reference attention");
    }
}
