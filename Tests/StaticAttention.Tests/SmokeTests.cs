namespace StaticAttention.Tests;

public class SmokeTests
{
    [Fact]
    public void SpecDefaultsHeadDim() => Assert.Equal(16, AttentionLayerSpec.Create("L", 4, 64, 8, 8).HeadDim);
}
