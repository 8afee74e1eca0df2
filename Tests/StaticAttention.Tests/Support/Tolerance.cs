namespace StaticAttention.Tests;

/// <summary>
/// The comparison rule of the fixtures, used everywhere: |actual - expected| ≤ relative · max|expected| for every
/// element (max over the finite expected values), and a NaN expected where NaN is expected.
/// </summary>
public static class Tolerance
{
    /// <summary>The fixtures' tolerance, relative to the largest |expected|.</summary>
    public const double Relative = 1e-4;

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, double relative = Relative)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}");
        double scale = 0;
        foreach (float e in expected)
        {
            if (float.IsFinite(e)) scale = Math.Max(scale, Math.Abs(e));
        }

        double bound = relative * scale;
        for (int i = 0; i < expected.Length; i++)
        {
            bool ok = float.IsNaN(expected[i]) ? float.IsNaN(actual[i]) : Math.Abs((double)expected[i] - actual[i]) <= bound;
            Assert.True(ok, $"{what}: element {i} is {actual[i]}, expected {expected[i]} (bound {bound:G4} = {relative:G2}·max|expected| {scale:G4})");
        }
    }
}
