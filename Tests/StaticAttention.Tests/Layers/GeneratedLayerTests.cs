namespace StaticAttention.Tests.Layers;

/// <summary>
/// Generated layers on random checkpoints and inputs against the reference implementation: every projection kind,
/// self and cross attention, GQA/MQA, HeadDim set, custom scale, every mask kind with and without causal.
/// </summary>
public sealed class GeneratedLayerTests
{
    public static TheoryData<int, int> Batches => new() { { 1, 101 }, { 3, 202 } };

    [Theory, MemberData(nameof(Batches))]
    public void FusedCrossAttention(int batch, int seed)
    {
        var layer = FusedCross.Load(RandomCheckpoint.For(FusedCross.Spec, seed));
        var io = LayerInputs.For(FusedCross.Spec, batch, seed);
        layer.Forward(io.Query, io.Key, io.Value, io.Output);
        io.AssertMatchesReference(layer.Weights);
    }

    [Theory, MemberData(nameof(Batches))]
    public void WideHeadsWithCustomScaleCausalAndPerQueryLengths(int batch, int seed)
    {
        var layer = WideHeadsCausalPerQuery.Load(RandomCheckpoint.For(WideHeadsCausalPerQuery.Spec, seed));
        var io = LayerInputs.For(WideHeadsCausalPerQuery.Spec, batch, seed);
        layer.Forward(io.Query, io.ValidLengths, io.Output, io.Weights);
        io.AssertMatchesReference(layer.Weights);
    }

    [Theory, MemberData(nameof(Batches))]
    public void MultiQueryCrossAttentionWithKeyPadding(int batch, int seed)
    {
        var layer = MultiQueryCross.Load(RandomCheckpoint.For(MultiQueryCross.Spec, seed));
        var io = LayerInputs.For(MultiQueryCross.Spec, batch, seed);
        layer.Forward(io.Query, io.Key, io.Value, io.Mask, io.Output);
        io.AssertMatchesReference(layer.Weights);
    }

    [Theory, MemberData(nameof(Batches))]
    public void KeepMaskWithCausal(int batch, int seed)
    {
        var layer = KeepMaskCausal.Load(RandomCheckpoint.For(KeepMaskCausal.Spec, seed));
        var io = LayerInputs.For(KeepMaskCausal.Spec, batch, seed);
        layer.Forward(io.Query, io.Mask, io.Output, io.Weights);
        io.AssertMatchesReference(layer.Weights);
    }

    [Theory, MemberData(nameof(Batches))]
    public void SingleTokenWithoutProjections(int batch, int seed)
    {
        var layer = SingleToken.Load(RandomCheckpoint.For(SingleToken.Spec, seed));
        var io = LayerInputs.For(SingleToken.Spec, batch, seed);
        layer.Forward(io.Query, io.ValidLengths, io.Output);
        io.AssertMatchesReference(layer.Weights);
    }

    [Theory, MemberData(nameof(Batches))]
    public void GroupedQueryWithRelativeBiasAndCausal(int batch, int seed)
    {
        var layer = GroupedRelativeCausal.Load(RandomCheckpoint.For(GroupedRelativeCausal.Spec, seed));
        var io = LayerInputs.For(GroupedRelativeCausal.Spec, batch, seed);
        layer.Forward(io.Query, io.Output);
        io.AssertMatchesReference(layer.Weights);
    }

    [Theory, MemberData(nameof(Batches))]
    public void TemporalFixtureLayerOnRandomWeights(int batch, int seed)
    {
        var layer = TemporalAttention.Load(RandomCheckpoint.For(TemporalAttention.Spec, seed));
        var io = LayerInputs.For(TemporalAttention.Spec, batch, seed);
        layer.Forward(io.Query, io.Output);
        io.AssertMatchesReference(layer.Weights);
    }

    [Fact]
    public void ForwardAllocatesNothingAfterTheFirstCall()
    {
        var layer = SeedCMasked.Load(RandomCheckpoint.For(SeedCMasked.Spec, 7));
        var io = LayerInputs.For(SeedCMasked.Spec, 2, 7);
        layer.Forward(io.Query, io.Key, io.Value, io.Mask, io.Output, io.Weights);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) layer.Forward(io.Query, io.Key, io.Value, io.Mask, io.Output, io.Weights);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void ConcurrentCallsOnOneLayerGiveTheSameResults()
    {
        var layer = TemporalAttention.Load(RandomCheckpoint.For(TemporalAttention.Spec, 9));
        var io = LayerInputs.For(TemporalAttention.Spec, 4, 9);
        var expected = new float[io.Output.Length];
        layer.Forward(io.Query, expected);
        var outputs = new float[8][];
        Parallel.For(0, outputs.Length, i =>
        {
            outputs[i] = new float[expected.Length];
            for (int repeat = 0; repeat < 20; repeat++) layer.Forward(io.Query, outputs[i]);
        });
        foreach (float[] output in outputs) Assert.Equal(expected, output);
    }

    [Fact]
    public void ResultsDoNotDependOnTheBatchAnItemSitsIn()
    {
        var layer = D2lAttentionPerQuery.Load(RandomCheckpoint.For(D2lAttentionPerQuery.Spec, 5));
        var io = LayerInputs.For(D2lAttentionPerQuery.Spec, 3, 5);
        layer.Forward(io.Query, io.Key, io.Value, io.ValidLengths, io.Output);

        int q = D2lAttentionPerQuery.QueryTokens * D2lAttentionPerQuery.QuerySize;
        int k = D2lAttentionPerQuery.KeyTokens * D2lAttentionPerQuery.KeySize;
        int o = D2lAttentionPerQuery.QueryTokens * D2lAttentionPerQuery.ModelDim;
        var single = new float[o];
        layer.Forward(io.Query.AsSpan(q, q), io.Key.AsSpan(k, k), io.Value.AsSpan(k, k),
            io.ValidLengths.AsSpan(D2lAttentionPerQuery.QueryTokens, D2lAttentionPerQuery.QueryTokens), single);
        Assert.Equal(io.Output.AsSpan(o, o).ToArray(), single);
    }
}
