using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using StaticAttention.Internal.Threading;

namespace StaticAttention.Benchmarks;

/// <summary>
/// The machine's streaming-read bandwidth, what a decode step is measured against: one pass sums every float of a 1 GB
/// array (Vector512 where accelerated, else Vector256, eight independent accumulators), split into equal contiguous
/// parts over <see cref="Threads"/> threads of the pool the layers use. The array is written once when first needed, so
/// its pages are mapped before the first pass.
/// </summary>
public sealed class ReadBandwidth : Workload
{
    /// <summary>The array's size: 1 GiB, far beyond any cache.</summary>
    public const long Bytes = 1L << 30;

    // One array for every thread count: a process holds 1 GiB, not one per shape.
    private static readonly Lazy<float[]> SharedData = new(() =>
    {
        float[] data = GC.AllocateUninitializedArray<float>((int)(Bytes / sizeof(float)), pinned: true);
        data.AsSpan().Fill(1f / 1024);
        return data;
    });

    private readonly float[] _data;
    private readonly double[] _partialSums;

    public ReadBandwidth(Shape shape)
        : base(shape)
    {
        Threads = shape.Batch;
        _data = SharedData.Value;
        _partialSums = new double[Threads];
    }

    /// <summary>Threads reading at once (the shape's batch: 1, or all the cores the layers use).</summary>
    public int Threads { get; }

    /// <summary>The sum of the last pass, so the reads cannot be optimised away.</summary>
    public double Sum { get; private set; }

    public override void Run()
    {
        var job = new Job(_data, _partialSums, Threads);
        WorkerPool.Shared.Run(ref job, Threads, Threads);
        double sum = 0;
        foreach (double partial in _partialSums) sum += partial;
        Sum = sum;
    }

    /// <summary>The sum of the last pass against the exact one (every element is 2⁻¹⁰).</summary>
    public override double RelativeError()
    {
        Run();
        double expected = _data.Length / 1024.0;
        return Math.Abs(Sum - expected) / expected;
    }

    private readonly struct Job(float[] data, double[] partialSums, int parts) : IParallelJob
    {
        public void Execute(int index)
        {
            long length = data.LongLength / parts;
            ref float start = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(data), (nint)(index * length));
            partialSums[index] = Vector512.IsHardwareAccelerated ? Sum512(ref start, length) : Sum256(ref start, length);
        }
    }

    private static double Sum512(ref float start, long length)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        int width = Vector512<float>.Count;
        long i = 0;
        for (; i + 8 * width <= length; i += 8 * width)
        {
            a0 += Vector512.LoadUnsafe(ref start, (nuint)i);
            a1 += Vector512.LoadUnsafe(ref start, (nuint)(i + width));
            a2 += Vector512.LoadUnsafe(ref start, (nuint)(i + 2 * width));
            a3 += Vector512.LoadUnsafe(ref start, (nuint)(i + 3 * width));
            a4 += Vector512.LoadUnsafe(ref start, (nuint)(i + 4 * width));
            a5 += Vector512.LoadUnsafe(ref start, (nuint)(i + 5 * width));
            a6 += Vector512.LoadUnsafe(ref start, (nuint)(i + 6 * width));
            a7 += Vector512.LoadUnsafe(ref start, (nuint)(i + 7 * width));
        }

        double sum = Vector512.Sum((a0 + a1) + (a2 + a3) + ((a4 + a5) + (a6 + a7)));
        for (; i < length; i++) sum += Unsafe.Add(ref start, (nint)i);
        return sum;
    }

    private static double Sum256(ref float start, long length)
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        int width = Vector256<float>.Count;
        long i = 0;
        for (; i + 8 * width <= length; i += 8 * width)
        {
            a0 += Vector256.LoadUnsafe(ref start, (nuint)i);
            a1 += Vector256.LoadUnsafe(ref start, (nuint)(i + width));
            a2 += Vector256.LoadUnsafe(ref start, (nuint)(i + 2 * width));
            a3 += Vector256.LoadUnsafe(ref start, (nuint)(i + 3 * width));
            a4 += Vector256.LoadUnsafe(ref start, (nuint)(i + 4 * width));
            a5 += Vector256.LoadUnsafe(ref start, (nuint)(i + 5 * width));
            a6 += Vector256.LoadUnsafe(ref start, (nuint)(i + 6 * width));
            a7 += Vector256.LoadUnsafe(ref start, (nuint)(i + 7 * width));
        }

        double sum = Vector256.Sum((a0 + a1) + (a2 + a3) + ((a4 + a5) + (a6 + a7)));
        for (; i < length; i++) sum += Unsafe.Add(ref start, (nint)i);
        return sum;
    }
}
