using ILGPU.Runtime;
using StaticAttention.Gpu;
using StaticAttention.Tests.Layers;
using StaticAttention.Weights;

namespace StaticAttention.Tests.Gpu;

/// <summary>
/// The decoder terms through the flash kernel (<see cref="FlashRotaryWindow"/> and friends) on the CPU accelerator,
/// random checkpoints and inputs against the reference implementation; each layer once more through the few-groups
/// kernel (32-row tiles), forced by an H200's multiprocessor count.
/// </summary>
[Collection(AcceleratorCollection.Name)]
public sealed class GpuDecoderTests
{
    private const int H200Multiprocessors = 132;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RotateHalfPartialWithWindowShorterThanATile(bool narrow) => Check(
        FlashRotaryWindow.Spec, 61, narrow, checkpoint => FlashRotaryWindow.Load(checkpoint), (layer, accelerator) => layer.UseAccelerator(accelerator),
        layer => layer.Weights, (layer, io) => layer.Forward(io.Query, io.Output));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void InterleavedPartialWithWindowSpanningTiles(bool narrow) => Check(
        FlashInterleavedWindow.Spec, 62, narrow, checkpoint => FlashInterleavedWindow.Load(checkpoint), (layer, accelerator) => layer.UseAccelerator(accelerator),
        layer => layer.Weights, (layer, io) => layer.Forward(io.Query, io.Output));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SoftcapOnCrossAttention(bool narrow) => Check(
        FlashSoftcapCross.Spec, 63, narrow, checkpoint => FlashSoftcapCross.Load(checkpoint), (layer, accelerator) => layer.UseAccelerator(accelerator),
        layer => layer.Weights, (layer, io) => layer.Forward(io.Query, io.Key, io.Value, io.Output));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AlibiOnSixHeadsWithSoftcap(bool narrow) => Check(
        FlashAlibiSoftcap.Spec, 64, narrow, checkpoint => FlashAlibiSoftcap.Load(checkpoint), (layer, accelerator) => layer.UseAccelerator(accelerator),
        layer => layer.Weights, (layer, io) => layer.Forward(io.Query, io.Output));

    [Fact]
    public void WideHeadRotaryWindowAndAlibi() => Check(
        FlashWideRotaryWindow.Spec, 65, false, checkpoint => FlashWideRotaryWindow.Load(checkpoint), (layer, accelerator) => layer.UseAccelerator(accelerator),
        layer => layer.Weights, (layer, io) => layer.Forward(io.Query, io.Output));

    /// <summary>
    /// Loads <paramref name="spec"/>'s layer with a random checkpoint, moves it onto the shared accelerator and compares
    /// its output with the reference implementation: two items, or one item through the 32-row kernel when <paramref name="narrow"/>.
    /// </summary>
    private static void Check<TLayer>(
        AttentionLayerSpec spec, int seed, bool narrow, Func<MemoryStream, TLayer> load, Func<TLayer, Accelerator, AcceleratorSession> useAccelerator,
        Func<TLayer, AttentionWeights> weightsOf, Action<TLayer, LayerInputs> forward)
    {
        TLayer layer = load(RandomCheckpoint.For(spec, seed));
        using AcceleratorSession session = useAccelerator(layer, SharedAccelerator.Instance);
        if (narrow) session.Device.Multiprocessors = H200Multiprocessors; // a few 64-row tiles × heads: too few groups
        var io = LayerInputs.For(spec, narrow ? 1 : 2, seed * 10);
        forward(layer, io);
        io.AssertMatchesReference(weightsOf(layer));
    }
}
