using StaticAttention.Internal.Cpu;
using StaticAttention.Weights;
using StaticAttention.Tests.Kernels;

namespace StaticAttention.Tests.Layers;

/// <summary>
/// The attention kernels the generator writes out for short layers (<see cref="IShortAttentionKernel"/>) against the plain
/// loop <see cref="SimpleAttention.Forward"/> at both vector widths: every token count and head width of
/// <c>ShortKernelLayers.cs</c>, with and without bias and causal; NaN and all -inf rows as in the plain loop; the same bits
/// for any thread count.
/// </summary>
public sealed class ShortKernelTests
{
    /// <summary>A layer without projections: Forward(x, output) is the attention core on q = k = v = x.</summary>
    public sealed record CoreLayer(AttentionLayerSpec Spec, Func<Stream, object> Load, Action<object, float[], float[]> Forward,
        Func<object, AttentionWeights> Weights, Action<object, int> SetThreads)
    {
        public override string ToString() => Spec.LayerName;
    }

    private static CoreLayer Of<T>(AttentionLayerSpec spec, Func<Stream, string, T> load, Action<T, float[], float[]> forward,
        Func<T, AttentionWeights> weights, Action<T, int> threads) where T : class =>
        new(spec, s => load(s, ""), (l, x, y) => forward((T)l, x, y), l => weights((T)l), (l, n) => threads((T)l, n));

    public static readonly CoreLayer[] Layers =
    [
        Of(ShortT1D1Bias.Spec, ShortT1D1Bias.Load, (l, x, y) => l.Forward(x, y), l => l.Weights, (l, n) => l.MaxDegreeOfParallelism = n),
        Of(ShortT2D24Causal.Spec, ShortT2D24Causal.Load, (l, x, y) => l.Forward(x, y), l => l.Weights, (l, n) => l.MaxDegreeOfParallelism = n),
        Of(ShortT7D80BiasCausal.Spec, ShortT7D80BiasCausal.Load, (l, x, y) => l.Forward(x, y), l => l.Weights, (l, n) => l.MaxDegreeOfParallelism = n),
        Of(ShortT7D24.Spec, ShortT7D24.Load, (l, x, y) => l.Forward(x, y), l => l.Weights, (l, n) => l.MaxDegreeOfParallelism = n),
        Of(ShortT8D64Bias.Spec, ShortT8D64Bias.Load, (l, x, y) => l.Forward(x, y), l => l.Weights, (l, n) => l.MaxDegreeOfParallelism = n),
        Of(ShortT8D128Causal.Spec, ShortT8D128Causal.Load, (l, x, y) => l.Forward(x, y), l => l.Weights, (l, n) => l.MaxDegreeOfParallelism = n),
        Of(ShortT16D128BiasCausal.Spec, ShortT16D128BiasCausal.Load, (l, x, y) => l.Forward(x, y), l => l.Weights, (l, n) => l.MaxDegreeOfParallelism = n),
        Of(ShortT16D1.Spec, ShortT16D1.Load, (l, x, y) => l.Forward(x, y), l => l.Weights, (l, n) => l.MaxDegreeOfParallelism = n),
        Of(ShortT32D80BiasCausal.Spec, ShortT32D80BiasCausal.Load, (l, x, y) => l.Forward(x, y), l => l.Weights, (l, n) => l.MaxDegreeOfParallelism = n),
        Of(ShortT32D128.Spec, ShortT32D128.Load, (l, x, y) => l.Forward(x, y), l => l.Weights, (l, n) => l.MaxDegreeOfParallelism = n),
        Of(ShortT32D64Bias.Spec, ShortT32D64Bias.Load, (l, x, y) => l.Forward(x, y), l => l.Weights, (l, n) => l.MaxDegreeOfParallelism = n),
    ];

    public static TheoryData<string, VectorWidth> LayersAndWidths()
    {
        var data = new TheoryData<string, VectorWidth>();
        foreach (CoreLayer layer in Layers)
        {
            data.Add(layer.Spec.LayerName, VectorWidth.Vector256);
            data.Add(layer.Spec.LayerName, VectorWidth.Vector512);
        }

        return data;
    }

    public static TheoryData<VectorWidth> Widths => new() { VectorWidth.Vector256, VectorWidth.Vector512 };

    private static CoreLayer Named(string name) => Array.Find(Layers, l => l.Spec.LayerName == name)!;

    /// <summary>The plain loop on x: q = k = v = x, strides ModelDim.</summary>
    private static float[] Simple(AttentionLayerSpec spec, AttentionWeights weights, float[] x, int batch)
    {
        var context = new float[x.Length];
        SimpleAttention.Forward(
            x, spec.ModelDim, x, x, spec.ModelDim, batch, spec.Heads, spec.KvHeads, spec.HeadDim, spec.QueryTokens, spec.KeyTokens,
            spec.Scale, spec.Mask, default, default, weights.RelativePositionBiasTable, context, default, new float[AttentionCore.ScratchLength(spec.KeyTokens)]);
        return context;
    }

    private static (object Layer, float[] X) Setup(CoreLayer layer, int batch, int seed)
    {
        object instance = layer.Load(RandomCheckpoint.For(layer.Spec, seed));
        float[] x = RandomCheckpoint.Values(batch * layer.Spec.QueryTokens * layer.Spec.ModelDim, new Random(seed), 2f);
        return (instance, x);
    }

    [Theory, MemberData(nameof(LayersAndWidths))]
    public void MatchesThePlainLoop(string name, VectorWidth width)
    {
        CoreLayer layer = Named(name);
        const int batch = 3;
        (object instance, float[] x) = Setup(layer, batch, 31);
        var output = new float[x.Length];
        using (CpuKernel.Force(width))
        {
            layer.Forward(instance, x, output);
        }

        Tolerance.AssertClose(Simple(layer.Spec, layer.Weights(instance), x, batch), output, $"{name} at {width}");
    }

    [Theory, MemberData(nameof(LayersAndWidths))]
    public void ThreadCountDoesNotChangeABit(string name, VectorWidth width)
    {
        CoreLayer layer = Named(name);
        (object instance, float[] x) = Setup(layer, 37, 32); // 37 items: several job indices, a partial last one
        using var forced = CpuKernel.Force(width);
        layer.SetThreads(instance, 1);
        var single = new float[x.Length];
        layer.Forward(instance, x, single);
        foreach (int threads in new[] { 2, 3, 8 })
        {
            layer.SetThreads(instance, threads);
            var parallel = new float[x.Length];
            layer.Forward(instance, x, parallel);
            Assert.Equal(single, parallel);
        }
    }

    [Theory, MemberData(nameof(Widths))]
    public void ANaNValueBehindTheCausalMaskPropagatesAsInThePlainLoop(VectorWidth width)
    {
        // Token 6's value is NaN in batch item 1: rows 0..5 give it weight 0, and 0·NaN is NaN, so column 5 of every row is NaN.
        CoreLayer layer = Named(nameof(ShortT7D80BiasCausal));
        (object instance, float[] x) = Setup(layer, 2, 33);
        x[(1 * 7 + 6) * 80 + 5] = float.NaN;
        var output = new float[x.Length];
        using (CpuKernel.Force(width))
        {
            layer.Forward(instance, x, output);
        }

        float[] expected = Simple(layer.Spec, layer.Weights(instance), x, 2);
        Assert.True(float.IsNaN(expected[7 * 80 + 5]), "the plain loop makes column 5 of row 0 of item 1 NaN");
        Assert.False(float.IsNaN(expected[0]), "item 0 stays finite");
        Tolerance.AssertClose(expected, output, $"NaN value at {width}");
    }

    [Theory, MemberData(nameof(Widths))]
    public void ARowWhoseScoresAreAllMinusInfinityGivesZeros(VectorWidth width)
    {
        // Causal row 0 sees key 0 only; a bias of -inf on the diagonal (table[T - 1, h]) hides it too: zeros, not NaN.
        CoreLayer layer = Named(nameof(ShortT16D128BiasCausal));
        (object instance, float[] x) = Setup(layer, 2, 34);
        AttentionWeights weights = layer.Weights(instance);
        weights.RelativePositionBiasTable[15] = float.NegativeInfinity;
        var output = new float[x.Length];
        using (CpuKernel.Force(width))
        {
            layer.Forward(instance, x, output);
        }

        float[] expected = Simple(layer.Spec, weights, x, 2);
        Assert.All(output.AsSpan(0, 128).ToArray(), value => Assert.Equal(0f, value));
        Assert.All(output.AsSpan(16 * 128, 128).ToArray(), value => Assert.Equal(0f, value));
        Assert.NotEqual(0f, output[128]);
        Tolerance.AssertClose(expected, output, $"-inf row at {width}");
    }

    [Theory, MemberData(nameof(Widths))]
    public void GroupedCrossAttentionMatchesTheReference(VectorWidth width)
    {
        var layer = ShortGroupedCross.Load(RandomCheckpoint.For(ShortGroupedCross.Spec, 35));
        var io = LayerInputs.For(ShortGroupedCross.Spec, 3, 35);
        using (CpuKernel.Force(width))
        {
            layer.Forward(io.Query, io.Key, io.Value, io.Output);
        }

        io.AssertMatchesReference(layer.Weights);
    }

    [Theory, MemberData(nameof(Widths))]
    public void FusedProjectionMatchesTheReference(VectorWidth width)
    {
        var layer = ShortFusedT12.Load(RandomCheckpoint.For(ShortFusedT12.Spec, 36));
        var io = LayerInputs.For(ShortFusedT12.Spec, 3, 36);
        using (CpuKernel.Force(width))
        {
            layer.Forward(io.Query, io.Output);
        }

        io.AssertMatchesReference(layer.Weights);
    }

    [Theory, MemberData(nameof(Widths))]
    public void ForwardAllocatesNothingAfterTheFirstCall(VectorWidth width)
    {
        using var forced = CpuKernel.Force(width);
        var layer = ShortFusedT12.Load(RandomCheckpoint.For(ShortFusedT12.Spec, 37));
        var io = LayerInputs.For(ShortFusedT12.Spec, 5, 37);
        layer.Forward(io.Query, io.Output);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) layer.Forward(io.Query, io.Output);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ForwardShortRejectsWrongSpansWithTheNumbers()
    {
        // ShortT8D64Bias: Heads 2, HeadDim 64, 8 tokens, strides 128; the table is [15, 2].
        const int batch = 2, items = batch * 8 * 128;
        float[] x = new float[items], context = new float[items], table = new float[15 * 2];

        var q = Assert.Throws<ArgumentException>(() =>
            AttentionCore.ForwardShort<ShortT8D64Bias.AttentionKernel>(x.AsSpan(1), x, x, batch, table, context));
        Assert.Equal("q", q.ParamName);
        Assert.Contains($"at least {items} elements", q.Message);

        var v = Assert.Throws<ArgumentException>(() =>
            AttentionCore.ForwardShort<ShortT8D64Bias.AttentionKernel>(x, x, x.AsSpan(0, items - 1), batch, table, context));
        Assert.Equal("v", v.ParamName);

        var c = Assert.Throws<ArgumentException>(() =>
            AttentionCore.ForwardShort<ShortT8D64Bias.AttentionKernel>(x, x, x, batch, table, context.AsSpan(1)));
        Assert.Equal("context", c.ParamName);

        var bias = Assert.Throws<ArgumentException>(() =>
            AttentionCore.ForwardShort<ShortT8D64Bias.AttentionKernel>(x, x, x, batch, table.AsSpan(1), context));
        Assert.Equal("relativePositionBias", bias.ParamName);
        Assert.Contains("must have 30 elements", bias.Message);

        var none = Assert.Throws<ArgumentException>(() =>
            AttentionCore.ForwardShort<ShortT32D128.AttentionKernel>(new float[32 * 128], new float[32 * 128], new float[32 * 128], 1, table, new float[32 * 128]));
        Assert.Equal("relativePositionBias", none.ParamName);

        Assert.Throws<ArgumentOutOfRangeException>(() =>
            AttentionCore.ForwardShort<ShortT8D64Bias.AttentionKernel>(x, x, x, 0, table, context));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            AttentionCore.ForwardShort<ShortT8D64Bias.AttentionKernel>(x, x, x, batch, table, context, null, 0));
    }
}
