using StaticAttention.Internal.Cpu;
using StaticAttention.Reference;
using StaticAttention.Internal.Threading;
using StaticAttention.Weights;

namespace StaticAttention.Benchmarks;

/// <summary>A shape set up to run: random weights loaded through a checkpoint, random inputs, output buffers.</summary>
public abstract class Workload
{
    protected Workload(Shape shape) => Shape = shape;

    public Shape Shape { get; }

    /// <summary>One call: what is timed. Allocates nothing after the first call (the layers' contract).</summary>
    public abstract void Run();

    /// <summary>Runs once and returns max|ours - reference| / max|reference| (the reference is the plain double-precision one).</summary>
    public abstract double RelativeError();

    /// <summary>Whether <see cref="Prepare"/> must run before the next <see cref="Run"/> (a decode step's refilled cache).</summary>
    public virtual bool NeedsPreparation => false;

    /// <summary>Work between calls that is not timed: restores the state the next <see cref="Run"/> expects.</summary>
    public virtual void Prepare()
    {
    }

    public static Workload Create(Shape shape) => shape.Name switch
    {
        "vit_b" => Module.Create(shape, VitBAttention.Load, static (l, x, y) => l.Forward(x, y), static l => l.Weights),
        "temporal" => Module.Create(shape, TemporalAttention.Load, static (l, x, y) => l.Forward(x, y), static l => l.Weights),
        "seedC" => Module.Create(shape, ClassicAttention.Load, static (l, x, y) => l.Forward(x, y), static l => l.Weights),
        "small" => Module.Create(shape, SmallAttention.Load, static (l, x, y) => l.Forward(x, y), static l => l.Weights),
        "prefill_llama1b" => new PrefillWorkload(shape),
        _ when shape.Kind == ShapeKind.Decode => new DecodeWorkload(shape),
        _ when shape.Kind == ShapeKind.Bandwidth => new ReadBandwidth(shape),
        _ when shape.Kind == ShapeKind.Core => new CoreWorkload(shape),
        _ when shape.Kind == ShapeKind.Gemm => new GemmWorkload(shape),
        _ => throw new ArgumentException($"No workload for shape '{shape.Name}'.", nameof(shape)),
    };

    /// <summary>Uniform in [-scale, scale], fixed seed.</summary>
    public static float[] Random(int count, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        var data = new float[count];
        for (int i = 0; i < count; i++) data[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        return data;
    }

    protected static double RelativeError(ReadOnlySpan<float> ours, ReadOnlySpan<float> reference)
    {
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            double d = Math.Abs((double)ours[i] - reference[i]);
            if (double.IsNaN(d)) return double.NaN;
            maxDiff = Math.Max(maxDiff, d);
            maxRef = Math.Max(maxRef, Math.Abs((double)reference[i]));
        }

        return maxRef == 0 ? maxDiff : maxDiff / maxRef;
    }

    /// <summary>A generated layer, loaded from a timm-named checkpoint written in memory.</summary>
    private static class Module
    {
        public delegate void Forward<TLayer>(TLayer layer, ReadOnlySpan<float> x, Span<float> output);

        public static Workload Create<TLayer>(
            Shape shape, Func<Stream, string, TLayer> load, Forward<TLayer> forward, Func<TLayer, AttentionWeights> weights) =>
            new Module<TLayer>(shape, load, forward, weights);
    }

    private sealed class Module<TLayer> : Workload
    {
        private readonly TLayer _layer;
        private readonly Module.Forward<TLayer> _forward;
        private readonly Func<TLayer, AttentionWeights> _weights;
        private readonly float[] _x, _output;

        public Module(Shape shape, Func<Stream, string, TLayer> load, Module.Forward<TLayer> forward, Func<TLayer, AttentionWeights> weights)
            : base(shape)
        {
            int c = shape.Width;
            var tensors = new List<(string Name, int[] Shape, float[] Data)>
            {
                ("qkv.weight", [3 * c, c], Random(3 * c * c, seed: 1, scale: 0.035f)),
                ("qkv.bias", [3 * c], Random(3 * c, seed: 2, scale: 0.035f)),
                ("proj.weight", [c, c], Random(c * c, seed: 3, scale: 0.035f)),
                ("proj.bias", [c], Random(c, seed: 4, scale: 0.035f)),
            };
            if (shape.Name == "temporal")
            {
                tensors.Add(("relative_position_bias_table", [2 * shape.Tokens - 1, shape.Heads], Random((2 * shape.Tokens - 1) * shape.Heads, seed: 5, scale: 0.5f)));
            }

            using var checkpoint = new MemoryStream();
            SafetensorsWriter.Write(checkpoint, tensors);
            checkpoint.Position = 0;
            _layer = load(checkpoint, "");
            _forward = forward;
            _weights = weights;
            _x = Random(shape.Batch * shape.Tokens * c, seed: 42);
            _output = new float[_x.Length];
        }

        public override void Run() => _forward(_layer, _x, _output);

        public override double RelativeError()
        {
            // The reference is slow: check at most two batch items (the layers run any batch).
            Shape s = Shape;
            int batch = Math.Min(s.Batch, 2);
            int length = batch * s.Tokens * s.Width;
            var ours = new float[length];
            _forward(_layer, _x.AsSpan(0, length), ours);
            var spec = AttentionLayerSpec.Create(
                s.Name, s.Heads, s.Width, s.Tokens, s.Tokens, qkvBias: true, outputBias: true,
                relativePositionBias: s.Name == "temporal", selfAttention: true);
            var reference = new float[length];
            ReadOnlySpan<float> x = _x.AsSpan(0, length);
            ReferenceAttention.Forward(spec, _weights(_layer), batch, x, x, x, default, default, reference, default);
            return RelativeError(ours, reference);
        }
    }
}

/// <summary>
/// The attention core called directly on separate q, k, v buffers <c>[B, N, H·D]</c> (as the peers pass separate
/// tensors), no projections, no mask, scale 1/sqrt(D): for <c>core_temporal</c> the kernel the generator writes for that
/// shape (<see cref="CoreTemporalAttention"/>'s, through <c>AttentionCore.ForwardShort</c>), else the runtime's general
/// <c>AttentionCore.Forward</c>.
/// </summary>
public sealed class CoreWorkload : Workload
{
    /// <summary>Threads the core uses (the peers run on 2).</summary>
    public const int Threads = 2;

    private readonly float[] _q, _k, _v, _context;
    private readonly float _scale;
    private readonly bool _emitted;

    public CoreWorkload(Shape shape)
        : base(shape)
    {
        int length = shape.Batch * shape.Tokens * shape.Width;
        _q = Random(length, seed: 11);
        _k = Random(length, seed: 12);
        _v = Random(length, seed: 13);
        _context = new float[length];
        _scale = 1f / MathF.Sqrt(shape.HeadDim);
        _emitted = shape.Name == "core_temporal";
        if (_emitted && (shape.Heads != CoreTemporalAttention.Heads || shape.Tokens != CoreTemporalAttention.Tokens || shape.Width != CoreTemporalAttention.ModelDim))
        {
            throw new InvalidOperationException($"core_temporal's shape differs from CoreTemporalAttention's: {shape}.");
        }
    }

    /// <summary>The call being timed; switch here between the sequential and the pooled core.</summary>
    public override void Run() => Forward(_context);

    private void Forward(Span<float> context)
    {
        Shape s = Shape;
        if (_emitted)
        {
            AttentionCore.ForwardShort<CoreTemporalAttention.AttentionKernel>(_q, _k, _v, s.Batch, default, context, WorkerPool.Shared, Threads);
            return;
        }

        int stride = s.Width;
        AttentionCore.Forward(_q, stride, _k, _v, stride, s.Batch, s.Heads, s.Heads, s.HeadDim, s.Tokens, s.Tokens, _scale,
            AttentionMask.None, default, default, default, context, default, WorkerPool.Shared, Threads);
    }

    public override double RelativeError()
    {
        Shape s = Shape;
        Forward(_context);
        var spec = AttentionLayerSpec.Create(s.Name, s.Heads, s.Width, s.Tokens, s.Tokens, projections: Projections.None);
        int batch = Math.Min(s.Batch, 2);
        int length = batch * s.Tokens * s.Width;
        var reference = new float[length];
        ReferenceAttention.Forward(spec, new AttentionWeights(), batch, _q.AsSpan(0, length), _k.AsSpan(0, length), _v.AsSpan(0, length),
            default, default, reference, default);
        return RelativeError(_context.AsSpan(0, length), reference);
    }

    /// <summary>How the core is called, for the report.</summary>
    public static string CallDescription =>
        $"core_temporal: AttentionCore.ForwardShort<CoreTemporalAttention.AttentionKernel>(q, k, v, B, default, context, WorkerPool.Shared, {Threads}); " +
        $"others: AttentionCore.Forward(..., context, default, WorkerPool.Shared, {Threads})";
}

/// <summary>
/// One projection through the packed GEMM on 2 threads, as the generated layers call it: shows how much of a module's
/// time is the projections, next to the module's own figure.
/// </summary>
public sealed class GemmWorkload : Workload
{
    private readonly float[] _input, _weight, _bias, _output;
    private readonly PackedMatrix _packed;
    private readonly int _rows;

    public GemmWorkload(Shape shape)
        : base(shape)
    {
        _rows = shape.Batch * shape.Tokens;
        _input = Random(_rows * shape.Width, seed: 21);
        _weight = Random(shape.OutFeatures * shape.Width, seed: 22, scale: 1f / MathF.Sqrt(shape.Width));
        _bias = Random(shape.OutFeatures, seed: 23);
        _output = new float[_rows * shape.OutFeatures];
        _packed = PackedMatrix.Pack(_weight, _bias, shape.OutFeatures, shape.Width);
    }

    public override void Run() =>
        Gemm.Forward(_input, _rows, Shape.Width, _packed, _output, Shape.OutFeatures, WorkerPool.Shared, CoreWorkload.Threads);

    public override double RelativeError()
    {
        Run();
        // A few sampled outputs against a double-precision dot product.
        double maxDiff = 0, maxRef = 0;
        for (int r = 0; r < _rows; r += 97)
        {
            for (int o = 0; o < Shape.OutFeatures; o += 13)
            {
                double sum = _bias[o];
                for (int i = 0; i < Shape.Width; i++) sum += (double)_input[r * Shape.Width + i] * _weight[o * Shape.Width + i];
                maxDiff = Math.Max(maxDiff, Math.Abs(sum - _output[r * Shape.OutFeatures + o]));
                maxRef = Math.Max(maxRef, Math.Abs(sum));
            }
        }

        return maxDiff / maxRef;
    }
}
