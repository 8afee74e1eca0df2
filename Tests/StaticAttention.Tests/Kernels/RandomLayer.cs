using StaticAttention.Weights;

namespace StaticAttention.Tests.Kernels;

/// <summary>One random layer configuration with its weights and inputs, drawn from a seed.</summary>
internal sealed record RandomLayer(
    int Seed, AttentionLayerSpec Spec, int Batch, AttentionWeights Weights,
    float[] Query, float[] Key, float[] Value, int[] ValidLengths, bool[] Mask)
{
    /// <summary>Head dims and lengths that sit on the kernels' edges: not multiples of 8 or 16, T = 1, short and long paths.</summary>
    private static readonly int[] EdgeHeadDims = [1, 3, 24, 64, 80, 128];
    private static readonly int[] EdgeTokens = [1, 7, 8, 9, 16, 17, 33, 40, 70];

    /// <summary>A small random layer (sizes 1 to about 20), or with <paramref name="edges"/> one whose head dim and
    /// lengths come from the kernels' edge cases.</summary>
    public static RandomLayer Create(int seed, bool edges = false)
    {
        var rng = new Random(seed);
        var projections = (Projections)rng.Next(3);
        bool self = rng.Next(2) == 0;
        int heads = rng.Next(1, edges ? 4 : 5);
        int kvHeads = projections == Projections.None ? heads : Divisor(rng, heads);
        int headDim = edges ? EdgeHeadDims[rng.Next(EdgeHeadDims.Length)] : rng.Next(1, 10);
        int modelDim = projections == Projections.None || rng.Next(3) == 0 ? heads * headDim : rng.Next(1, edges ? 70 : 21);
        int nq = edges ? EdgeTokens[rng.Next(EdgeTokens.Length)] : rng.Next(1, 7);
        int nk = self ? nq : edges ? EdgeTokens[rng.Next(EdgeTokens.Length)] : rng.Next(1, 8);

        // Input sizes differ only for cross-attention with separate projections.
        int querySize = modelDim, keySize = modelDim, valueSize = modelDim;
        if (projections == Projections.Separate)
        {
            querySize = rng.Next(1, 21);
            keySize = self ? querySize : rng.Next(1, 21);
            valueSize = self ? querySize : rng.Next(1, 21);
        }

        bool qkvBias = projections != Projections.None && rng.Next(2) == 0;
        bool outputBias = projections != Projections.None && rng.Next(2) == 0;
        bool relative = self && rng.Next(3) == 0;
        AttentionMask mask = rng.Next(5) switch
        {
            1 => AttentionMask.ValidLengths,
            2 => AttentionMask.ValidLengthsPerQuery,
            3 => AttentionMask.KeepMask,
            4 => AttentionMask.KeyPaddingMask,
            _ => AttentionMask.None,
        };
        if (nq == nk && rng.Next(2) == 0)
        {
            mask |= AttentionMask.Causal;
        }

        float scale = rng.Next(3) == 0 ? (float)(0.1 + 2 * rng.NextDouble()) : 0f;
        var spec = AttentionLayerSpec.Create(
            $"Random{seed}", heads, modelDim, nq, nk, kvHeads, headDim, querySize, keySize, valueSize,
            projections, qkvBias, outputBias, relative, mask, returnWeights: rng.Next(2) == 0, scale, selfAttention: self);

        int batch = rng.Next(1, 4);
        float[] query = Values(rng, batch * nq * querySize, 1);
        float[] key = self ? query : Values(rng, batch * nk * keySize, 1);
        float[] value = self ? query : Values(rng, batch * nk * valueSize, 1);
        return new RandomLayer(seed, spec, batch, RandomWeights(rng, spec), query, key, value, RandomValidLengths(rng, spec, batch), RandomMask(rng, spec, batch));
    }

    public override string ToString() =>
        $"seed {Seed}, batch {Batch}: {Spec} validLengths [{string.Join(", ", ValidLengths)}] mask [{string.Join("", Mask.Select(m => m ? '1' : '0'))}]";

    private static AttentionWeights RandomWeights(Random rng, AttentionLayerSpec s)
    {
        float[] Matrix(int rows, int cols) => Values(rng, rows * cols, 1 / MathF.Sqrt(cols));
        float[] Bias(bool present, int n) => present ? Values(rng, n, 0.5f) : [];
        int fusedRows = s.FusedWidth;
        return s.Projections switch
        {
            Projections.Fused => new AttentionWeights
            {
                Fused = Matrix(fusedRows, s.ModelDim),
                FusedBias = Bias(s.QkvBias, fusedRows),
                Output = Matrix(s.ModelDim, s.QueryWidth),
                OutputBias = Bias(s.OutputBias, s.ModelDim),
                RelativePositionBiasTable = Bias(s.RelativePositionBias, s.RelativePositionRows * s.Heads),
            },
            Projections.Separate => new AttentionWeights
            {
                Query = Matrix(s.QueryWidth, s.QuerySize),
                QueryBias = Bias(s.QkvBias, s.QueryWidth),
                Key = Matrix(s.KvWidth, s.KeySize),
                KeyBias = Bias(s.QkvBias, s.KvWidth),
                Value = Matrix(s.KvWidth, s.ValueSize),
                ValueBias = Bias(s.QkvBias, s.KvWidth),
                Output = Matrix(s.ModelDim, s.QueryWidth),
                OutputBias = Bias(s.OutputBias, s.ModelDim),
                RelativePositionBiasTable = Bias(s.RelativePositionBias, s.RelativePositionRows * s.Heads),
            },
            _ => new AttentionWeights { RelativePositionBiasTable = Bias(s.RelativePositionBias, s.RelativePositionRows * s.Heads) },
        };
    }

    private static int[] RandomValidLengths(Random rng, AttentionLayerSpec s, int batch)
    {
        int n = (s.Mask & ~AttentionMask.Causal) switch
        {
            AttentionMask.ValidLengths => batch,
            AttentionMask.ValidLengthsPerQuery => batch * s.QueryTokens,
            _ => 0,
        };
        var lengths = new int[n];
        for (int i = 0; i < n; i++)
        {
            lengths[i] = rng.Next(s.KeyTokens + 1); // 0 (uniform weights) and KeyTokens (no mask) included
        }

        return lengths;
    }

    private static bool[] RandomMask(Random rng, AttentionLayerSpec s, int batch)
    {
        int n = (s.Mask & ~AttentionMask.Causal) switch
        {
            AttentionMask.KeepMask => batch * s.QueryTokens * s.KeyTokens,
            AttentionMask.KeyPaddingMask => batch * s.KeyTokens,
            _ => 0,
        };

        // Sometimes all true or all false, to reach fully masked rows.
        int style = rng.Next(4);
        var mask = new bool[n];
        for (int i = 0; i < n; i++)
        {
            mask[i] = style switch { 0 => true, 1 => false, _ => rng.Next(3) != 0 };
        }

        return mask;
    }

    private static int Divisor(Random rng, int n)
    {
        while (true)
        {
            int d = rng.Next(1, n + 1);
            if (n % d == 0)
            {
                return d;
            }
        }
    }

    internal static float[] Values(Random rng, int n, float amplitude)
    {
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = amplitude * (float)(2 * rng.NextDouble() - 1);
        }

        return values;
    }
}
