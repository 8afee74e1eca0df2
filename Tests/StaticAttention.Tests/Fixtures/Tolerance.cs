namespace StaticAttention.Tests.Fixtures;

/// <summary>The fixtures' comparison rule: |actual - expected| ≤ 1e-4 · max|expected| for every element.</summary>
public static class Tolerance
{
    public const float Relative = 1e-4f;

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, float relative = Relative)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}");
        float scale = 0;
        foreach (float e in expected) scale = MathF.Max(scale, MathF.Abs(e));
        float bound = relative * MathF.Max(scale, 1e-30f);
        int worst = -1;
        float worstError = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            float error = MathF.Abs(actual[i] - expected[i]);
            if (float.IsNaN(actual[i]) != float.IsNaN(expected[i])) error = float.PositiveInfinity;
            if (error > worstError) { worstError = error; worst = i; }
        }
        Assert.True(worstError <= bound,
            $"{what}: element {worst} is {(worst >= 0 ? actual[worst] : 0)}, expected {(worst >= 0 ? expected[worst] : 0)} " +
            $"(error {worstError:G4} > bound {bound:G4} = {relative:G2}·max|expected| {scale:G4})");
    }
}
