using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using StaticAttention.Tests.Layers;

namespace StaticAttention.Tests.Gpu;

/// <summary>
/// The device-view <c>Forward</c> (activations stay on the accelerator, layers chain without copies), its argument
/// checks, and the session's life: the span overloads run on the device while a session is live and on the CPU after
/// it is disposed.
/// </summary>
[Collection(AcceleratorCollection.Name)]
public sealed class DeviceViewTests
{
    private static Accelerator Accelerator => SharedAccelerator.Instance;

    [Fact]
    public void DeviceViewsGiveTheSpanResultsAndChainWithoutCopies()
    {
        var first = TemporalAttention.Load(RandomCheckpoint.For(TemporalAttention.Spec, 51));
        var second = TemporalAttention.Load(RandomCheckpoint.For(TemporalAttention.Spec, 52));
        var io = LayerInputs.For(TemporalAttention.Spec, 2, 51);
        var middle = new float[io.Output.Length];
        var expected = new float[io.Output.Length];
        first.Forward(io.Query, middle);     // on the CPU
        second.Forward(middle, expected);

        using var firstSession = first.UseAccelerator(Accelerator);
        using var secondSession = second.UseAccelerator(Accelerator);
        using var x = Accelerator.Allocate1D(io.Query);
        using var y = Accelerator.Allocate1D<float>(io.Output.Length);
        using var z = Accelerator.Allocate1D<float>(io.Output.Length);
        first.Forward(x.View.AsContiguous(), y.View.AsContiguous());
        second.Forward(y.View.AsContiguous(), z.View.AsContiguous());
        Accelerator.Synchronize();
        Tolerance.AssertClose(expected, z.GetAsArray1D(), "two layers chained on the device");
    }

    [Fact]
    public void DeviceViewsWithMaskAndWeights()
    {
        var layer = TorchMhaCausal.Load(RandomCheckpoint.For(TorchMhaCausal.Spec, 53));
        var io = LayerInputs.For(TorchMhaCausal.Spec, 3, 53);
        using var session = layer.UseAccelerator(Accelerator);
        using var x = Accelerator.Allocate1D(io.Query);
        using var mask = Accelerator.Allocate1D(Array.ConvertAll(io.Mask, m => m ? 1 : 0));
        using var output = Accelerator.Allocate1D<float>(io.Output.Length);
        using var weights = Accelerator.Allocate1D<float>(io.Weights.Length);
        layer.Forward(x.View.AsContiguous(), mask.View.AsContiguous(), output.View.AsContiguous(), weights.View.AsContiguous());
        Accelerator.Synchronize();
        output.View.CopyToCPU(io.Output);
        weights.View.CopyToCPU(io.Weights);
        io.AssertMatchesReference(layer.Weights);
    }

    [Fact]
    public void WrongViewLengthsNameTheParameterAndTheNumbers()
    {
        var layer = D2lAttention.Load(RandomCheckpoint.For(D2lAttention.Spec, 54));
        using var session = layer.UseAccelerator(Accelerator);
        int q = D2lAttention.QueryTokens * D2lAttention.QuerySize, k = D2lAttention.KeyTokens * D2lAttention.KeySize;
        int v = D2lAttention.KeyTokens * D2lAttention.ValueSize, o = D2lAttention.QueryTokens * D2lAttention.ModelDim;
        using var query = Accelerator.Allocate1D<float>(2 * q);
        using var key = Accelerator.Allocate1D<float>(2 * k);
        using var value = Accelerator.Allocate1D<float>(2 * v + 1);
        using var lengths = Accelerator.Allocate1D<int>(2);
        using var output = Accelerator.Allocate1D<float>(2 * o);

        var ex = Assert.Throws<ArgumentException>(() => layer.Forward(
            query.View.AsContiguous(), key.View.AsContiguous(), value.View.AsContiguous(), lengths.View.AsContiguous(), output.View.AsContiguous()));
        Assert.Equal("value", ex.ParamName);
        Assert.Contains($"must have {2 * v} elements", ex.Message);
        Assert.Contains($"but has {2 * v + 1}", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => layer.Forward(
            query.View.SubView(0, q + 1).AsContiguous(), key.View.AsContiguous(), value.View.SubView(0, 2 * v).AsContiguous(),
            lengths.View.AsContiguous(), output.View.AsContiguous()));
        Assert.Equal("query", ex.ParamName);
        Assert.Contains($"{q + 1} elements", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => layer.Forward(
            query.View.AsContiguous(), key.View.AsContiguous(), value.View.SubView(0, 2 * v).AsContiguous(),
            lengths.View.SubView(0, 1).AsContiguous(), output.View.AsContiguous()));
        Assert.Equal("validLengths", ex.ParamName);
        Assert.Contains("must have 2 elements", ex.Message);
    }

    [Fact]
    public void WrongSpanLengthsThrowBeforeAnythingRunsOnTheDevice()
    {
        var layer = SeedCMasked.Load(RandomCheckpoint.For(SeedCMasked.Spec, 55));
        var io = LayerInputs.For(SeedCMasked.Spec, 2, 55);
        using var session = layer.UseAccelerator(Accelerator);
        var ex = Assert.Throws<ArgumentException>(() => layer.Forward(io.Query, io.Key, io.Value, io.Mask, io.Output, new float[io.Weights.Length - 1]));
        Assert.Equal("weights", ex.ParamName);
        Assert.Contains($"must have {io.Weights.Length} elements", ex.Message);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            var d2l = D2lAttention.Load(RandomCheckpoint.For(D2lAttention.Spec, 56));
            using var d2lSession = d2l.UseAccelerator(Accelerator);
            var d2lIo = LayerInputs.For(D2lAttention.Spec, 1, 56);
            d2l.Forward(d2lIo.Query, d2lIo.Key, d2lIo.Value, [D2lAttention.KeyTokens + 1], d2lIo.Output);
        });
        Assert.Equal("validLengths", range.ParamName);
    }

    [Fact]
    public void DeviceViewsWithoutASessionThrow()
    {
        var layer = TemporalAttention.Load(RandomCheckpoint.For(TemporalAttention.Spec, 57));
        using var x = Accelerator.Allocate1D<float>(TemporalAttention.Tokens * TemporalAttention.ModelDim);
        var ex = Assert.Throws<InvalidOperationException>(() => layer.Forward(x.View.AsContiguous(), x.View.AsContiguous()));
        Assert.Contains("UseAccelerator", ex.Message);

        var session = layer.UseAccelerator(Accelerator);
        session.Dispose();
        ex = Assert.Throws<InvalidOperationException>(() => layer.Forward(x.View.AsContiguous(), x.View.AsContiguous()));
        Assert.Contains("disposed", ex.Message);
    }

    [Fact]
    public void DisposingTheSessionReturnsTheLayerToTheCpu()
    {
        var layer = TemporalAttention.Load(RandomCheckpoint.For(TemporalAttention.Spec, 58));
        var io = LayerInputs.For(TemporalAttention.Spec, 2, 58);
        Assert.Null(layer.Accelerator);
        var session = layer.UseAccelerator(Accelerator);
        Assert.Same(Accelerator, layer.Accelerator);
        var onDevice = new float[io.Output.Length];
        layer.Forward(io.Query, onDevice);
        session.Dispose();
        session.Dispose(); // idempotent
        Assert.True(session.IsDisposed);
        Assert.Null(layer.Accelerator);
        layer.Forward(io.Query, io.Output);
        io.AssertMatchesReference(layer.Weights);
        Tolerance.AssertClose(io.Output, onDevice, "device against CPU");
    }

    [Fact]
    public void ASecondUseAcceleratorWhileASessionIsLiveThrowsAndKeepsTheFirst()
    {
        var layer = TemporalAttention.Load(RandomCheckpoint.For(TemporalAttention.Spec, 65));
        var io = LayerInputs.For(TemporalAttention.Spec, 2, 65);
        var first = layer.UseAccelerator(Accelerator);
        var ex = Assert.Throws<InvalidOperationException>(() => layer.UseAccelerator(Accelerator));
        Assert.Contains(nameof(TemporalAttention), ex.Message);
        Assert.Contains("already runs on", ex.Message);

        // The first session is untouched and still runs the layer.
        Assert.False(first.IsDisposed);
        Assert.Same(Accelerator, layer.Accelerator);
        using (var x = Accelerator.Allocate1D(io.Query))
        using (var y = Accelerator.Allocate1D<float>(io.Output.Length))
        {
            layer.Forward(x.View.AsContiguous(), y.View.AsContiguous());
            Accelerator.Synchronize();
            y.View.CopyToCPU(io.Output);
        }
        io.AssertMatchesReference(layer.Weights);

        // Once it is disposed, a new session may be made.
        first.Dispose();
        using var second = layer.UseAccelerator(Accelerator);
        Assert.False(second.IsDisposed);
        Assert.Same(Accelerator, layer.Accelerator);
    }

    [Fact]
    public void ConcurrentCallsOnOneAcceleratedLayerGiveTheSameResults()
    {
        var layer = GqaCausal.Load(RandomCheckpoint.For(GqaCausal.Spec, 59));
        var io = LayerInputs.For(GqaCausal.Spec, 1, 59);
        using var session = layer.UseAccelerator(Accelerator);
        var expected = new float[io.Output.Length];
        layer.Forward(io.Query, expected);
        var outputs = new float[3][];
        Parallel.For(0, outputs.Length, i =>
        {
            outputs[i] = new float[expected.Length];
            layer.Forward(io.Query, outputs[i]);
        });
        foreach (float[] output in outputs) Assert.Equal(expected, output);
    }

    [Fact]
    public void ALargerBatchGrowsTheScratchAndASmallerOneReusesIt()
    {
        var layer = FusedCross.Load(RandomCheckpoint.For(FusedCross.Spec, 60));
        using var session = layer.UseAccelerator(Accelerator);
        foreach (int batch in new[] { 1, 4, 2 })
        {
            var io = LayerInputs.For(FusedCross.Spec, batch, 60 + batch);
            layer.Forward(io.Query, io.Key, io.Value, io.Output);
            io.AssertMatchesReference(layer.Weights);
        }
    }

    [Fact]
    public void AnAcceleratorWithNarrowWarpsIsRefusedByName()
    {
        // ILGPU's default CPU device has warps of 4: the kernels' shuffles and tiles assume 32.
        using var context = Context.Create(builder => builder.CPU(CPUDeviceKind.Default));
        using var narrow = context.GetCPUDevice(0).CreateAccelerator(context);
        var layer = TemporalAttention.Load(RandomCheckpoint.For(TemporalAttention.Spec, 64));
        var ex = Assert.Throws<ArgumentException>(() => layer.UseAccelerator(narrow));
        Assert.Equal("accelerator", ex.ParamName);
        Assert.Contains("warps of 32 threads", ex.Message);
        Assert.Contains($"warps of {narrow.WarpSize} and groups of up to {narrow.MaxNumThreadsPerGroup}", ex.Message);
        Assert.Null(layer.Accelerator);
    }
}
