using System.Globalization;

namespace StaticAttention.Benchmarks;

/// <summary>
/// The <c>--quick</c> table of the memory-bound shapes: the read bandwidth passes and the decode step, in bytes read per
/// call and GB/s, the step as a fraction of the all-core read bandwidth (its best pass) of the same run; then a summary
/// of issue 17's targets (decode ≥ 60 % of the bandwidth, aim 80 %; 0 B per step; prefill GEMMs ≥ 80 % of peak).
/// </summary>
internal static class DecodeTable
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The bandwidth every decode step is judged against: all cores reading.</summary>
    public static Shape AllCores => Shapes.ByName("read_bw");

    /// <summary>Bytes a call must read: the whole array for a bandwidth pass, weights and cache for a decode step.</summary>
    public static double BytesPerCall(Shape shape) => shape.Kind switch
    {
        ShapeKind.Bandwidth => ReadBandwidth.Bytes,
        ShapeKind.Decode => DecodeWorkload.BytesPerStep(shape),
        _ => throw new ArgumentException($"'{shape.Name}' is not a memory-bound shape.", nameof(shape)),
    };

    public static void WriteHeader()
    {
        Console.WriteLine("| shape | best ms | median ms | mean ms | MB read/call | GB/s (mean) | GB/s (best) | % read bandwidth | B/call | rel. err vs reference | calls |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    }

    /// <summary>A bandwidth pass is compared by its best pass, a decode step by its mean (as the peers report).</summary>
    public static void WriteRow(Shape shape, QuickRunner.Result r, string error, double? bandwidth)
    {
        double bytes = BytesPerCall(shape);
        double meanGbs = bytes / (r.MeanMs * 1e6), bestGbs = bytes / (r.BestMs * 1e6);
        double compared = shape.Kind == ShapeKind.Bandwidth ? bestGbs : meanGbs;
        Console.WriteLine(string.Format(Inv, "| {0} | {1:F4} | {2:F4} | {3:F4} | {4:F2} | {5:F2} | {6:F2} | {7} | {8} | {9} | {10} |",
            shape.Name, r.BestMs, r.MedianMs, r.MeanMs, bytes / 1e6, meanGbs, bestGbs,
            bandwidth is { } bw ? (100 * compared / bw).ToString("F1", Inv) : "-", r.Bytes, error, r.Calls));
    }

    public static void WriteSummary(IReadOnlyDictionary<Shape, QuickRunner.Result> results, double? bandwidth, double? peak)
    {
        Console.WriteLine();
        foreach ((Shape shape, QuickRunner.Result r) in results)
        {
            if (shape.Kind == ShapeKind.Bandwidth)
            {
                Console.WriteLine(string.Format(Inv, "# read bandwidth {0}: best pass {1:F2} GB/s, mean {2:F2} GB/s ({3} passes over {4:F2} GB, {5} thread(s))",
                    shape.Name, ReadBandwidth.Bytes / (r.BestMs * 1e6), ReadBandwidth.Bytes / (r.MeanMs * 1e6), r.Calls, ReadBandwidth.Bytes / 1e9, shape.Batch));
            }
        }

        foreach ((Shape shape, QuickRunner.Result r) in results)
        {
            if (shape.Kind != ShapeKind.Decode) continue;
            double weights = sizeof(float) * shape.ProjectionWeights;
            double bytes = BytesPerCall(shape);
            string Fraction(double ms) => bandwidth is { } bw ? (100 * bytes / (ms * 1e6) / bw).ToString("F1", Inv) + " %" : "-";
            Console.WriteLine(string.Format(Inv,
                "# {0}: reads {1:F2} MB per step (projection weights {2:F2} MB + cached keys and values {3:F2} MB, {4:F1} tokens on average); " +
                "mean {5:F4} ms -> {6:F2} GB/s = {7} of the read bandwidth (median: {8}; floor 60 %, aim 80 %); allocated per step: {9} B",
                shape.Name, bytes / 1e6, weights / 1e6, (bytes - weights) / 1e6, DecodeWorkload.MeanAttendedTokens(shape),
                r.MeanMs, bytes / (r.MeanMs * 1e6), Fraction(r.MeanMs), Fraction(r.MedianMs), r.Bytes));
        }

        Shape prefill = Shapes.ByName("prefill_llama1b");
        if (results.TryGetValue(prefill, out QuickRunner.Result p))
        {
            double gemmFlops = 2.0 * prefill.Batch * prefill.Tokens * prefill.ProjectionWeights;
            double gflops = gemmFlops / (p.MeanMs * 1e6);
            Console.WriteLine(string.Format(Inv, "# {0}: its projections are {1:F2} GFLOP; over the whole mean call ({2:F4} ms) that is {3:F2} GFLOP/s{4}",
                prefill.Name, gemmFlops / 1e9, p.MeanMs, gflops, PeakPercent(gflops, peak)));
            Shape qkv = Shapes.ByName("gemm_qkv_llama1b"), o = Shapes.ByName("gemm_o_llama1b");
            if (results.TryGetValue(qkv, out QuickRunner.Result q) && results.TryGetValue(o, out QuickRunner.Result w))
            {
                double alone = (qkv.Flops + o.Flops) / ((q.MeanMs + w.MeanMs) * 1e6);
                Console.WriteLine(string.Format(Inv,
                    "# {0}: its GEMMs alone ({1} + {2}, mean {3:F4} + {4:F4} ms) run at {5:F2} GFLOP/s{6} (issue 17: at least 80 % of peak); the rest of the call (attention, rotary) takes {7:F4} ms",
                    prefill.Name, qkv.Name, o.Name, q.MeanMs, w.MeanMs, alone, PeakPercent(alone, peak), p.MeanMs - q.MeanMs - w.MeanMs));
            }
        }
    }

    private static string PeakPercent(double gflops, double? peak) =>
        peak is { } pk ? " = " + (100 * gflops / pk).ToString("F1", Inv) + " % of peak" : "";
}
