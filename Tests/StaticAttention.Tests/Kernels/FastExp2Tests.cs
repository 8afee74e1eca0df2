using System.Runtime.Intrinsics;
using StaticAttention.Internal.Cpu;

namespace StaticAttention.Tests.Kernels;

/// <summary><see cref="FastExp.Exp2(float)"/> and <see cref="FastExp.Exp2NonPositive(Vector512{float})"/> against the double-precision 2^x, in all three widths.</summary>
public class FastExp2Tests
{
    private const double TwoUlp = 2.0 / (1 << 23); // 2 ulp of a float in [1, 2), relative

    private static void Check(float x, float actual)
    {
        double expected = Math.Pow(2.0, x);
        double error = Math.Abs(actual - expected) / expected;
        Assert.True(error <= TwoUlp, $"exp2({x:R}) = {actual:R}, expected {expected:R}: relative error {error:G3}");
    }

    private static void CheckAllWidths(float[] xs)
    {
        for (int i = 0; i + 16 <= xs.Length; i += 16)
        {
            Vector512<float> x512 = Vector512.Create(xs, i);
            Vector512<float> y512 = FastExp.Exp2(x512), n512 = FastExp.Exp2NonPositive(x512);
            Vector256<float> y256a = FastExp.Exp2(Vector256.Create(xs, i)), y256b = FastExp.Exp2(Vector256.Create(xs, i + 8));
            Vector256<float> n256a = FastExp.Exp2NonPositive(Vector256.Create(xs, i)), n256b = FastExp.Exp2NonPositive(Vector256.Create(xs, i + 8));
            for (int l = 0; l < 16; l++)
            {
                float scalar = FastExp.Exp2(xs[i + l]);
                Check(xs[i + l], scalar);
                Assert.Equal(scalar, y512[l]);
                Assert.Equal(scalar, l < 8 ? y256a[l] : y256b[l - 8]);
                if (xs[i + l] <= 0f)
                {
                    Assert.Equal(scalar, n512[l]);
                    Assert.Equal(scalar, l < 8 ? n256a[l] : n256b[l - 8]);
                }
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
            xs[i] = -126f * i / (n - 1);
        }

        CheckAllWidths(xs);
    }

    [Fact]
    public void RandomPointsAreWithinTwoUlp()
    {
        var rng = new Random(13);
        var xs = new float[1 << 16];
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] = i % 4 == 0 ? -(float)rng.NextDouble() : (float)(-126 * rng.NextDouble()); // many near 0, where weights live
        }

        CheckAllWidths(xs);
        CheckAllWidths([-126f, -125.9f, -1e-30f, -0f, 0f, -0.5f, 0.5f, 1f, 10f, 50f, 126.9f, 127f, -20f, -0.4999f, -1.5f, -2.5f]);
    }

    [Fact]
    public void SpecialValues()
    {
        float[] xs = [float.NegativeInfinity, -1e30f, -1e9f, -1e6f, -200f, -127f, -126.5f, float.NaN, float.PositiveInfinity, 1e9f, 200f, 0f, -0f, 127.5f, float.MinValue, float.MaxValue];
        float[] expected = [0, 0, 0, 0, 0, 0, 0, float.NaN, float.PositiveInfinity, float.PositiveInfinity, float.PositiveInfinity, 1, 1, float.PositiveInfinity, 0, float.PositiveInfinity];
        Vector512<float> y512 = FastExp.Exp2(Vector512.Create(xs)), n512 = FastExp.Exp2NonPositive(Vector512.Create(xs));
        Vector256<float> lo = FastExp.Exp2(Vector256.Create(xs, 0)), hi = FastExp.Exp2(Vector256.Create(xs, 8));
        Vector256<float> nlo = FastExp.Exp2NonPositive(Vector256.Create(xs, 0)), nhi = FastExp.Exp2NonPositive(Vector256.Create(xs, 8));
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.Equal(expected[i], FastExp.Exp2(xs[i]));
            Assert.Equal(expected[i], y512[i]);
            Assert.Equal(expected[i], i < 8 ? lo[i] : hi[i - 8]);
            if (!(xs[i] > 0f) && !(xs[i] > -127f && xs[i] < -126f)) // Exp2NonPositive may give a tiny value in (-127, -126)
            {
                Assert.Equal(expected[i], n512[i]);
                Assert.Equal(expected[i], i < 8 ? nlo[i] : nhi[i - 8]);
            }
        }
    }
}
