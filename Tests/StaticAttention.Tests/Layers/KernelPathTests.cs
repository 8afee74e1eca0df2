using StaticAttention.Internal.Cpu;
using StaticAttention.Tests.Fixtures;

namespace StaticAttention.Tests.Layers;

/// <summary>
/// The fast paths at the level of whole generated layers: both vector widths match PyTorch on every fixture family,
/// and the thread count never changes a single bit of the output.
/// </summary>
public sealed class KernelPathTests
{
    public static TheoryData<VectorWidth> Widths => new() { VectorWidth.Vector256, VectorWidth.Vector512 };

    [Theory, MemberData(nameof(Widths))]
    public void TemporalFixtureMatchesPyTorchAtEitherWidth(VectorWidth width)
    {
        using var forced = CpuKernel.Force(width);
        var io = new FixtureFile("aim_temporal_qkv.io.safetensors");
        var layer = TemporalAttention.Load(FixtureFiles.PathOf("aim_temporal_qkv.weights.safetensors"));
        float[] x = io.F32("x");
        var output = new float[x.Length];
        layer.Forward(x, output);
        Tolerance.AssertClose(io.F32("expected.output"), output, $"output at {width}");
    }

    [Theory, MemberData(nameof(Widths))]
    public void DeitFixtureMatchesPyTorchAtEitherWidth(VectorWidth width)
    {
        using var forced = CpuKernel.Force(width);
        var io = new FixtureFile("deit_tiny_block.io.safetensors");
        var layer = DeitAttention.Load(FixtureFiles.PathOf("deit_tiny_block.weights.safetensors"), "blocks.0.attn.");
        float[] x = io.F32("x");
        var output = new float[x.Length];
        layer.Forward(x, output);
        Tolerance.AssertClose(io.F32("expected.output"), output, $"output at {width}");
    }

    [Theory, MemberData(nameof(Widths))]
    public void SeedCFixtureWithWeightsMatchesPyTorchAtEitherWidth(VectorWidth width)
    {
        using var forced = CpuKernel.Force(width);
        var io = new FixtureFile("seedc_mask_weights.io.safetensors");
        var layer = SeedCMasked.Load(FixtureFiles.PathOf("seedc_mask_weights.weights.safetensors"));
        float[] q = io.F32("query"), k = io.F32("key"), v = io.F32("value");
        int batch = io.Shape("query")[0];
        var output = new float[batch * SeedCMasked.QueryTokens * SeedCMasked.ModelDim];
        var weights = new float[batch * SeedCMasked.Heads * SeedCMasked.QueryTokens * SeedCMasked.KeyTokens];
        layer.Forward(q, k, v, io.Bool("mask"), output, weights);
        Tolerance.AssertClose(io.F32("expected.output"), output, $"output at {width}");
        Tolerance.AssertClose(io.F32("expected.attention"), weights, $"attention at {width}");
    }

    [Fact]
    public void ThreadCountDoesNotChangeTheResult()
    {
        var layer = DeitAttention.Load(RandomCheckpoint.For(DeitAttention.Spec, 21));
        var io = LayerInputs.For(DeitAttention.Spec, 2, 21);
        layer.MaxDegreeOfParallelism = 1;
        var single = new float[io.Output.Length];
        layer.Forward(io.Query, single);
        foreach (int threads in new[] { 2, 3, 8 })
        {
            layer.MaxDegreeOfParallelism = threads;
            var parallel = new float[io.Output.Length];
            layer.Forward(io.Query, parallel);
            Assert.Equal(single, parallel);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void MaxDegreeOfParallelismBelowOneIsRejected(int value)
    {
        var layer = SingleToken.Load(RandomCheckpoint.For(SingleToken.Spec, 1));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => layer.MaxDegreeOfParallelism = value);
        Assert.Equal("MaxDegreeOfParallelism", ex.ParamName);
    }
}
