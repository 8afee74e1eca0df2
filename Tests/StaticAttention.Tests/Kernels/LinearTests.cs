using StaticAttention.Cpu;

namespace StaticAttention.Tests.Kernels;

public class LinearTests
{
    public static TheoryData<int, int, int, bool> Sizes()
    {
        var data = new TheoryData<int, int, int, bool>();
        int[] sizes = [1, 3, 7, 8, 17, 33, 65];
        int n = 0;
        foreach (int rows in new[] { 1, 5, 17 })
        {
            foreach (int inFeatures in sizes)
            {
                foreach (int outFeatures in sizes)
                {
                    data.Add(rows, inFeatures, outFeatures, n++ % 2 == 0);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void MatchesNaiveLoop(int rows, int inFeatures, int outFeatures, bool withBias)
    {
        var rng = new Random(rows * 10_000 + inFeatures * 100 + outFeatures);
        float[] input = RandomLayer.Values(rng, rows * inFeatures, 1);
        float[] weight = RandomLayer.Values(rng, outFeatures * inFeatures, 1);
        float[] bias = withBias ? RandomLayer.Values(rng, outFeatures, 1) : [];
        var expected = new float[rows * outFeatures];
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < outFeatures; o++)
            {
                double s = withBias ? bias[o] : 0;
                for (int i = 0; i < inFeatures; i++)
                {
                    s += (double)input[r * inFeatures + i] * weight[o * inFeatures + i];
                }

                expected[r * outFeatures + o] = (float)s;
            }
        }

        var actual = new float[rows * outFeatures];
        Linear.Forward(input, rows, inFeatures, weight, bias, outFeatures, actual);

        Tolerance.AssertClose(expected, actual, $"Linear [{rows}, {inFeatures}] -> {outFeatures}, bias {withBias}", 1e-5);
    }

    [Fact]
    public void LongerOutputKeepsItsTail()
    {
        float[] output = [9, 9, 9, 9];
        Linear.Forward([1, 2], 1, 2, [3, 4, 5, 6], [0.5f, -0.5f], 2, output);
        Assert.Equal([11.5f, 16.5f, 9, 9], output);
    }

    [Fact]
    public void NaNPropagates()
    {
        var output = new float[2];
        Linear.Forward([float.NaN, 1], 1, 2, [1, 0, 0, 1], [], 2, output);

        // As in PyTorch, NaN · 0 is NaN, so every output of the row is NaN.
        Assert.True(float.IsNaN(output[0]));
        Assert.True(float.IsNaN(output[1]));
    }

    [Theory]
    [InlineData(5, 12, 0, 8, "input")]   // input too short
    [InlineData(6, 11, 4, 8, "weight")]  // weight not [out, in]
    [InlineData(6, 12, 3, 8, "bias")]    // bias neither empty nor [out]
    [InlineData(6, 12, 4, 7, "output")]  // output too short
    public void WrongLengthsThrow(int inputLength, int weightLength, int biasLength, int outputLength, string parameter)
    {
        // rows 2, inFeatures 3, outFeatures 4
        var e = Assert.Throws<ArgumentException>(() =>
            Linear.Forward(new float[inputLength], 2, 3, new float[weightLength], new float[biasLength], 4, new float[outputLength]));
        Assert.Equal(parameter, e.ParamName);
    }

    [Fact]
    public void NonPositiveSizesThrow()
    {
        Assert.Throws<ArgumentException>(() => Linear.Forward([], 0, 3, new float[12], [], 4, []));
        Assert.Throws<ArgumentException>(() => Linear.Forward(new float[3], 1, 3, [], [], 0, []));
    }

    [Fact]
    public void ForwardDoesNotAllocate()
    {
        float[] input = new float[40], weight = new float[50], bias = new float[5], output = new float[20];
        Linear.Forward(input, 4, 10, weight, bias, 5, output);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Linear.Forward(input, 4, 10, weight, bias, 5, output);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
