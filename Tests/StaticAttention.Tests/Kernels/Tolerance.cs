namespace StaticAttention.Tests.Kernels;

internal static class Tolerance
{
    /// <summary>Asserts |expected - actual| ≤ relative · max|expected| element-wise; NaN must match NaN.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double relative, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: lengths {expected.Length} and {actual.Length} differ");
        double max = 0;
        foreach (float e in expected)
        {
            if (float.IsFinite(e)) max = Math.Max(max, Math.Abs(e));
        }

        double tolerance = relative * max;
        for (int n = 0; n < expected.Length; n++)
        {
            bool ok = float.IsNaN(expected[n]) ? float.IsNaN(actual[n]) : Math.Abs(expected[n] - actual[n]) <= tolerance;
            Assert.True(ok, $"{what}: element {n} is {actual[n]}, expected {expected[n]} (tolerance {tolerance:g3})");
        }
    }
}
