using StaticAttention.Reference;
using StaticAttention.Tests.Fixtures;
using StaticAttention.Weights;

namespace StaticAttention.Tests.Layers;

/// <summary>Random inputs for a generated layer of <paramref name="Spec"/>, and its reference outputs.</summary>
public sealed class LayerInputs
{
    private LayerInputs(AttentionLayerSpec spec, int batch, int seed)
    {
        Spec = spec;
        Batch = batch;
        var random = new Random(seed);
        Query = RandomCheckpoint.Values(batch * spec.QueryTokens * spec.QuerySize, random);
        Key = spec.SelfAttention ? Query : RandomCheckpoint.Values(batch * spec.KeyTokens * spec.KeySize, random);
        Value = spec.SelfAttention ? Query : RandomCheckpoint.Values(batch * spec.KeyTokens * spec.ValueSize, random);
        AttentionMask kind = spec.Mask & ~AttentionMask.Causal;
        ValidLengths = kind switch
        {
            AttentionMask.ValidLengths => RandomLengths(batch, spec.KeyTokens, random),
            AttentionMask.ValidLengthsPerQuery => RandomLengths(batch * spec.QueryTokens, spec.KeyTokens, random),
            _ => [],
        };
        Mask = kind switch
        {
            AttentionMask.KeepMask => RandomBools(batch * spec.QueryTokens * spec.KeyTokens, random),
            AttentionMask.KeyPaddingMask => RandomBools(batch * spec.KeyTokens, random),
            _ => [],
        };
        Output = new float[batch * spec.QueryTokens * spec.ModelDim];
        Weights = spec.ReturnWeights ? new float[batch * spec.Heads * spec.QueryTokens * spec.KeyTokens] : [];
    }

    public AttentionLayerSpec Spec { get; }
    public int Batch { get; }
    public float[] Query { get; }
    public float[] Key { get; }
    public float[] Value { get; }
    public int[] ValidLengths { get; }
    public bool[] Mask { get; }
    public float[] Output { get; }
    public float[] Weights { get; }

    public static LayerInputs For(AttentionLayerSpec spec, int batch, int seed) => new(spec, batch, seed);

    /// <summary>Compares what Forward wrote into <see cref="Output"/> and <see cref="Weights"/> with the reference.</summary>
    public void AssertMatchesReference(AttentionWeights weights)
    {
        var expected = new float[Output.Length];
        var expectedWeights = new float[Weights.Length];
        ReferenceAttention.Forward(Spec, weights, Batch, Query, Key, Value, ValidLengths, Mask, expected, expectedWeights);
        Tolerance.AssertClose(expected, Output, $"{Spec.LayerName} output (batch {Batch})");
        if (Weights.Length > 0) Tolerance.AssertClose(expectedWeights, Weights, $"{Spec.LayerName} weights (batch {Batch})");
    }

    private static int[] RandomLengths(int count, int max, Random random)
    {
        var lengths = new int[count];
        for (int i = 0; i < count; i++) lengths[i] = random.Next(max + 1);
        return lengths;
    }

    private static bool[] RandomBools(int count, Random random)
    {
        var mask = new bool[count];
        for (int i = 0; i < count; i++) mask[i] = random.Next(4) != 0;
        return mask;
    }
}
