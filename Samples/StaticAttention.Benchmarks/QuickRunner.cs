using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticAttention.Benchmarks;

/// <summary>
/// <c>--quick</c>: no BenchmarkDotNet, a plain Stopwatch loop per shape (1 s warm-up, about 2 s timed, every call
/// timed on its own), printed as a Markdown table. The whole set (14 shapes) takes under a minute (about 50 s).
/// The decoding shapes (<see cref="Shapes.Decoding"/>, with <c>--decode</c> or <c>--only</c>) follow in a table of their own
/// (<see cref="DecodeTable"/>): bytes read and GB/s, against the read bandwidth measured first.
/// </summary>
public static class QuickRunner
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(IReadOnlyList<string> only, bool check, double warmupSeconds, double timedSeconds)
    {
        Shape[] selected = only.Count == 0 ? Shapes.Default : only.Select(Shapes.ByName).Distinct().ToArray();
        Shape[] shapes = selected.Where(s => !IsDecoding(s)).ToArray();
        Shape[] decoding = selected.Where(IsDecoding).ToArray();
        // A decode step is judged against the all-core read bandwidth of the same run: measure it first.
        if (decoding.Any(s => s.Kind == ShapeKind.Decode) && !decoding.Contains(DecodeTable.AllCores))
        {
            decoding = [DecodeTable.AllCores, .. decoding];
        }

        decoding = [.. decoding.Where(s => s.Kind == ShapeKind.Bandwidth), .. decoding.Where(s => s.Kind == ShapeKind.Decode)];
        double? peak = Peak.Gflops;

        Console.WriteLine("# StaticAttention quick benchmark");
        Console.WriteLine($"# date {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", Inv)} UTC; {RuntimeInformation.FrameworkDescription}; {RuntimeInformation.OSDescription}");
        Console.WriteLine($"# cpu {CpuModel()}; {Environment.ProcessorCount} logical CPUs");
        Console.WriteLine($"# vectors: Vector512 {(Vector512.IsHardwareAccelerated ? "accelerated" : "not accelerated")}, " +
                          $"Vector256 {(Vector256.IsHardwareAccelerated ? "accelerated" : "not accelerated")} -> widest used: " +
                          $"{(Vector512.IsHardwareAccelerated ? "Vector512" : Vector256.IsHardwareAccelerated ? "Vector256" : "Vector128 or scalar")} " +
                          $"(kernels written with Vector<float> get {System.Numerics.Vector<float>.Count * 32} bits)");
        Console.WriteLine($"# core call: {CoreWorkload.CallDescription}");
        Console.WriteLine($"# peak: {(peak is { } p ? p.ToString("F1", Inv) + " GFLOP/s (" + Peak.Variable + ")" : Peak.Variable + " unset")}");
        Console.WriteLine($"# timing: {warmupSeconds.ToString(Inv)} s warm-up, ~{timedSeconds.ToString(Inv)} s timed per shape, each call timed; " +
                          "GFLOP/s and % peak from the mean (as the peers report); B/call = GC.GetAllocatedBytesForCurrentThread (all threads in brackets when different)");
        bool ok = true;
        if (shapes.Length > 0)
        {
            Console.WriteLine();
            Console.WriteLine("| shape | best ms | median ms | mean ms | GFLOP/s | % peak | B/call | rel. err vs reference | calls |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        }

        var results = new Dictionary<Shape, Result>();
        foreach (Shape shape in shapes)
        {
            (Result r, string error) = MeasureChecked(shape, check, warmupSeconds, timedSeconds, ref ok);
            results[shape] = r;
            double gflops = shape.Flops / (r.MeanMs * 1e6);
            Console.WriteLine(string.Format(Inv, "| {0} | {1:F4} | {2:F4} | {3:F4} | {4:F2} | {5} | {6} | {7} | {8} |",
                shape.Name, r.BestMs, r.MedianMs, r.MeanMs, gflops, peak is { } pk ? (100 * gflops / pk).ToString("F1", Inv) : "-",
                r.Bytes, error, r.Calls));
        }

        if (decoding.Length > 0)
        {
            Console.WriteLine();
            DecodeTable.WriteHeader();
            double? bandwidth = null;
            foreach (Shape shape in decoding)
            {
                (Result r, string error) = MeasureChecked(shape, check, warmupSeconds, timedSeconds, ref ok);
                results[shape] = r;
                if (shape == DecodeTable.AllCores) bandwidth = DecodeTable.BytesPerCall(shape) / (r.BestMs * 1e6);
                DecodeTable.WriteRow(shape, r, error, bandwidth);
            }

            DecodeTable.WriteSummary(results, bandwidth, peak);
        }

        Console.WriteLine();
        Console.WriteLine("# shapes: " + string.Join("; ", selected.Select(s => $"{s.Name} = {s.Description}, {s.Flops / 1e9:F4} GFLOP/call")));
        return ok ? 0 : 1;
    }

    private static bool IsDecoding(Shape shape) => shape.Kind is ShapeKind.Bandwidth or ShapeKind.Decode;

    private static (Result Result, string Error) MeasureChecked(Shape shape, bool check, double warmupSeconds, double timedSeconds, ref bool ok)
    {
        Workload workload = Workload.Create(shape);
        string error = "-";
        if (check)
        {
            double e = workload.RelativeError();
            error = e.ToString("E1", Inv);
            if (!(e < 1e-3)) { error += " FAIL"; ok = false; }
        }

        return (Measure(workload, warmupSeconds, timedSeconds), error);
    }

    /// <summary>One shape's timings; the bytes allocated per call leave out <see cref="Workload.Prepare"/>'s (not timed either).</summary>
    internal readonly record struct Result(double BestMs, double MedianMs, double MeanMs, double ThreadBytes, double TotalBytes, int Calls)
    {
        /// <summary>Bytes allocated per call on the calling thread, and on all threads in brackets when different.</summary>
        public string Bytes =>
            ThreadBytes.ToString("F0", Inv) + (Math.Abs(TotalBytes - ThreadBytes) >= 1 ? $" ({TotalBytes.ToString("F0", Inv)})" : "");
    }

    private static Result Measure(Workload workload, double warmupSeconds, double timedSeconds)
    {
        RunNext(workload);
        long warmupEnd = Stopwatch.GetTimestamp() + (long)(warmupSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < warmupEnd) RunNext(workload);

        var ticks = new long[1 << 20];
        int calls = 0;
        long untimedThreadBytes = 0, untimedTotalBytes = 0, timed = 0;
        long threadBefore = GC.GetAllocatedBytesForCurrentThread();
        long totalBefore = GC.GetTotalAllocatedBytes(precise: true);
        long end = Stopwatch.GetTimestamp() + (long)(timedSeconds * Stopwatch.Frequency);
        long previous = Stopwatch.GetTimestamp();
        while (calls < ticks.Length)
        {
            if (workload.NeedsPreparation)
            {
                long thread = GC.GetAllocatedBytesForCurrentThread(), total = GC.GetTotalAllocatedBytes(precise: true);
                workload.Prepare();
                untimedThreadBytes += GC.GetAllocatedBytesForCurrentThread() - thread;
                untimedTotalBytes += GC.GetTotalAllocatedBytes(precise: true) - total;
                previous = Stopwatch.GetTimestamp();
            }

            workload.Run();
            long now = Stopwatch.GetTimestamp();
            ticks[calls++] = now - previous;
            timed += now - previous;
            previous = now;
            if (now >= end && calls >= 5) break;
        }

        long threadBytes = GC.GetAllocatedBytesForCurrentThread() - threadBefore - untimedThreadBytes;
        long totalBytes = GC.GetTotalAllocatedBytes(precise: true) - totalBefore - untimedTotalBytes;
        double msPerTick = 1000.0 / Stopwatch.Frequency;
        Array.Sort(ticks, 0, calls);
        double median = calls % 2 == 1 ? ticks[calls / 2] : (ticks[calls / 2 - 1] + ticks[calls / 2]) / 2.0;
        return new Result(ticks[0] * msPerTick, median * msPerTick, timed * msPerTick / calls,
            (double)threadBytes / calls, (double)totalBytes / calls, calls);
    }

    private static void RunNext(Workload workload)
    {
        if (workload.NeedsPreparation) workload.Prepare();
        workload.Run();
    }

    private static string CpuModel()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal)) return line[(line.IndexOf(':') + 1)..].Trim();
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
