using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticAttention.Benchmarks;

/// <summary>
/// <c>--quick</c>: no BenchmarkDotNet, a plain Stopwatch loop per shape (1 s warm-up, about 2 s timed, every call
/// timed on its own), printed as a Markdown table. The whole set (14 shapes) takes under a minute (about 50 s).
/// </summary>
public static class QuickRunner
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(IReadOnlyList<string> only, bool check, double warmupSeconds, double timedSeconds)
    {
        Shape[] shapes = only.Count == 0 ? Shapes.All : only.Select(Shapes.ByName).ToArray();
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
        Console.WriteLine();
        Console.WriteLine("| shape | best ms | median ms | mean ms | GFLOP/s | % peak | B/call | rel. err vs reference | calls |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");

        bool ok = true;
        foreach (Shape shape in shapes)
        {
            Workload workload = Workload.Create(shape);
            string error = "-";
            if (check)
            {
                double e = workload.RelativeError();
                error = e.ToString("E1", Inv);
                if (!(e < 1e-3)) { error += " FAIL"; ok = false; }
            }

            Result r = Measure(workload, warmupSeconds, timedSeconds);
            double gflops = shape.Flops / (r.MeanMs * 1e6);
            string bytes = r.ThreadBytes.ToString("F0", Inv) + (Math.Abs(r.TotalBytes - r.ThreadBytes) >= 1 ? $" ({r.TotalBytes.ToString("F0", Inv)})" : "");
            Console.WriteLine(string.Format(Inv, "| {0} | {1:F4} | {2:F4} | {3:F4} | {4:F2} | {5} | {6} | {7} | {8} |",
                shape.Name, r.BestMs, r.MedianMs, r.MeanMs, gflops, peak is { } pk ? (100 * gflops / pk).ToString("F1", Inv) : "-",
                bytes, error, r.Calls));
        }

        Console.WriteLine();
        Console.WriteLine("# shapes: " + string.Join("; ", shapes.Select(s => $"{s.Name} = {s.Description}, {s.Flops / 1e9:F4} GFLOP/call")));
        return ok ? 0 : 1;
    }

    private readonly record struct Result(double BestMs, double MedianMs, double MeanMs, double ThreadBytes, double TotalBytes, int Calls);

    private static Result Measure(Workload workload, double warmupSeconds, double timedSeconds)
    {
        workload.Run();
        long warmupEnd = Stopwatch.GetTimestamp() + (long)(warmupSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < warmupEnd) workload.Run();

        var ticks = new long[1 << 20];
        int calls = 0;
        long threadBefore = GC.GetAllocatedBytesForCurrentThread();
        long totalBefore = GC.GetTotalAllocatedBytes(precise: true);
        long start = Stopwatch.GetTimestamp();
        long end = start + (long)(timedSeconds * Stopwatch.Frequency);
        long previous = start;
        while (calls < ticks.Length)
        {
            workload.Run();
            long now = Stopwatch.GetTimestamp();
            ticks[calls++] = now - previous;
            previous = now;
            if (now >= end && calls >= 5) break;
        }

        long threadBytes = GC.GetAllocatedBytesForCurrentThread() - threadBefore;
        long totalBytes = GC.GetTotalAllocatedBytes(precise: true) - totalBefore;
        double msPerTick = 1000.0 / Stopwatch.Frequency;
        Array.Sort(ticks, 0, calls);
        double median = calls % 2 == 1 ? ticks[calls / 2] : (ticks[calls / 2 - 1] + ticks[calls / 2]) / 2.0;
        return new Result(ticks[0] * msPerTick, median * msPerTick, (previous - start) * msPerTick / calls,
            (double)threadBytes / calls, (double)totalBytes / calls, calls);
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
