using System.Globalization;
using BenchmarkDotNet.Running;
using StaticAttention.Benchmarks;

// StaticAttention benchmarks.
//   dotnet run -c Release --project Samples/StaticAttention.Benchmarks -- --quick [--only vit_b,core_long] [--decode] [--no-check]
//       plain Stopwatch loops, a Markdown table, under a minute; --decode adds (without --only: runs only) the decoding
//       shapes: the read bandwidth, a Llama-3.2-1B decode step and prefill, and the prefill's GEMMs (benchmarks/decode.sh)
//   dotnet run -c Release --project Samples/StaticAttention.Benchmarks -- [BenchmarkDotNet arguments, e.g. --filter '*Temporal*']
//       BenchmarkDotNet, a short job per shape, with GFLOP/s and % peak columns
//   dotnet run -c Release --project Samples/StaticAttention.Benchmarks -- --gpu [auto|cuda|cpu] [--verify]
//       the layers' ILGPU kernels on a CUDA GPU (or ILGPU's CPU accelerator); --verify runs every fixture case first (docs/gpu.md)
// STATICATTENTION_PEAK_GFLOPS=<fp32 peak of the machine> adds the % of peak (benchmarks/peak.c measures it; benchmarks/run.sh sets it).

if (args.Contains("--gpu") || args.Contains("--verify"))
{
    return StaticAttention.Benchmarks.Gpu.GpuMode.Run(args);
}

if (args.Contains("--quick"))
{
    var only = new List<string>();
    bool check = true;
    double warmup = 1, timed = 2;
    for (int i = 0; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "--quick": break;
            case "--only" when i + 1 < args.Length:
                only.AddRange(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                break;
            case "--decode": only.AddRange(Shapes.Decoding.Select(s => s.Name)); break;
            case "--no-check": check = false; break;
            case "--warmup" when i + 1 < args.Length: warmup = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
            case "--seconds" when i + 1 < args.Length: timed = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
            default:
                Console.Error.WriteLine("usage: --quick [--only name[,name...]] [--decode] [--no-check] [--warmup S] [--seconds S]; names: " +
                                        string.Join(", ", Shapes.All.Select(s => s.Name)));
                return 2;
        }
    }

    try
    {
        return QuickRunner.Run(only, check, warmup, timed);
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }
}

BenchmarkSwitcher.FromAssembly(typeof(AttentionBenchmarks).Assembly).Run(args);
return 0;
