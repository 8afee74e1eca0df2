namespace StaticAttention.Tests.Layers;

/// <summary>
/// Wrong span lengths and out-of-range values at the generated <c>Forward</c>: each is an <see cref="ArgumentException"/>
/// naming the parameter and the numbers, and nothing is written or read out of bounds.
/// </summary>
public sealed class ForwardArgumentTests
{
    private static readonly TemporalAttention Temporal = TemporalAttention.Load(RandomCheckpoint.For(TemporalAttention.Spec, 1));
    private static readonly D2lAttention D2l = D2lAttention.Load(RandomCheckpoint.For(D2lAttention.Spec, 2));
    private static readonly SeedCMasked SeedC = SeedCMasked.Load(RandomCheckpoint.For(SeedCMasked.Spec, 3));
    private static readonly TorchMhaCausal Torch = TorchMhaCausal.Load(RandomCheckpoint.For(TorchMhaCausal.Spec, 4));
    private static readonly D2lAttentionPerQuery PerQuery = D2lAttentionPerQuery.Load(RandomCheckpoint.For(D2lAttentionPerQuery.Spec, 5));

    private const int PerItem = TemporalAttention.Tokens * TemporalAttention.ModelDim; // 512

    [Theory]
    [InlineData(0)]             // empty batch
    [InlineData(PerItem - 1)]   // short of one item
    [InlineData(PerItem + 3)]   // not a whole batch
    public void InputThatIsNotAWholePositiveBatchIsRejected(int length)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => Temporal.Forward(new float[length], new float[PerItem]));
        Assert.Equal("x", ex.ParamName);
        Assert.Contains(length.ToString(), ex.Message);
        Assert.Contains(PerItem.ToString(), ex.Message);
    }

    [Theory]
    [InlineData(2 * PerItem - 1)] // short
    [InlineData(2 * PerItem + 1)] // long: a longer output is an error too
    [InlineData(PerItem)]         // one item's worth for a batch of two
    public void OutputOfTheWrongLengthIsRejected(int length)
    {
        var output = new float[length];
        var ex = Assert.ThrowsAny<ArgumentException>(() => Temporal.Forward(new float[2 * PerItem], output));
        Assert.Equal("output", ex.ParamName);
        Assert.Contains((2 * PerItem).ToString(), ex.Message);
        Assert.Contains(length.ToString(), ex.Message);
        Assert.All(output, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void KeyAndValueMustMatchTheQueryBatch()
    {
        var io = LayerInputs.For(D2lAttention.Spec, 2, 1);
        var ex = Assert.ThrowsAny<ArgumentException>(() => D2l.Forward(io.Query, io.Key.AsSpan(1), io.Value, io.ValidLengths, io.Output));
        Assert.Equal("key", ex.ParamName);
        ex = Assert.ThrowsAny<ArgumentException>(() => D2l.Forward(io.Query, io.Key, io.Value.AsSpan(0, io.Value.Length / 2), io.ValidLengths, io.Output));
        Assert.Equal("value", ex.ParamName);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(D2lAttention.KeyTokens + 1)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void ValidLengthsOutOfRangeAreRejected(int length)
    {
        var io = LayerInputs.For(D2lAttention.Spec, 2, 1);
        int[] validLengths = [2, length];
        var ex = Assert.ThrowsAny<ArgumentException>(() => D2l.Forward(io.Query, io.Key, io.Value, validLengths, io.Output));
        Assert.Equal("validLengths", ex.ParamName);
        Assert.Contains(length.ToString(), ex.Message);
    }

    [Fact]
    public void ValidLengthsAtTheBoundsAreAccepted()
    {
        var io = LayerInputs.For(D2lAttention.Spec, 2, 1);
        D2l.Forward(io.Query, io.Key, io.Value, [0, D2lAttention.KeyTokens], io.Output);
        Assert.All(io.Output, v => Assert.True(float.IsFinite(v)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ValidLengthsOfTheWrongCountAreRejected(int count)
    {
        var io = LayerInputs.For(D2lAttention.Spec, 2, 1);
        var ex = Assert.ThrowsAny<ArgumentException>(() => D2l.Forward(io.Query, io.Key, io.Value, new int[count], io.Output));
        Assert.Equal("validLengths", ex.ParamName);
    }

    [Fact]
    public void PerQueryValidLengthsNeedOnePerQueryRow()
    {
        var io = LayerInputs.For(D2lAttentionPerQuery.Spec, 2, 1);
        // The call-time check under test; the analyzer reports the same constant length at compile time (SA0019).
#pragma warning disable SA0019
        var ex = Assert.ThrowsAny<ArgumentException>(() => PerQuery.Forward(io.Query, io.Key, io.Value, new int[2], io.Output));
#pragma warning restore SA0019
        Assert.Equal("validLengths", ex.ParamName);
        Assert.Contains((2 * D2lAttentionPerQuery.QueryTokens).ToString(), ex.Message);
    }

    [Fact]
    public void KeepMaskOfTheWrongLengthIsRejected()
    {
        var io = LayerInputs.For(SeedCMasked.Spec, 2, 1);
        var ex = Assert.ThrowsAny<ArgumentException>(() => SeedC.Forward(io.Query, io.Key, io.Value, io.Mask.AsSpan(1), io.Output, io.Weights));
        Assert.Equal("mask", ex.ParamName);
        Assert.Contains(io.Mask.Length.ToString(), ex.Message);
    }

    [Fact]
    public void KeyPaddingMaskOfTheWrongLengthIsRejected()
    {
        var io = LayerInputs.For(TorchMhaCausal.Spec, 2, 1);
        var ex = Assert.ThrowsAny<ArgumentException>(() => Torch.Forward(io.Query, new bool[TorchMhaCausal.Tokens], io.Output, io.Weights));
        Assert.Equal("mask", ex.ParamName);
    }

    [Fact]
    public void WeightsOfTheWrongLengthAreRejected()
    {
        var io = LayerInputs.For(SeedCMasked.Spec, 2, 1);
        var ex = Assert.ThrowsAny<ArgumentException>(() => SeedC.Forward(io.Query, io.Key, io.Value, io.Mask, io.Output, new float[io.Weights.Length + 1]));
        Assert.Equal("weights", ex.ParamName);
    }

    [Fact]
    public void NaNInputPropagatesAsNaNLikePyTorch()
    {
        var io = LayerInputs.For(TemporalAttention.Spec, 1, 1);
        io.Query[3] = float.NaN; // token 0 of the only item
        Temporal.Forward(io.Query, io.Output);
        Assert.True(float.IsNaN(io.Output[0]));
    }
}
