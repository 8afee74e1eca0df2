using StaticAttention.Internal.Cpu;

namespace StaticAttention.Tests.Kernels;

public class PackedMatrixTests
{
    [Theory]
    [InlineData(VectorWidth.Vector256)]
    [InlineData(VectorWidth.Vector512)]
    public void KeepsShapeAndWidth(VectorWidth width)
    {
        using (CpuKernel.Force(width))
        {
            PackedMatrix packed = PackedMatrix.Pack(new float[5 * 3], [1, 2, 3, 4, 5], 5, 3);
            Assert.Equal(5, packed.OutFeatures);
            Assert.Equal(3, packed.InFeatures);
            Assert.Equal(width, packed.Width);
        }
    }

    [Theory]
    [InlineData(VectorWidth.Vector256)]
    [InlineData(VectorWidth.Vector512)]
    public void LaysOutBlocksOfKMajorPanels(VectorWidth width)
    {
        GemmTile tile = GemmTiles.For(width);
        // W[o, i] = 1000·o + i, so every packed value names its source.
        const int outFeatures = 37, inFeatures = 11, kc = 4;
        float[] weight = new float[outFeatures * inFeatures];
        for (int o = 0; o < outFeatures; o++)
        {
            for (int i = 0; i < inFeatures; i++) weight[o * inFeatures + i] = 1000 * o + i;
        }

        PackedMatrix packed = PackedMatrix.Pack(weight, [], outFeatures, inFeatures, tile, kc);
        int nr = tile.NR();
        Assert.Equal((outFeatures + nr - 1) / nr, packed.Panels);
        Assert.Equal(3, packed.KBlocks);
        Assert.Equal(packed.PaddedOut * inFeatures, packed.DataSpan.Length);
        for (int kb = 0; kb < packed.KBlocks; kb++)
        {
            int depth = Math.Min(kc, inFeatures - kb * kc);
            for (int p = 0; p < packed.Panels; p++)
            {
                for (int k = 0; k < depth; k++)
                {
                    for (int j = 0; j < nr; j++)
                    {
                        int o = p * nr + j, i = kb * kc + k;
                        float value = packed.DataSpan[kb * kc * packed.PaddedOut + p * depth * nr + k * nr + j];
                        Assert.Equal(o < outFeatures ? 1000 * o + i : 0f, value);
                    }
                }
            }

            for (int o = 0; o < packed.PaddedOut; o++) Assert.Equal(0f, packed.BiasSpan[o]);
        }
    }

    [Fact]
    public void WrongSizesThrowNamingTheParameter()
    {
        Assert.Equal("weight", Assert.Throws<ArgumentException>(() => PackedMatrix.Pack(new float[11], [], 3, 4)).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() => PackedMatrix.Pack(new float[12], new float[4], 3, 4)).ParamName);
        Assert.Equal("outFeatures", Assert.Throws<ArgumentException>(() => PackedMatrix.Pack([], [], 0, 4)).ParamName);
        Assert.Equal("inFeatures", Assert.Throws<ArgumentException>(() => PackedMatrix.Pack([], [], 3, -1)).ParamName);
        Assert.Contains("12", Assert.Throws<ArgumentException>(() => PackedMatrix.Pack(new float[11], [], 3, 4)).Message);
    }
}
