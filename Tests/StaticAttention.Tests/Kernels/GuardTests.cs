using StaticAttention.Internal;

namespace StaticAttention.Tests.Kernels;

public class GuardTests
{
    [Theory]
    [InlineData(512, 64, 8)]
    [InlineData(64, 64, 1)]
    public void BatchDividesWholeLengths(int length, int perItem, int batch) => Assert.Equal(batch, Guard.Batch(length, perItem, "x"));

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(63)]
    public void BatchRejectsPartialOrEmptyInputs(int length)
    {
        var e = Assert.Throws<ArgumentException>(() => Guard.Batch(length, 64, "x"));
        Assert.Equal("x", e.ParamName);
        Assert.Contains($"has {length} elements", e.Message);
        Assert.Contains("64", e.Message);
        Assert.Contains("whole, non-zero number", e.Message);
    }

    [Fact]
    public void LengthNamesParameterShapeAndNumbers()
    {
        Guard.Length(3072, 6, 512, "output", "[batch, QueryTokens 8, ModelDim 64]");
        var e = Assert.Throws<ArgumentException>(() => Guard.Length(3000, 6, 512, "output", "[batch, QueryTokens 8, ModelDim 64]"));
        Assert.Equal("output", e.ParamName);
        Assert.StartsWith("output must have 3072 elements ([batch, QueryTokens 8, ModelDim 64] with batch 6), but has 3000.", e.Message);
    }

    [Fact]
    public void LengthDoesNotOverflowForHugeBatches()
    {
        // 5,000,000 · 1,000 wraps around in int arithmetic to a small positive number; the check must not be fooled.
        int wrapped = unchecked(5_000_000 * 1_000);
        var e = Assert.Throws<ArgumentException>(() => Guard.Length(wrapped, 5_000_000, 1_000, "output", "[batch, 1000]"));
        Assert.Contains("5000000000", e.Message);
    }

    [Fact]
    public void ScratchLengthRejectsWhatOneArrayCannotHold()
    {
        Assert.Equal(6 * 512 + 8, Guard.ScratchLength(6, 512, 8, "x"));
        var e = Assert.Throws<ArgumentException>(() => Guard.ScratchLength(5_000_000, 1_000, 8, "x"));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("5000000008", e.Message);
    }

    [Fact]
    public void ValidLengthsAcceptsZeroToKeyTokens() => Guard.ValidLengths([0, 3, 6], 6, "validLengths");

    [Theory]
    [InlineData(-1)]
    [InlineData(7)]
    public void ValidLengthsRejectsOutOfRange(int bad)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Guard.ValidLengths([2, bad], 6, "validLengths"));
        Assert.Equal("validLengths", e.ParamName);
        Assert.Contains($"validLengths[1] is {bad}", e.Message);
        Assert.Contains("[0, 6]", e.Message);
    }
}
