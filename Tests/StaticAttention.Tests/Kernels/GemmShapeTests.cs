using StaticAttention.Internal.Cpu;
using StaticAttention.Internal.Threading;

namespace StaticAttention.Tests.Kernels;

/// <summary>
/// <see cref="Gemm.Forward{TShape}"/>: with a static shape (edge panels at both widths, two k-blocks with a short last one,
/// or none of these) it writes the same bits as the general GEMM on every tile, and a packed matrix of other sizes, or a
/// shape whose counts contradict its sizes, is rejected with the numbers.
/// </summary>
public sealed class GemmShapeTests
{
    /// <summary>[rows, 601] · [40, 601]ᵀ: 40 = 1·32 + 8 = 2·16 + 8, 601 = (2 - 1)·301 + 300 (two k-blocks, the last one short).</summary>
    private readonly struct Ragged : IGemmShape
    {
        public static int Inner => 601;
        public static int Width => 40;
        public static int Panels32 => 1;
        public static int Remainder32 => 8;
        public static int Panels16 => 2;
        public static int Remainder16 => 8;
        public static int BlockDepth => 301;
        public static int DepthBlocks => 2;
        public static int LastDepth => 300;
    }

    /// <summary>[rows, 64] · [64, 64]ᵀ: whole panels, one k-block.</summary>
    private readonly struct Even : IGemmShape
    {
        public static int Inner => 64;
        public static int Width => 64;
        public static int Panels32 => 2;
        public static int Remainder32 => 0;
        public static int Panels16 => 4;
        public static int Remainder16 => 0;
        public static int BlockDepth => 64;
        public static int DepthBlocks => 1;
        public static int LastDepth => 64;
    }

    /// <summary>Claims 40 = 1·32 + 0: inconsistent.</summary>
    private readonly struct Contradictory : IGemmShape
    {
        public static int Inner => 300;
        public static int Width => 40;
        public static int Panels32 => 1;
        public static int Remainder32 => 0;
        public static int Panels16 => 2;
        public static int Remainder16 => 8;
        public static int BlockDepth => 300;
        public static int DepthBlocks => 1;
        public static int LastDepth => 300;
    }

    /// <summary>Counts that add up, but k-blocks of 256 where the packing uses one block of all 300 features.</summary>
    private readonly struct OtherDepth : IGemmShape
    {
        public static int Inner => 300;
        public static int Width => 40;
        public static int Panels32 => 1;
        public static int Remainder32 => 8;
        public static int Panels16 => 2;
        public static int Remainder16 => 8;
        public static int BlockDepth => 256;
        public static int DepthBlocks => 2;
        public static int LastDepth => 44;
    }

    /// <summary>Every tile (as its <c>GemmTile</c> value: the enum is internal), with full and partial row groups.</summary>
    public static TheoryData<int, int> TilesAndRows()
    {
        var data = new TheoryData<int, int>();
        foreach (GemmTile tile in Enum.GetValues<GemmTile>())
        {
            foreach (int rows in new[] { 1, 7, 24, 61 }) data.Add((int)tile, rows);
        }

        return data;
    }

    [Theory, MemberData(nameof(TilesAndRows))]
    public void RaggedShapeWritesTheBitsOfTheGeneralGemm(int tile, int rows) => AssertSameBits<Ragged>((GemmTile)tile, rows);

    [Theory, MemberData(nameof(TilesAndRows))]
    public void EvenShapeWritesTheBitsOfTheGeneralGemm(int tile, int rows) => AssertSameBits<Even>((GemmTile)tile, rows);

    private static void AssertSameBits<TShape>(GemmTile tile, int rows)
        where TShape : struct, IGemmShape
    {
        var random = new Random(rows * 31 + (int)tile);
        int k = TShape.Inner, n = TShape.Width;
        float[] input = Values(rows * k, random), weight = Values(n * k, random), bias = Values(n, random);
        PackedMatrix packed = PackedMatrix.Pack(weight, bias, n, k, tile, GemmTiles.BlockDepthFor(k));

        var general = new float[rows * n];
        Gemm.Forward(input, rows, k, packed, general, n);
        var shaped = new float[rows * n];
        Gemm.Forward<TShape>(input, rows, packed, shaped);
        Assert.Equal(general, shaped);

        // The naive sum, to be sure both are right, not merely equal.
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < n; o++)
            {
                double sum = bias[o];
                for (int i = 0; i < k; i++) sum += (double)input[r * k + i] * weight[o * k + i];
                Assert.True(Math.Abs(sum - shaped[r * n + o]) <= 1e-4 * Math.Max(1, Math.Abs(sum)), $"[{r}, {o}]: {shaped[r * n + o]} vs {sum}");
            }
        }

        using var pool = new WorkerPool(1);
        var parallel = new float[rows * n];
        Gemm.Forward<TShape>(input, rows, packed, parallel, pool, 2);
        Assert.Equal(shaped, parallel);
    }

    [Fact]
    public void AMatrixOfOtherSizesIsRejectedWithTheNumbers()
    {
        PackedMatrix packed = PackedMatrix.Pack(new float[40 * 599], default, 40, 599);
        var e = Assert.Throws<ArgumentException>(() => Gemm.Forward<Ragged>(new float[601], 1, packed, new float[40]));
        Assert.Equal("weights", e.ParamName);
        Assert.Contains("[OutFeatures 40, InFeatures 599] in k-blocks of 300", e.Message);
        Assert.Contains("[Width 40, Inner 601] in k-blocks of 301", e.Message);
    }

    [Fact]
    public void AShapeWithOtherKBlocksThanThePackingIsRejected()
    {
        PackedMatrix packed = PackedMatrix.Pack(new float[40 * 300], default, 40, 300);
        var e = Assert.Throws<ArgumentException>(() => Gemm.Forward<OtherDepth>(new float[300], 1, packed, new float[40]));
        Assert.Contains("in k-blocks of 300", e.Message);
        Assert.Contains("in k-blocks of 256", e.Message);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(512, 512)]
    [InlineData(513, 257)]
    [InlineData(768, 384)]
    [InlineData(1000, 500)]
    [InlineData(3072, 512)]
    public void KBlocksAreAllFeaturesUpTo512ElseEqualParts(int inFeatures, int depth) =>
        Assert.Equal(depth, GemmTiles.BlockDepthFor(inFeatures));

    [Fact]
    public void AShapeWhoseCountsContradictItsSizesIsRejected()
    {
        PackedMatrix packed = PackedMatrix.Pack(new float[40 * 300], default, 40, 300);
        var e = Assert.Throws<ArgumentException>(() => Gemm.Forward<Contradictory>(new float[300], 1, packed, new float[40]));
        Assert.Contains("Width 40 = 1·32 + 0", e.Message);
    }

    [Fact]
    public void ShortSpansAreRejected()
    {
        PackedMatrix packed = PackedMatrix.Pack(new float[64 * 64], default, 64, 64);
        var e = Assert.Throws<ArgumentException>(() => Gemm.Forward<Even>(new float[64 * 3 - 1], 3, packed, new float[64 * 3]));
        Assert.Equal("input", e.ParamName);
    }

    private static float[] Values(int count, Random random)
    {
        var data = new float[count];
        for (int i = 0; i < count; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
        return data;
    }
}
