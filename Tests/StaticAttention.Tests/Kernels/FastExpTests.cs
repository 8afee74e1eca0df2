using System.Runtime.Intrinsics;
using StaticAttention.Internal.Cpu;

namespace StaticAttention.Tests.Kernels;

/// <summary><see cref="FastExp"/> against the double-precision exp, in all three widths.</summary>
public class FastExpTests
{
    private const double TwoUlp = 2.0 / (1 << 23); // 2 ulp of a float in [1, 2), relative

    private static void Check(float x, float actual)
    {
        double expected = Math.Exp(x);
        double error = Math.Abs(actual - expected) / expected;
        Assert.True(error <= TwoUlp, $"exp({x:R}) = {actual:R}, expected {expected:R}: relative error {error:G3}");
    }

    private static void CheckAllWidths(float[] xs)
    {
        for (int i = 0; i + 16 <= xs.Length; i += 16)
        {
            Vector512<float> x512 = Vector512.Create(xs, i);
            Vector512<float> y512 = FastExp.Exp(x512);
            Vector256<float> y256a = FastExp.Exp(Vector256.Create(xs, i)), y256b = FastExp.Exp(Vector256.Create(xs, i + 8));
            for (int l = 0; l < 16; l++)
            {
                float scalar = FastExp.Exp(xs[i + l]);
                Check(xs[i + l], scalar);
                Assert.Equal(scalar, y512[l]);
                Assert.Equal(scalar, l < 8 ? y256a[l] : y256b[l - 8]);
            }
        }
    }

    [Fact]
    public void DenseSweepOfTheSoftmaxRangeIsWithinTwoUlp()
    {
        const int n = 1 << 18;
        var xs = new float[n];
        for (int i = 0; i < n; i++)
        {
            xs[i] = -87f * i / (n - 1);
        }

        CheckAllWidths(xs);
    }

    [Fact]
    public void RandomPointsAreWithinTwoUlp()
    {
        var rng = new Random(11);
        var xs = new float[1 << 16];
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] = i % 4 == 0 ? -(float)rng.NextDouble() : (float)(-87.3 * rng.NextDouble()); // many near 0, where weights live
        }

        CheckAllWidths(xs);
        CheckAllWidths([-87.33f, -87.3f, -1e-30f, -0f, 0f, -0.3465736f, 0.3465736f, 1f, 10f, 50f, 88f, -20f, -0.5f, -1f, -2f, -3f]);
    }

    [Fact]
    public void SpecialValues()
    {
        float[] xs = [float.NegativeInfinity, -1e30f, -1e9f, -1e6f, -200f, -100f, -87.5f, float.NaN, float.PositiveInfinity, 1e9f, 100f, 0f, -0f, 88.5f, float.MinValue, float.MaxValue];
        float[] expected = [0, 0, 0, 0, 0, 0, 0, float.NaN, float.PositiveInfinity, float.PositiveInfinity, float.PositiveInfinity, 1, 1, float.PositiveInfinity, 0, float.PositiveInfinity];
        Vector512<float> y512 = FastExp.Exp(Vector512.Create(xs));
        Vector256<float> lo = FastExp.Exp(Vector256.Create(xs, 0)), hi = FastExp.Exp(Vector256.Create(xs, 8));
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.Equal(expected[i], FastExp.Exp(xs[i]));
            Assert.Equal(expected[i], y512[i]);
            Assert.Equal(expected[i], i < 8 ? lo[i] : hi[i - 8]);
        }
    }
}
