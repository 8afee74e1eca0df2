using ILGPU.Runtime;
using StaticAttention.Gpu;
using StaticAttention.Tests.Layers;
using StaticAttention.Weights;

namespace StaticAttention.Tests.Gpu;

/// <summary>
/// Random checkpoints and inputs through every generated test layer's kernels on the CPU accelerator, against the
/// reference implementation: each mask kind, projection kind, self and cross attention, GQA/MQA, the small-sequence
/// kernel (the fixture and property layers) and the flash kernel (<see cref="FlashPaddingCausal"/> and friends). One
/// session per layer (its kernels compile once), two batches.
/// </summary>
[Collection(AcceleratorCollection.Name)]
public sealed class GpuPropertyTests
{
    private static readonly int[] Batches = [1, 3];

    [Fact]
    public void FlashKeyPaddingCausalWithWeights() => CheckOnAccelerator(
        FlashPaddingCausal.Spec, 31, checkpoint => FlashPaddingCausal.Load(checkpoint), (layer, accelerator) => layer.UseAccelerator(accelerator), layer => layer.Weights,
        (layer, io) => layer.Forward(io.Query, io.Mask, io.Output, io.Weights));

    [Fact]
    public void FlashWideHeadKeyPaddingCausalWithWeights() => CheckOnAccelerator(
        FlashWideHeadCausal.Spec, 36, checkpoint => FlashWideHeadCausal.Load(checkpoint), (layer, accelerator) => layer.UseAccelerator(accelerator), layer => layer.Weights,
        (layer, io) => layer.Forward(io.Query, io.Mask, io.Output, io.Weights));

    [Fact]
    public void OneTokenWithFusedProjections() => CheckOnAccelerator(
        OneTokenProjections.Spec, 35, checkpoint => OneTokenProjections.Load(checkpoint), (layer, accelerator) => layer.UseAccelerator(accelerator), layer => layer.Weights,
        (layer, io) => layer.Forward(io.Query, io.Output));

    [Fact]
    public void FlashRelativeBiasWithValidLengths() => CheckOnAccelerator(
        FlashRelativeValidLengths.Spec, 32, checkpoint => FlashRelativeValidLengths.Load(checkpoint), (layer, accelerator) => layer.UseAccelerator(accelerator), layer => layer.Weights,
        (layer, io) => layer.Forward(io.Query, io.ValidLengths, io.Output));

    [Fact]
    public void FlashCrossAttentionWithKeepMaskAndWeights() => CheckOnAccelerator(
        FlashCrossKeepMask.Spec, 33, checkpoint => FlashCrossKeepMask.Load(checkpoint), (layer, accelerator) => layer.UseAccelerator(accelerator), layer => layer.Weights,
        (layer, io) => layer.Forward(io.Query, io.Key, io.Value, io.Mask, io.Output, io.Weights));

    [Fact]
    public void FlashPerQueryLengthsCausalWithoutProjections() => CheckOnAccelerator(
        FlashPerQueryCausal.Spec, 34, checkpoint => FlashPerQueryCausal.Load(checkpoint), (layer, accelerator) => layer.UseAccelerator(accelerator), layer => layer.Weights,
        (layer, io) => layer.Forward(io.Query, io.ValidLengths, io.Output));

    [Fact]
    public void SmallFusedCrossAttention() => CheckOnAccelerator(
        FusedCross.Spec, 41, checkpoint => FusedCross.Load(checkpoint), (layer, accelerator) => layer.UseAccelerator(accelerator), layer => layer.Weights,
        (layer, io) => layer.Forward(io.Query, io.Key, io.Value, io.Output));

    [Fact]
    public void SmallWideHeadsCustomScaleCausalPerQueryLengths() => CheckOnAccelerator(
        WideHeadsCausalPerQuery.Spec, 42, checkpoint => WideHeadsCausalPerQuery.Load(checkpoint), (layer, accelerator) => layer.UseAccelerator(accelerator), layer => layer.Weights,
        (layer, io) => layer.Forward(io.Query, io.ValidLengths, io.Output, io.Weights));

    [Fact]
    public void SmallMultiQueryCrossAttentionWithKeyPadding() => CheckOnAccelerator(
        MultiQueryCross.Spec, 43, checkpoint => MultiQueryCross.Load(checkpoint), (layer, accelerator) => layer.UseAccelerator(accelerator), layer => layer.Weights,
        (layer, io) => layer.Forward(io.Query, io.Key, io.Value, io.Mask, io.Output));

    [Fact]
    public void SmallKeepMaskWithCausal() => CheckOnAccelerator(
        KeepMaskCausal.Spec, 44, checkpoint => KeepMaskCausal.Load(checkpoint), (layer, accelerator) => layer.UseAccelerator(accelerator), layer => layer.Weights,
        (layer, io) => layer.Forward(io.Query, io.Mask, io.Output, io.Weights));

    [Fact]
    public void SmallSingleTokenWithoutProjections() => CheckOnAccelerator(
        SingleToken.Spec, 45, checkpoint => SingleToken.Load(checkpoint), (layer, accelerator) => layer.UseAccelerator(accelerator), layer => layer.Weights,
        (layer, io) => layer.Forward(io.Query, io.ValidLengths, io.Output));

    [Fact]
    public void SmallGroupedQueryWithRelativeBiasAndCausal() => CheckOnAccelerator(
        GroupedRelativeCausal.Spec, 46, checkpoint => GroupedRelativeCausal.Load(checkpoint), (layer, accelerator) => layer.UseAccelerator(accelerator), layer => layer.Weights,
        (layer, io) => layer.Forward(io.Query, io.Output));

    [Fact]
    public void SmallTemporalOnRandomWeights() => CheckOnAccelerator(
        TemporalAttention.Spec, 47, checkpoint => TemporalAttention.Load(checkpoint), (layer, accelerator) => layer.UseAccelerator(accelerator), layer => layer.Weights,
        (layer, io) => layer.Forward(io.Query, io.Output));

    [Fact]
    public void SmallSeedCKeepMaskWithWeights() => CheckOnAccelerator(
        SeedCMasked.Spec, 48, checkpoint => SeedCMasked.Load(checkpoint), (layer, accelerator) => layer.UseAccelerator(accelerator), layer => layer.Weights,
        (layer, io) => layer.Forward(io.Query, io.Key, io.Value, io.Mask, io.Output, io.Weights));

    [Fact]
    public void NaNInputsPropagateAsOnTheCpu()
    {
        var layer = TorchMhaCausal.Load(RandomCheckpoint.For(TorchMhaCausal.Spec, 49));
        var io = LayerInputs.For(TorchMhaCausal.Spec, 2, 49);
        io.Query[3] = float.NaN; // token 0 of item 0: its q, k and v are NaN, so every row of item 0 sees a NaN score
        Array.Clear(io.Mask);    // no padding, so key 0 is visible to every row
        var cpu = new float[io.Output.Length];
        layer.Forward(io.Query, io.Mask, cpu, io.Weights);
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        layer.Forward(io.Query, io.Mask, io.Output, io.Weights);
        int perItem = TorchMhaCausal.Tokens * TorchMhaCausal.ModelDim;
        Assert.All(io.Output.AsSpan(0, perItem).ToArray(), value => Assert.True(float.IsNaN(value)));
        Assert.All(io.Output.AsSpan(perItem).ToArray(), value => Assert.True(float.IsFinite(value)));
        Tolerance.AssertClose(cpu, io.Output, "output against the CPU path");
    }

    [Fact]
    public void RowsWithNoVisibleKeyGiveZeroWeightsOnBothKernels()
    {
        // Item 0 pads every key: each of its rows sees nothing, so its weights are zeros and its context is zero
        // (the output is the output bias alone); item 1 pads none.
        var flash = FlashPaddingCausal.Load(RandomCheckpoint.For(FlashPaddingCausal.Spec, 35));
        var flashIo = LayerInputs.For(FlashPaddingCausal.Spec, 2, 35);
        Array.Fill(flashIo.Mask, true, 0, FlashPaddingCausal.Tokens);
        Array.Fill(flashIo.Mask, false, FlashPaddingCausal.Tokens, FlashPaddingCausal.Tokens);
        using (flash.UseAccelerator(SharedAccelerator.Instance))
        {
            flash.Forward(flashIo.Query, flashIo.Mask, flashIo.Output, flashIo.Weights);
        }
        flashIo.AssertMatchesReference(flash.Weights);
        int perItem = FlashPaddingCausal.Heads * FlashPaddingCausal.Tokens * FlashPaddingCausal.Tokens;
        Assert.All(flashIo.Weights.AsSpan(0, perItem).ToArray(), w => Assert.Equal(0f, w));
        for (int token = 0; token < FlashPaddingCausal.Tokens; token++)
        {
            Assert.Equal(flash.Weights.OutputBias, flashIo.Output.AsSpan(token * FlashPaddingCausal.ModelDim, FlashPaddingCausal.ModelDim).ToArray());
        }

        var small = TorchMhaCausal.Load(RandomCheckpoint.For(TorchMhaCausal.Spec, 36));
        var smallIo = LayerInputs.For(TorchMhaCausal.Spec, 2, 36);
        Array.Fill(smallIo.Mask, true, 0, TorchMhaCausal.Tokens);
        using (small.UseAccelerator(SharedAccelerator.Instance))
        {
            small.Forward(smallIo.Query, smallIo.Mask, smallIo.Output, smallIo.Weights);
        }
        smallIo.AssertMatchesReference(small.Weights);
        Assert.All(smallIo.Weights.AsSpan(0, TorchMhaCausal.Heads * TorchMhaCausal.Tokens * TorchMhaCausal.Tokens).ToArray(), w => Assert.Equal(0f, w));
    }

    /// <summary>
    /// Loads <paramref name="spec"/>'s layer with a random checkpoint (seed <paramref name="seed"/>), moves it onto the
    /// shared accelerator and compares its <paramref name="forward"/> with the reference implementation at every batch size.
    /// </summary>
    private static void CheckOnAccelerator<TLayer>(
        AttentionLayerSpec spec, int seed, Func<MemoryStream, TLayer> load, Func<TLayer, Accelerator, AcceleratorSession> useAccelerator,
        Func<TLayer, AttentionWeights> weightsOf, Action<TLayer, LayerInputs> forward)
    {
        TLayer layer = load(RandomCheckpoint.For(spec, seed));
        using AcceleratorSession session = useAccelerator(layer, SharedAccelerator.Instance);
        foreach (int batch in Batches)
        {
            var io = LayerInputs.For(spec, batch, seed * 10 + batch);
            forward(layer, io);
            io.AssertMatchesReference(weightsOf(layer));
        }
    }
}
