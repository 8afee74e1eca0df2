using ILGPU;
using ILGPU.Runtime;
using StaticAttention.Gpu;
using StaticAttention.Internal.Gpu;
using StaticAttention.Tests.Layers;

namespace StaticAttention.Tests.Gpu;

/// <summary>
/// The projection GEMMs' run-time paths: wide tiles, narrow tiles with K split (the splits adding into a zeroed
/// output), and caller views that are not 16-byte aligned, each against the CPU path.
/// </summary>
[Collection(AcceleratorCollection.Name)]
public sealed class GemmPathTests
{
    private static Accelerator Accelerator => SharedAccelerator.Instance;

    [Theory]
    [InlineData(1, 8, 64, 132, 32)]       // one narrow tile: split to fill 528 groups, two k-steps each at least
    [InlineData(8, 192, 64, 132, 32)]     // 3 narrow tiles, 176 splits wanted, but K = 64 gives two at most
    [InlineData(197, 768, 768, 132, 80)]  // vit_b's output projection: 48 narrow tiles, 11 splits wanted, 10 of 80
    [InlineData(197, 2304, 768, 132, 192)] // vit_b's qkv projection: 144 narrow tiles, 4 splits
    [InlineData(4096, 768, 768, 132, 768)] // the narrow tiles fill the device four times: K whole
    [InlineData(3, 5, 7, 4, 16)]          // K below two steps: one step of 16 covers it
    public void SplitDepthFillsTheDeviceInWholeSteps(int rows, int n, int k, int multiprocessors, int depth)
    {
        int actual = GemmLaunch.SplitDepth(rows, n, k, multiprocessors);
        Assert.Equal(depth, actual);
        Assert.Equal(0, actual % GemmLaunch.NarrowStep);
    }

    [Theory]
    [InlineData(197, 2304, 132, false)]
    [InlineData(12608, 768, 132, true)]
    [InlineData(8192, 768, 132, true)]
    [InlineData(1100, 768, 132, false)] // 9 × 6 = 54 wide tiles < 132
    public void WideTilesWhenThereIsOnePerMultiprocessor(int rows, int n, int multiprocessors, bool wide) =>
        Assert.Equal(wide, GemmLaunch.Wide(rows, n, multiprocessors));

    [Theory]
    [InlineData(1, 1)]   // wide tiles (the CPU accelerator has one multiprocessor)
    [InlineData(40, 1)]  // wide, three row tiles, the last one partial
    [InlineData(1, 132)] // narrow tiles, K split in two (as vit_b on an H200)
    [InlineData(48, 8)]  // narrow; both projections split in two
    public void EveryTilingGivesTheCpuResults(int batch, int multiprocessors)
    {
        // TemporalAttention: [rows, 64] -> [rows, 192] and [rows, 64] -> [rows, 64], 8 rows per item.
        var layer = TemporalAttention.Load(RandomCheckpoint.For(TemporalAttention.Spec, 61));
        var io = LayerInputs.For(TemporalAttention.Spec, batch, 61 + batch);
        var expected = new float[io.Output.Length];
        layer.Forward(io.Query, expected); // on the CPU

        using var session = layer.UseAccelerator(Accelerator);
        session.Device.Multiprocessors = multiprocessors;
        var actual = new float[io.Output.Length];
        layer.Forward(io.Query, actual);
        Tolerance.AssertClose(expected, actual, $"batch {batch} as if on {multiprocessors} multiprocessors");
    }

    [Fact]
    public void TheTilingCasesTakeTheirPaths()
    {
        Assert.True(GemmLaunch.Wide(8, 64, 1) && GemmLaunch.Wide(320, 192, 1));
        Assert.False(GemmLaunch.Wide(8, 192, 132) || GemmLaunch.Wide(8, 64, 132));
        Assert.Equal(32, GemmLaunch.SplitDepth(8, 192, 64, 132));
        Assert.False(GemmLaunch.Wide(384, 192, 8) || GemmLaunch.Wide(384, 64, 8));
        Assert.Equal(32, GemmLaunch.SplitDepth(384, 192, 64, 8));
        Assert.Equal(32, GemmLaunch.SplitDepth(384, 64, 64, 8));
    }

    [Fact]
    public void ViewsOffAFourFloatBoundaryAreReadAndWrittenThroughScratch()
    {
        var layer = TemporalAttention.Load(RandomCheckpoint.For(TemporalAttention.Spec, 62));
        var io = LayerInputs.For(TemporalAttention.Spec, 3, 62);
        var expected = new float[io.Output.Length];
        layer.Forward(io.Query, expected);

        using var session = layer.UseAccelerator(Accelerator);
        using var x = Accelerator.Allocate1D<float>(io.Query.Length + 1);
        using var y = Accelerator.Allocate1D<float>(io.Output.Length + 3);
        ArrayView<float> input = x.View.SubView(1, io.Query.Length).AsContiguous();
        ArrayView<float> output = y.View.SubView(3, io.Output.Length).AsContiguous();
        input.CopyFromCPU(io.Query);
        layer.Forward(input, output);
        Accelerator.Synchronize();
        var actual = new float[io.Output.Length];
        output.CopyToCPU(actual);
        Tolerance.AssertClose(expected, actual, "views at offsets 1 and 3");
    }
}
