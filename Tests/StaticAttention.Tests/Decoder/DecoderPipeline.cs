using StaticAttention.Internal.Cpu;
using StaticAttention.Internal.Threading;
using StaticAttention.Weights;

namespace StaticAttention.Tests.Decoder;

/// <summary>
/// The runtime pieces composed into a decoder layer as the generator composes them: one fused q/k/v projection
/// (<see cref="Gemm"/>), <see cref="RotaryTable.Apply"/> on the q and k columns, <see cref="DecoderAttention"/> (over the
/// projected rows, or appended to a <see cref="KeyValueCache"/>), and the output projection.
/// </summary>
internal sealed class DecoderPipeline
{
    private readonly AttentionLayerSpec _spec;
    private readonly PackedMatrix _qkv;
    private readonly PackedMatrix _output;
    private readonly RotaryTable? _rotary;
    private readonly float[] _slopes;
    private readonly DecoderTerms _terms;
    private readonly int _maxDegreeOfParallelism;

    public DecoderPipeline(AttentionLayerSpec spec, AttentionWeights weights, int positions, int maxDegreeOfParallelism = int.MaxValue)
    {
        _spec = spec;
        (float[] fused, float[] bias) = Fused(spec, weights);
        _qkv = PackedMatrix.Pack(fused, bias, spec.FusedWidth, spec.QuerySize);
        _output = PackedMatrix.Pack(weights.Output, spec.OutputBias ? weights.OutputBias : default, spec.ModelDim, spec.QueryWidth);
        _rotary = spec.Rotary == RotaryEmbedding.None ? null : RotaryTable.Create(spec.Rotary, spec.RotaryBase, spec.RotaryDims, positions);
        _slopes = spec.Alibi ? LayerDefaults.AlibiSlopes(spec.Heads) : [];
        _terms = DecoderTerms.Of(spec);
        _maxDegreeOfParallelism = maxDegreeOfParallelism;
    }

    /// <summary>A cache for this layer.</summary>
    public sealed class Cache(int batch, AttentionLayerSpec spec, int capacity) : KeyValueCache(batch, spec.KvHeads, capacity, spec.HeadDim);

    /// <summary>The whole sequence of <c>spec.QueryTokens</c> tokens per item at once, positions from 0.</summary>
    public void Forward(int batch, ReadOnlySpan<float> x, Span<float> output)
    {
        AttentionLayerSpec s = _spec;
        int tokens = s.QueryTokens, fw = s.FusedWidth;
        float[] qkv = Project(batch, tokens, 0, x);
        var context = new float[batch * tokens * s.QueryWidth];
        DecoderAttention.Forward(_terms, qkv, fw, qkv.AsSpan(s.QueryWidth), qkv.AsSpan(s.QueryWidth + s.KvWidth), tokens * fw, s.HeadDim, fw,
            batch, s.Heads, s.KvHeads, s.HeadDim, tokens, 0, tokens, s.Scale, _slopes, context, WorkerPool.Shared, _maxDegreeOfParallelism);
        Gemm.Forward(context, batch * tokens, s.QueryWidth, _output, output, s.ModelDim);
    }

    /// <summary><paramref name="tokens"/> new tokens per sequence, appended to <paramref name="cache"/>: x is [cache.Batch, tokens, QuerySize].</summary>
    public void Forward(KeyValueCache cache, int tokens, ReadOnlySpan<float> x, Span<float> output)
    {
        AttentionLayerSpec s = _spec;
        int fw = s.FusedWidth;
        float[] qkv = Project(cache.Batch, tokens, cache.Length, x);
        DecoderAttention.Append(cache, qkv.AsSpan(s.QueryWidth), qkv.AsSpan(s.QueryWidth + s.KvWidth), fw, tokens);
        var context = new float[cache.Batch * tokens * s.QueryWidth];
        DecoderAttention.Forward(_terms, qkv, fw, cache, s.Heads, tokens, s.Scale, _slopes, context, WorkerPool.Shared, _maxDegreeOfParallelism);
        Gemm.Forward(context, cache.Batch * tokens, s.QueryWidth, _output, output, s.ModelDim);
    }

    private float[] Project(int batch, int tokens, int firstPosition, ReadOnlySpan<float> x)
    {
        AttentionLayerSpec s = _spec;
        int rows = batch * tokens, fw = s.FusedWidth;
        var qkv = new float[rows * fw];
        Gemm.Forward(x, rows, s.QuerySize, _qkv, qkv, fw);
        _rotary?.Apply(qkv, rows, fw, 0, s.Heads, s.HeadDim, tokens, firstPosition);
        _rotary?.Apply(qkv, rows, fw, s.QueryWidth, s.KvHeads, s.HeadDim, tokens, firstPosition);
        return qkv;
    }

    /// <summary>The q, k, v matrices (and biases) stacked as one fused matrix, whichever way the checkpoint stores them.</summary>
    private static (float[] Weight, float[] Bias) Fused(AttentionLayerSpec s, AttentionWeights w)
    {
        if (s.Projections == Projections.Fused) return (w.Fused, s.QkvBias ? w.FusedBias : []);
        float[] bias = s.QkvBias ? [.. w.QueryBias, .. w.KeyBias, .. w.ValueBias] : [];
        return ([.. w.Query, .. w.Key, .. w.Value], bias);
    }
}
