using ILGPU.Runtime;
using StaticAttention.Gpu;
using StaticAttention.Tests.Layers;
using StaticAttention.Weights;

namespace StaticAttention.Tests.Gpu;

/// <summary>
/// The flash kernel's few-groups path (<c>GpuAttentionNarrow</c>, 32-row query tiles), taken when the 64-row tiles
/// would not give every multiprocessor a group: forced on the CPU accelerator by setting the session's multiprocessor
/// count to an H200's, through the flash test layers' masks, causal tiles, padded tiles and weights, against the reference.
/// </summary>
[Collection(AcceleratorCollection.Name)]
public sealed class FlashPathTests
{
    private const int H200Multiprocessors = 132;

    [Fact]
    public void KeyPaddingCausalWithWeights() => CheckNarrow(
        FlashPaddingCausal.Spec, 51, checkpoint => FlashPaddingCausal.Load(checkpoint), (layer, accelerator) => layer.UseAccelerator(accelerator), layer => layer.Weights,
        (layer, io) => layer.Forward(io.Query, io.Mask, io.Output, io.Weights));

    [Fact]
    public void RelativeBiasWithValidLengths() => CheckNarrow(
        FlashRelativeValidLengths.Spec, 52, checkpoint => FlashRelativeValidLengths.Load(checkpoint), (layer, accelerator) => layer.UseAccelerator(accelerator), layer => layer.Weights,
        (layer, io) => layer.Forward(io.Query, io.ValidLengths, io.Output));

    [Fact]
    public void CrossAttentionWithKeepMaskAndWeights() => CheckNarrow(
        FlashCrossKeepMask.Spec, 53, checkpoint => FlashCrossKeepMask.Load(checkpoint), (layer, accelerator) => layer.UseAccelerator(accelerator), layer => layer.Weights,
        (layer, io) => layer.Forward(io.Query, io.Key, io.Value, io.Mask, io.Output, io.Weights));

    [Fact]
    public void PerQueryLengthsCausalWithoutProjections() => CheckNarrow(
        FlashPerQueryCausal.Spec, 54, checkpoint => FlashPerQueryCausal.Load(checkpoint), (layer, accelerator) => layer.UseAccelerator(accelerator), layer => layer.Weights,
        (layer, io) => layer.Forward(io.Query, io.ValidLengths, io.Output));

    private static void CheckNarrow<TLayer>(
        AttentionLayerSpec spec, int seed, Func<MemoryStream, TLayer> load, Func<TLayer, Accelerator, AcceleratorSession> useAccelerator,
        Func<TLayer, AttentionWeights> weightsOf, Action<TLayer, LayerInputs> forward)
    {
        TLayer layer = load(RandomCheckpoint.For(spec, seed));
        using AcceleratorSession session = useAccelerator(layer, SharedAccelerator.Instance);
        session.Device.Multiprocessors = H200Multiprocessors; // 1 or 2 tiles of 64 rows × 2 heads × 2 items: too few groups
        var io = LayerInputs.For(spec, 2, seed * 10);
        forward(layer, io);
        io.AssertMatchesReference(weightsOf(layer));
    }
}
