using ILGPU;
using ILGPU.Runtime;
using StaticAttention.Gpu;
using StaticAttention.Internal.Gpu;
using StaticAttention.Tests.Layers;
using StaticAttention.Weights;

namespace StaticAttention.Tests.Gpu;

/// <summary>The runtime's device side on its own: weight upload (transposed, split), argument errors, scratch reuse.</summary>
[Collection(AcceleratorCollection.Name)]
public sealed class DeviceWeightsTests
{
    [Fact]
    public void ProjectionMatricesAreUploadedTransposed()
    {
        var layer = SeedCCross.Load(RandomCheckpoint.For(SeedCCross.Spec, 61));
        using var weights = new DeviceWeights(SharedAccelerator.Instance, SeedCCross.Spec, layer.Weights);
        float[] query = Read(weights.Query);
        int rows = SeedCCross.Spec.QueryWidth, columns = SeedCCross.Spec.QuerySize;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++) Assert.Equal(layer.Weights.Query[r * columns + c], query[c * rows + r]);
        }
        Assert.Equal(layer.Weights.OutputBias, Read(weights.OutputBias));
        Assert.Equal(0, weights.Input.Length);
    }

    [Fact]
    public void AFusedCrossAttentionMatrixIsSplitByRowBlocks()
    {
        var layer = FusedCross.Load(RandomCheckpoint.For(FusedCross.Spec, 62));
        using var weights = new DeviceWeights(SharedAccelerator.Instance, FusedCross.Spec, layer.Weights);
        var spec = FusedCross.Spec;
        float[] value = Read(weights.Value);
        int first = spec.QueryWidth + spec.KvWidth;
        Assert.Equal(layer.Weights.Fused[first * spec.ValueSize + 1], value[1 * spec.KvWidth + 0]);
        Assert.Equal(layer.Weights.FusedBias.AsSpan(first, spec.KvWidth).ToArray(), Read(weights.ValueBias));
    }

    [Fact]
    public void AWeightArrayOfTheWrongLengthIsNamed()
    {
        var layer = TemporalAttention.Load(RandomCheckpoint.For(TemporalAttention.Spec, 63));
        var broken = new AttentionWeights
        {
            Fused = layer.Weights.Fused,
            FusedBias = layer.Weights.FusedBias,
            Output = layer.Weights.Output,
            OutputBias = layer.Weights.OutputBias[1..],
            RelativePositionBiasTable = layer.Weights.RelativePositionBiasTable,
        };
        var ex = Assert.Throws<ArgumentException>(() => new DeviceWeights(SharedAccelerator.Instance, TemporalAttention.Spec, broken));
        Assert.Contains("OutputBias has 63 elements, but the layer needs 64", ex.Message);
    }

    [Fact]
    public void ScratchGrowsOnlyWhenASlotIsTooSmall()
    {
        using var scratch = new DeviceScratch(SharedAccelerator.Instance, floatSlots: 2, intSlots: 1);
        var first = scratch.Floats(0, 100);
        float[] values = [.. Enumerable.Range(0, 100).Select(i => (float)i)];
        DeviceTransfer.Upload<float>(values, first);
        var smaller = scratch.Floats(0, 60);
        Assert.Equal(100, first.Length);
        Assert.Equal(60, smaller.Length);
        Assert.Equal(values[..60], Read(smaller)); // the same memory, not a new buffer
        Assert.Equal(7, scratch.Ints(0, 7).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => scratch.Floats(2, 1));
        scratch.Dispose();
        Assert.Throws<ObjectDisposedException>(() => scratch.Floats(0, 1));
    }

    [Fact]
    public void TransfersCheckLengths()
    {
        using var buffer = SharedAccelerator.Instance.Allocate1D<float>(4);
        var view = buffer.View.AsContiguous();
        DeviceTransfer.Upload<float>([1f, 2f, 3f, 4f], view);
        var back = new float[4];
        DeviceTransfer.Download(view, back);
        Assert.Equal([1f, 2f, 3f, 4f], back);
        var ex = Assert.Throws<ArgumentException>(() => DeviceTransfer.Upload<float>([1f, 2f], view));
        Assert.Contains("2 elements, but the device view 4", ex.Message);
    }

    private static float[] Read(ArrayView<float> view)
    {
        var data = new float[view.Length];
        DeviceTransfer.Download(view, data);
        return data;
    }
}
