using StaticAttention.Reference;
using StaticAttention.Tests.Layers;

namespace StaticAttention.Tests.Fixtures;

/// <summary>
/// Every case of cases.json through its generated layer (and through the reference implementation with the same
/// weights), compared with PyTorch's expected outputs and attention weights.
/// </summary>
public sealed class FixtureParityTests
{
    [Theory]
    [MemberData(nameof(FixtureCases.Names), MemberType = typeof(FixtureCases))]
    public void LayerAndReferenceMatchPyTorch(string fixtureCase)
    {
        FixtureCases.Run run = FixtureCases.Execute(fixtureCase);
        run.AssertMatchesPyTorch();
        AssertReference(run);
    }

    [Fact]
    public void LoadFromStreamMatchesLoadFromPath()
    {
        var io = new FixtureFile("aim_temporal_qkv.io.safetensors");
        string weightsPath = FixtureFiles.PathOf("aim_temporal_qkv.weights.safetensors");
        using var stream = File.OpenRead(weightsPath);
        var fromStream = TemporalAttention.Load(stream);
        var fromPath = TemporalAttention.Load(weightsPath);
        float[] x = io.F32("x");
        var a = new float[x.Length];
        var b = new float[x.Length];
        fromStream.Forward(x, a);
        fromPath.Forward(x, b);
        Assert.Equal(b, a);
    }

    /// <summary>The reference implementation, given the same weights and inputs, also matches PyTorch (outputs and weights).</summary>
    private static void AssertReference(FixtureCases.Run run)
    {
        AttentionLayerSpec spec = run.Spec;
        int batch = run.Query.Length / (spec.QueryTokens * spec.QuerySize);
        var output = new float[batch * spec.QueryTokens * spec.ModelDim];
        float[] attention = run.Io.Has("expected.attention") ? new float[batch * spec.Heads * spec.QueryTokens * spec.KeyTokens] : [];
        ReferenceAttention.Forward(spec, run.Weights, batch, run.Query, run.Key, run.Value, run.ValidLengths, run.Mask, output, attention);
        Tolerance.AssertClose(run.Io.F32("expected.output"), output, "reference output");
        if (attention.Length > 0) Tolerance.AssertClose(run.Io.F32("expected.attention"), attention, "reference attention");
    }
}
