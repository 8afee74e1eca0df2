using StaticAttention.Internal.Cpu;
using StaticAttention.Internal.Threading;

namespace StaticAttention.Tests.Kernels;

public class GemmTests
{
    private static readonly int[] Sizes = [1, 5, 7, 13, 17, 31, 33, 63, 65, 100, 197];

    /// <summary>Shapes over the interesting sizes (edge tiles in every direction), each with both widths.</summary>
    public static TheoryData<int, int, int, bool, VectorWidth> Shapes()
    {
        var data = new TheoryData<int, int, int, bool, VectorWidth>();
        var rng = new Random(7);
        foreach (int rows in Sizes)
        {
            // Every size appears as rows, in and out; the other two drawn from the list so the total stays small.
            int inFeatures = Sizes[rng.Next(Sizes.Length)];
            int outFeatures = Sizes[rng.Next(Sizes.Length)];
            data.Add(rows, inFeatures, outFeatures, rows % 2 == 0, VectorWidth.Vector256);
            data.Add(rows, inFeatures, outFeatures, rows % 2 == 1, VectorWidth.Vector512);
            data.Add(inFeatures, rows, outFeatures, rows % 2 == 0, VectorWidth.Vector512);
            data.Add(outFeatures, inFeatures, rows, rows % 2 == 1, VectorWidth.Vector256);
            data.Add(17, outFeatures, rows, true, VectorWidth.Vector512);
            data.Add(5, rows, inFeatures, false, VectorWidth.Vector256);
        }

        // Several k-blocks, with a short last one.
        data.Add(13, 600, 40, true, VectorWidth.Vector256);
        data.Add(13, 600, 40, true, VectorWidth.Vector512);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesNaiveLoop(int rows, int inFeatures, int outFeatures, bool withBias, VectorWidth width)
    {
        var rng = new Random(rows * 1_000_000 + inFeatures * 1000 + outFeatures);
        Case c = Case.Create(rng, rows, inFeatures, outFeatures, withBias, inputPad: rows % 3, outputPad: outFeatures % 4);
        PackedMatrix packed = Pack(c, width);
        Assert.Equal(width, packed.Width);

        float[] actual = c.NewOutput(fill: 123f);
        Gemm.Forward(c.Input, rows, c.InputStride, packed, actual, c.OutputStride);
        c.AssertMatches(actual, $"Gemm {width} [{rows}, {inFeatures}] -> {outFeatures}, bias {withBias}");

        using var pool = new WorkerPool(1);
        float[] parallel = c.NewOutput(fill: 123f);
        Gemm.Forward(c.Input, rows, c.InputStride, packed, parallel, c.OutputStride, pool, 2);
        Assert.Equal(actual, parallel);
    }

    [Theory]
    [InlineData(VectorWidth.Vector256)]
    [InlineData(VectorWidth.Vector512)]
    public void EveryTileMatchesNaiveLoop(VectorWidth width)
    {
        foreach (GemmTile tile in Enum.GetValues<GemmTile>())
        {
            if (tile.Width() != width) continue;
            var rng = new Random((int)tile);
            Case c = Case.Create(rng, 31, 300, 65, withBias: true, inputPad: 3, outputPad: 1);
            PackedMatrix packed = PackedMatrix.Pack(c.Weight, c.Bias, c.OutFeatures, c.InFeatures, tile, 128);
            float[] actual = c.NewOutput(fill: 0f);
            Gemm.Forward(c.Input, c.Rows, c.InputStride, packed, actual, c.OutputStride);
            c.AssertMatches(actual, $"tile {tile}");
        }
    }

    [Theory]
    [InlineData(VectorWidth.Vector256)]
    [InlineData(VectorWidth.Vector512)]
    public void A_few_rows_get_the_bits_they_get_inside_a_larger_call(VectorWidth width)
    {
        // Up to four rows (a decode step) stream the packed panels instead of computing whole tiles; per element it is the
        // same arithmetic, so each row's result must not depend on how many rows came with it.
        foreach (GemmTile tile in Enum.GetValues<GemmTile>())
        {
            if (tile.Width() != width) continue;
            foreach ((int inFeatures, int outFeatures, int kc) in new[] { (300, 65, 128), (530, 40, 256), (7, 97, 128) })
            {
                var rng = new Random((int)tile * 31 + inFeatures);
                Case c = Case.Create(rng, 13, inFeatures, outFeatures, withBias: true, inputPad: 3, outputPad: 2);
                PackedMatrix packed = PackedMatrix.Pack(c.Weight, c.Bias, c.OutFeatures, c.InFeatures, tile, kc);
                float[] all = c.NewOutput(fill: 123f);
                Gemm.Forward(c.Input, c.Rows, c.InputStride, packed, all, c.OutputStride);
                c.AssertMatches(all, $"tile {tile}, 13 rows");
                using var pool = new WorkerPool(1);
                for (int rows = 1; rows <= 4; rows++)
                {
                    for (int first = 0; first + rows <= c.Rows; first += 5)
                    {
                        float[] few = c.NewOutput(fill: 123f);
                        Gemm.Forward(c.Input.AsSpan(first * c.InputStride), rows, c.InputStride, packed, few, c.OutputStride, pool, 2);
                        for (int r = 0; r < rows; r++)
                        {
                            Assert.Equal(all.AsSpan((first + r) * c.OutputStride, c.OutFeatures), few.AsSpan(r * c.OutputStride, c.OutFeatures));
                            if (r < rows - 1) Assert.Equal([123f, 123f], few.AsSpan(r * c.OutputStride + c.OutFeatures, 2)); // the padding stays
                        }
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(VectorWidth.Vector256)]
    [InlineData(VectorWidth.Vector512)]
    public void ResultsAreBitwiseTheSameForAnyThreadCount(VectorWidth width)
    {
        var rng = new Random(11);
        Case c = Case.Create(rng, 197, 300, 260, withBias: true, inputPad: 0, outputPad: 0);
        PackedMatrix packed = Pack(c, width);
        float[] single = c.NewOutput(fill: 0f);
        Gemm.Forward(c.Input, c.Rows, c.InputStride, packed, single, c.OutputStride);

        using var pool = new WorkerPool(3);
        foreach (int degree in new[] { 2, 3, 4 })
        {
            float[] parallel = c.NewOutput(fill: 0f);
            Gemm.Forward(c.Input, c.Rows, c.InputStride, packed, parallel, c.OutputStride, pool, degree);
            Assert.Equal(single, parallel);
        }

        // A row computed alone (another tiling of the rows) gives the same bits.
        float[] alone = new float[c.OutFeatures];
        Gemm.Forward(c.Input.AsSpan(100 * c.InputStride), 1, c.InputStride, packed, alone, c.OutFeatures);
        Assert.Equal(single.AsSpan(100 * c.OutputStride, c.OutFeatures).ToArray(), alone);
    }

    [Theory]
    [InlineData(23)] // 12 + 11: the last group of the 12-row tile runs it
    [InlineData(20)] // 12 + 8: the 12-row tile's last 8 rows run on the 8-row tile
    [InlineData(5)] // only a partial group, on the 8-row tile
    [InlineData(197)] // 16 · 12 + 5 (the ViT-B rows)
    public void EveryTileGivesTheSameBits(int rows)
    {
        // Each element is bias + Σ_k in increasing k, one fused multiply-add per step, in any tile or width.
        var rng = new Random(13);
        Case c = Case.Create(rng, rows, 530, 71, withBias: true, inputPad: 2, outputPad: 0);
        float[]? first = null;
        foreach (GemmTile tile in Enum.GetValues<GemmTile>())
        {
            PackedMatrix packed = PackedMatrix.Pack(c.Weight, c.Bias, c.OutFeatures, c.InFeatures, tile, 256); // 530 in k-blocks of 256, 256 and 18
            float[] actual = c.NewOutput(fill: 0f);
            Gemm.Forward(c.Input, c.Rows, c.InputStride, packed, actual, c.OutputStride);
            first ??= actual;
            Assert.Equal(first, actual);
        }
    }

    [Theory]
    [InlineData(VectorWidth.Vector256)]
    [InlineData(VectorWidth.Vector512)]
    public void NaNPropagatesToItsRowOnly(VectorWidth width)
    {
        var rng = new Random(3);
        Case c = Case.Create(rng, 9, 40, 37, withBias: true, inputPad: 0, outputPad: 0);
        c.Input[4 * c.InputStride + 17] = float.NaN;
        PackedMatrix packed = Pack(c, width);
        float[] actual = c.NewOutput(fill: 0f);
        Gemm.Forward(c.Input, c.Rows, c.InputStride, packed, actual, c.OutputStride);
        for (int r = 0; r < c.Rows; r++)
        {
            for (int o = 0; o < c.OutFeatures; o++)
            {
                Assert.Equal(r == 4, float.IsNaN(actual[r * c.OutputStride + o]));
            }
        }

        // A NaN weight poisons its output column only.
        float[] weight = (float[])c.Weight.Clone();
        weight[5 * c.InFeatures + 2] = float.NaN;
        packed = Pack(c with { Weight = weight }, width);
        c.Input[4 * c.InputStride + 17] = 1f;
        Gemm.Forward(c.Input, c.Rows, c.InputStride, packed, actual, c.OutputStride);
        for (int r = 0; r < c.Rows; r++)
        {
            for (int o = 0; o < c.OutFeatures; o++)
            {
                Assert.Equal(o == 5, float.IsNaN(actual[r * c.OutputStride + o]));
            }
        }
    }

    [Fact]
    public void WrongArgumentsThrowNamingTheParameter()
    {
        PackedMatrix packed = PackedMatrix.Pack(new float[6 * 4], [], 6, 4);
        float[] input = new float[3 * 5];
        float[] output = new float[3 * 7];

        // The smallest valid lengths: (rows - 1)·stride + width.
        Gemm.Forward(input.AsSpan(0, 2 * 5 + 4), 3, 5, packed, output.AsSpan(0, 2 * 7 + 6), 7);

        var e = Assert.Throws<ArgumentException>(() => Gemm.Forward(input.AsSpan(0, 2 * 5 + 3), 3, 5, packed, output, 7));
        Assert.Equal("input", e.ParamName);
        Assert.Contains("14", e.Message);
        Assert.Contains("13", e.Message);

        e = Assert.Throws<ArgumentException>(() => Gemm.Forward(input, 3, 5, packed, output.AsSpan(0, 2 * 7 + 5), 7));
        Assert.Equal("output", e.ParamName);
        Assert.Contains("20", e.Message);
        Assert.Contains("19", e.Message);

        Assert.Equal("inputStride", Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Forward(input, 3, 3, packed, output, 7)).ParamName);
        Assert.Equal("outputStride", Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Forward(input, 3, 5, packed, output, 5)).ParamName);
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Forward(input, -1, 5, packed, output, 7)).ParamName);
        Assert.Equal(
            "maxDegreeOfParallelism",
            Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Forward(input, 3, 5, packed, output, 7, null, 0)).ParamName);
        Assert.Throws<ArgumentNullException>(() => Gemm.Forward(input, 3, 5, null!, output, 7));

        // No rows: nothing to do, nothing touched.
        Gemm.Forward([], 0, 5, packed, [], 7);
    }

    [Theory]
    [InlineData(VectorWidth.Vector256)]
    [InlineData(VectorWidth.Vector512)]
    public void DoesNotAllocateAfterTheFirstCall(VectorWidth width)
    {
        var rng = new Random(5);
        Case c = Case.Create(rng, 100, 300, 70, withBias: true, inputPad: 0, outputPad: 0);
        PackedMatrix packed = Pack(c, width);
        float[] output = c.NewOutput(fill: 0f);
        using var pool = new WorkerPool(1);
        Gemm.Forward(c.Input, c.Rows, c.InputStride, packed, output, c.OutputStride);
        Gemm.Forward(c.Input, c.Rows, c.InputStride, packed, output, c.OutputStride, pool, 2);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Gemm.Forward(c.Input, c.Rows, c.InputStride, packed, output, c.OutputStride);
        Gemm.Forward(c.Input, c.Rows, c.InputStride, packed, output, c.OutputStride, pool, 2);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void DetectedWidthFollowsTheHardwareAndForceIsScoped()
    {
        VectorWidth detected = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? VectorWidth.Vector512 : VectorWidth.Vector256;
        Assert.Equal(detected, CpuKernel.Width);
        using (CpuKernel.Force(VectorWidth.Vector256))
        {
            Assert.Equal(VectorWidth.Vector256, CpuKernel.Width);
            using (CpuKernel.Force(VectorWidth.Vector512))
            {
                Assert.Equal(VectorWidth.Vector512, CpuKernel.Width);
            }

            Assert.Equal(VectorWidth.Vector256, CpuKernel.Width);
        }

        Assert.Equal(detected, CpuKernel.Width);
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuKernel.Force((VectorWidth)128));
    }

    private static PackedMatrix Pack(Case c, VectorWidth width)
    {
        using (CpuKernel.Force(width))
        {
            return PackedMatrix.Pack(c.Weight, c.Bias, c.OutFeatures, c.InFeatures);
        }
    }

    /// <summary>Random operands with strided rows, and the expected result from a double-precision loop.</summary>
    private sealed record Case(int Rows, int InFeatures, int OutFeatures, int InputStride, int OutputStride, float[] Input, float[] Weight, float[] Bias)
    {
        public static Case Create(Random rng, int rows, int inFeatures, int outFeatures, bool withBias, int inputPad, int outputPad)
        {
            int inputStride = inFeatures + inputPad;
            float[] input = RandomLayer.Values(rng, (rows - 1) * inputStride + inFeatures, 1);
            float[] weight = RandomLayer.Values(rng, outFeatures * inFeatures, 1);
            float[] bias = withBias ? RandomLayer.Values(rng, outFeatures, 1) : [];
            return new Case(rows, inFeatures, outFeatures, inputStride, outFeatures + outputPad, input, weight, bias);
        }

        public float[] NewOutput(float fill)
        {
            var output = new float[(Rows - 1) * OutputStride + OutFeatures];
            output.AsSpan().Fill(fill);
            return output;
        }

        public void AssertMatches(float[] actual, string what)
        {
            var expected = new float[actual.Length];
            var got = new float[actual.Length];
            for (int r = 0; r < Rows; r++)
            {
                for (int o = 0; o < OutputStride && r * OutputStride + o < actual.Length; o++)
                {
                    int at = r * OutputStride + o;
                    got[at] = actual[at];
                    if (o >= OutFeatures)
                    {
                        Assert.True(actual[at] is 123f or 0f, $"{what}: padding at row {r}, column {o} was overwritten");
                        expected[at] = actual[at];
                        continue;
                    }

                    double s = Bias.Length > 0 ? Bias[o] : 0;
                    for (int i = 0; i < InFeatures; i++)
                    {
                        s += (double)Input[r * InputStride + i] * Weight[o * InFeatures + i];
                    }

                    expected[at] = (float)s;
                }
            }

            Tolerance.AssertClose(expected, got, what, 1e-5);
        }
    }
}
