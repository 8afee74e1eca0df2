using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace StaticAttention.Benchmarks;

/// <summary>A short job (3 warm-ups, 10 measured iterations, one launch) plus the GFLOP/s and % of peak columns.</summary>
public sealed class BenchmarkConfig : ManualConfig
{
    public BenchmarkConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10).WithId("Short"));
        AddColumn(new GflopsColumn(), new PeakFractionColumn(), new ReadRateColumn());
    }
}

/// <summary>The machine's fp32 peak, from <c>STATICATTENTION_PEAK_GFLOPS</c> (what <c>benchmarks/peak.c</c> printed for all cores, the larger of its two widths).</summary>
public static class Peak
{
    public const string Variable = "STATICATTENTION_PEAK_GFLOPS";

    public static double? Gflops =>
        double.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0
            ? v
            : null;
}

/// <summary>Base of the two columns: the FLOP count of the benchmark's shape over its mean time.</summary>
public abstract class FlopsColumnBase : IColumn
{
    public abstract string Id { get; }
    public abstract string ColumnName { get; }
    public abstract string Legend { get; }
    public abstract int PriorityInCategory { get; }

    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        Shape? shape = Shapes.ByMethod(benchmarkCase.Descriptor.WorkloadMethod.Name);
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (shape is null || meanNs is not > 0) return "-";
        double gflops = shape.Flops / meanNs.Value; // FLOP per ns = GFLOP/s
        return Format(gflops);
    }

    protected abstract string Format(double gflops);

    public override string ToString() => ColumnName;
}

public sealed class GflopsColumn : FlopsColumnBase
{
    public override string Id => "StaticAttention.GFLOPs";
    public override string ColumnName => "GFLOP/s";
    public override string Legend => "FLOPs of the shape (module: 2·B·N·C·3C + 2·B·N·C² + 4·B·H·N²·D; core: 4·B·H·N²·D) over the mean time";
    public override int PriorityInCategory => 0;
    protected override string Format(double gflops) => gflops.ToString("F2", CultureInfo.InvariantCulture);
}

public sealed class PeakFractionColumn : FlopsColumnBase
{
    public override string Id => "StaticAttention.PeakFraction";
    public override string ColumnName => "% peak";
    public override string Legend => $"GFLOP/s as a percentage of the fp32 peak in {Peak.Variable} ('-' when unset)";
    public override int PriorityInCategory => 1;
    protected override string Format(double gflops) =>
        Peak.Gflops is { } peak ? (100 * gflops / peak).ToString("F1", CultureInfo.InvariantCulture) : "-";
}

/// <summary>GB/s read by a memory-bound shape (a bandwidth pass, a decode step): its bytes per call over the mean time.</summary>
public sealed class ReadRateColumn : IColumn
{
    public string Id => "StaticAttention.ReadRate";
    public string ColumnName => "GB/s read";
    public string Legend => "bytes a call must read (bandwidth: 1 GiB; decode step: weights and cached keys/values) over the mean time";
    public int PriorityInCategory => 2;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        Shape? shape = Shapes.ByMethod(benchmarkCase.Descriptor.WorkloadMethod.Name);
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (shape is not { Kind: ShapeKind.Bandwidth or ShapeKind.Decode } || meanNs is not > 0) return "-";
        return (DecodeTable.BytesPerCall(shape) / meanNs.Value).ToString("F2", CultureInfo.InvariantCulture); // bytes per ns = GB/s
    }

    public override string ToString() => ColumnName;
}
