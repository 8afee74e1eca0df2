using StaticAttention.Tests.Fixtures;
using StaticAttention.Tests.Layers;

namespace StaticAttention.Tests.Gpu;

/// <summary>
/// Every case of cases.json through its generated layer's ILGPU kernels on the CPU accelerator (span overloads: copy
/// in, kernels, copy out), compared with PyTorch's expected outputs and attention weights.
/// </summary>
[Collection(AcceleratorCollection.Name)]
public sealed class GpuFixtureParityTests
{
    [Fact]
    public void AimTemporalQkv()
    {
        var io = new FixtureFile("aim_temporal_qkv.io.safetensors");
        var layer = TemporalAttention.Load(FixtureFiles.PathOf("aim_temporal_qkv.weights.safetensors"));
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        float[] x = io.F32("x");
        var output = new float[x.Length];
        layer.Forward(x, output);
        Tolerance.AssertClose(io.F32("expected.output"), output, "output");
    }

    [Fact]
    public void AimTemporalNoQkv()
    {
        var io = new FixtureFile("aim_temporal_noqkv.io.safetensors");
        var layer = TemporalAttentionNoQkv.Load(FixtureFiles.PathOf("aim_temporal_noqkv.weights.safetensors"));
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        float[] x = io.F32("x");
        var output = new float[x.Length];
        layer.Forward(x, output);
        Tolerance.AssertClose(io.F32("expected.output"), output, "output");
    }

    [Fact]
    public void D2lValidLengthsPerBatch()
    {
        var io = new FixtureFile("d2l_valid_lens_1d.io.safetensors");
        var layer = D2lAttention.Load(FixtureFiles.PathOf("d2l_valid_lens_1d.weights.safetensors"));
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        float[] q = io.F32("queries"), k = io.F32("keys"), v = io.F32("values");
        var output = new float[io.Shape("queries")[0] * D2lAttention.QueryTokens * D2lAttention.ModelDim];
        layer.Forward(q, k, v, io.I64AsInt("valid_lens"), output);
        Tolerance.AssertClose(io.F32("expected.output"), output, "output");
    }

    [Fact]
    public void D2lValidLengthsPerQuery()
    {
        var io = new FixtureFile("d2l_valid_lens_2d.io.safetensors");
        var layer = D2lAttentionPerQuery.Load(FixtureFiles.PathOf("d2l_valid_lens_2d.weights.safetensors"));
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        float[] q = io.F32("queries"), k = io.F32("keys"), v = io.F32("values");
        var output = new float[io.Shape("queries")[0] * D2lAttentionPerQuery.QueryTokens * D2lAttentionPerQuery.ModelDim];
        layer.Forward(q, k, v, io.I64AsInt("valid_lens"), output);
        Tolerance.AssertClose(io.F32("expected.output"), output, "output");
    }

    [Fact]
    public void SeedCKeepMaskWithWeights()
    {
        var io = new FixtureFile("seedc_mask_weights.io.safetensors");
        var layer = SeedCMasked.Load(FixtureFiles.PathOf("seedc_mask_weights.weights.safetensors"));
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        float[] q = io.F32("query"), k = io.F32("key"), v = io.F32("value");
        int batch = io.Shape("query")[0];
        var output = new float[batch * SeedCMasked.QueryTokens * SeedCMasked.ModelDim];
        var weights = new float[batch * SeedCMasked.Heads * SeedCMasked.QueryTokens * SeedCMasked.KeyTokens];
        layer.Forward(q, k, v, io.Bool("mask"), output, weights);
        Tolerance.AssertClose(io.F32("expected.output"), output, "output");
        Tolerance.AssertClose(io.F32("expected.attention"), weights, "attention");
    }

    [Fact]
    public void SeedCCrossAttentionWithWeights()
    {
        var io = new FixtureFile("seedc_cross.io.safetensors");
        var layer = SeedCCross.Load(FixtureFiles.PathOf("seedc_cross.weights.safetensors"));
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        float[] q = io.F32("query"), k = io.F32("key"), v = io.F32("value");
        int batch = io.Shape("query")[0];
        var output = new float[batch * SeedCCross.QueryTokens * SeedCCross.ModelDim];
        var weights = new float[batch * SeedCCross.Heads * SeedCCross.QueryTokens * SeedCCross.KeyTokens];
        layer.Forward(q, k, v, output, weights);
        Tolerance.AssertClose(io.F32("expected.output"), output, "output");
        Tolerance.AssertClose(io.F32("expected.attention"), weights, "attention");
    }

    [Fact]
    public void DeitTinyBlockUnderPrefix()
    {
        var io = new FixtureFile("deit_tiny_block.io.safetensors");
        var layer = DeitAttention.Load(FixtureFiles.PathOf("deit_tiny_block.weights.safetensors"), "blocks.0.attn.");
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        float[] x = io.F32("x");
        var output = new float[x.Length];
        layer.Forward(x, output);
        Tolerance.AssertClose(io.F32("expected.output"), output, "output");
    }

    [Fact]
    public void TorchMhaCausalKeyPadding()
    {
        var io = new FixtureFile("torch_mha_causal_padding.io.safetensors");
        var layer = TorchMhaCausal.Load(FixtureFiles.PathOf("torch_mha_causal_padding.weights.safetensors"));
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        float[] x = io.F32("x");
        int batch = io.Shape("x")[0];
        var output = new float[x.Length];
        var weights = new float[batch * TorchMhaCausal.Heads * TorchMhaCausal.Tokens * TorchMhaCausal.Tokens];
        layer.Forward(x, io.Bool("key_padding_mask"), output, weights);
        Tolerance.AssertClose(io.F32("expected.output"), output, "output");
        Tolerance.AssertClose(io.F32("expected.attention"), weights, "attention");
    }

    [Fact]
    public void GroupedQueryCausal()
    {
        var io = new FixtureFile("gqa_causal.io.safetensors");
        var layer = GqaCausal.Load(FixtureFiles.PathOf("gqa_causal.weights.safetensors"));
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        float[] x = io.F32("x");
        var output = new float[x.Length];
        layer.Forward(x, output);
        Tolerance.AssertClose(io.F32("expected.output"), output, "output");
    }

    [Fact]
    public void GroupedQueryCausalLoadedFused()
    {
        var io = new FixtureFile("gqa_causal.io.safetensors");
        var layer = GqaCausalFused.Load(FixtureFiles.PathOf("gqa_causal.weights.safetensors"));
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        float[] x = io.F32("x");
        var output = new float[x.Length];
        layer.Forward(x, output);
        Tolerance.AssertClose(io.F32("expected.output"), output, "output");
    }
}
