using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace StaticAttention.Benchmarks;

/// <summary>
/// <c>decode_llama1b</c> under BenchmarkDotNet: each iteration refills the cache to 512 tokens (not timed, an iteration
/// setup) and then times one invocation of a whole block of steps (positions 512 .. 543), reported per step.
/// The read bandwidth it is judged against is <see cref="AttentionBenchmarks.ReadBandwidth"/>; <c>--quick --decode</c>
/// measures both in one run and prints the fraction.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(DecodeBenchmarkConfig))]
public class DecodeBenchmarks
{
    private DecodeWorkload _workload = null!;

    [GlobalSetup]
    public void Setup() => _workload = new DecodeWorkload(Shapes.ByName("decode_llama1b"));

    [IterationSetup]
    public void Refill() => _workload.Prepare();

    /// <summary>Decode steps of the Llama-3.2-1B layer, batch 1, one token each.</summary>
    [Benchmark(OperationsPerInvoke = DecodeWorkload.Block)]
    public void DecodeLlama1B()
    {
        for (int i = 0; i < DecodeWorkload.Block; i++) _workload.Run();
    }
}

/// <summary>One invocation per iteration (the cache is refilled between them), 30 iterations, plus the columns of <see cref="BenchmarkConfig"/>.</summary>
public sealed class DecodeBenchmarkConfig : ManualConfig
{
    public DecodeBenchmarkConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(30).WithInvocationCount(1).WithUnrollFactor(1).WithId("Refilled"));
        AddColumn(new ReadRateColumn());
    }
}
