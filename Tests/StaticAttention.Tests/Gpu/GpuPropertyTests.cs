using StaticAttention.Tests.Layers;

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
    public void FlashKeyPaddingCausalWithWeights()
    {
        var layer = FlashPaddingCausal.Load(RandomCheckpoint.For(FlashPaddingCausal.Spec, 31));
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        foreach (var io in Inputs(FlashPaddingCausal.Spec, 31))
        {
            layer.Forward(io.Query, io.Mask, io.Output, io.Weights);
            io.AssertMatchesReference(layer.Weights);
        }
    }

    [Fact]
    public void OneTokenWithFusedProjections()
    {
        var layer = OneTokenProjections.Load(RandomCheckpoint.For(OneTokenProjections.Spec, 35));
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        foreach (var io in Inputs(OneTokenProjections.Spec, 35))
        {
            layer.Forward(io.Query, io.Output);
            io.AssertMatchesReference(layer.Weights);
        }
    }

    [Fact]
    public void FlashRelativeBiasWithValidLengths()
    {
        var layer = FlashRelativeValidLengths.Load(RandomCheckpoint.For(FlashRelativeValidLengths.Spec, 32));
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        foreach (var io in Inputs(FlashRelativeValidLengths.Spec, 32))
        {
            layer.Forward(io.Query, io.ValidLengths, io.Output);
            io.AssertMatchesReference(layer.Weights);
        }
    }

    [Fact]
    public void FlashCrossAttentionWithKeepMaskAndWeights()
    {
        var layer = FlashCrossKeepMask.Load(RandomCheckpoint.For(FlashCrossKeepMask.Spec, 33));
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        foreach (var io in Inputs(FlashCrossKeepMask.Spec, 33))
        {
            layer.Forward(io.Query, io.Key, io.Value, io.Mask, io.Output, io.Weights);
            io.AssertMatchesReference(layer.Weights);
        }
    }

    [Fact]
    public void FlashPerQueryLengthsCausalWithoutProjections()
    {
        var layer = FlashPerQueryCausal.Load(RandomCheckpoint.For(FlashPerQueryCausal.Spec, 34));
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        foreach (var io in Inputs(FlashPerQueryCausal.Spec, 34))
        {
            layer.Forward(io.Query, io.ValidLengths, io.Output);
            io.AssertMatchesReference(layer.Weights);
        }
    }

    [Fact]
    public void SmallFusedCrossAttention()
    {
        var layer = FusedCross.Load(RandomCheckpoint.For(FusedCross.Spec, 41));
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        foreach (var io in Inputs(FusedCross.Spec, 41))
        {
            layer.Forward(io.Query, io.Key, io.Value, io.Output);
            io.AssertMatchesReference(layer.Weights);
        }
    }

    [Fact]
    public void SmallWideHeadsCustomScaleCausalPerQueryLengths()
    {
        var layer = WideHeadsCausalPerQuery.Load(RandomCheckpoint.For(WideHeadsCausalPerQuery.Spec, 42));
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        foreach (var io in Inputs(WideHeadsCausalPerQuery.Spec, 42))
        {
            layer.Forward(io.Query, io.ValidLengths, io.Output, io.Weights);
            io.AssertMatchesReference(layer.Weights);
        }
    }

    [Fact]
    public void SmallMultiQueryCrossAttentionWithKeyPadding()
    {
        var layer = MultiQueryCross.Load(RandomCheckpoint.For(MultiQueryCross.Spec, 43));
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        foreach (var io in Inputs(MultiQueryCross.Spec, 43))
        {
            layer.Forward(io.Query, io.Key, io.Value, io.Mask, io.Output);
            io.AssertMatchesReference(layer.Weights);
        }
    }

    [Fact]
    public void SmallKeepMaskWithCausal()
    {
        var layer = KeepMaskCausal.Load(RandomCheckpoint.For(KeepMaskCausal.Spec, 44));
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        foreach (var io in Inputs(KeepMaskCausal.Spec, 44))
        {
            layer.Forward(io.Query, io.Mask, io.Output, io.Weights);
            io.AssertMatchesReference(layer.Weights);
        }
    }

    [Fact]
    public void SmallSingleTokenWithoutProjections()
    {
        var layer = SingleToken.Load(RandomCheckpoint.For(SingleToken.Spec, 45));
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        foreach (var io in Inputs(SingleToken.Spec, 45))
        {
            layer.Forward(io.Query, io.ValidLengths, io.Output);
            io.AssertMatchesReference(layer.Weights);
        }
    }

    [Fact]
    public void SmallGroupedQueryWithRelativeBiasAndCausal()
    {
        var layer = GroupedRelativeCausal.Load(RandomCheckpoint.For(GroupedRelativeCausal.Spec, 46));
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        foreach (var io in Inputs(GroupedRelativeCausal.Spec, 46))
        {
            layer.Forward(io.Query, io.Output);
            io.AssertMatchesReference(layer.Weights);
        }
    }

    [Fact]
    public void SmallTemporalOnRandomWeights()
    {
        var layer = TemporalAttention.Load(RandomCheckpoint.For(TemporalAttention.Spec, 47));
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        foreach (var io in Inputs(TemporalAttention.Spec, 47))
        {
            layer.Forward(io.Query, io.Output);
            io.AssertMatchesReference(layer.Weights);
        }
    }

    [Fact]
    public void SmallSeedCKeepMaskWithWeights()
    {
        var layer = SeedCMasked.Load(RandomCheckpoint.For(SeedCMasked.Spec, 48));
        using var session = layer.UseAccelerator(SharedAccelerator.Instance);
        foreach (var io in Inputs(SeedCMasked.Spec, 48))
        {
            layer.Forward(io.Query, io.Key, io.Value, io.Mask, io.Output, io.Weights);
            io.AssertMatchesReference(layer.Weights);
        }
    }

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

    private static IEnumerable<LayerInputs> Inputs(AttentionLayerSpec spec, int seed)
    {
        foreach (int batch in Batches) yield return LayerInputs.For(spec, batch, seed * 10 + batch);
    }
}
