using BenchmarkDotNet.Attributes;

namespace StaticAttention.Benchmarks;

/// <summary>
/// One benchmark per shape (see <see cref="Shapes"/>; the method names are <see cref="Shape.Method"/>, which the
/// GFLOP/s columns look up). Each case runs in its own process, so each sets up only its own workload.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BenchmarkConfig))]
public class AttentionBenchmarks
{
    private Workload _workload = null!;

    private void Setup(string name)
    {
        _workload = Workload.Create(Shapes.ByName(name));
        _workload.Run(); // sizes the layer's scratch, so the measured calls allocate nothing
    }

    [GlobalSetup(Target = nameof(VitB))] public void SetupVitB() => Setup("vit_b");
    [GlobalSetup(Target = nameof(Temporal))] public void SetupTemporal() => Setup("temporal");
    [GlobalSetup(Target = nameof(SeedC))] public void SetupSeedC() => Setup("seedC");
    [GlobalSetup(Target = nameof(Small))] public void SetupSmall() => Setup("small");
    [GlobalSetup(Target = nameof(CoreLong))] public void SetupCoreLong() => Setup("core_long");
    [GlobalSetup(Target = nameof(CoreTemporal))] public void SetupCoreTemporal() => Setup("core_temporal");
    [GlobalSetup(Target = nameof(CoreTemporalGeneral))] public void SetupCoreTemporalGeneral() => Setup("core_temporal_general");
    [GlobalSetup(Target = nameof(CoreVit))] public void SetupCoreVit() => Setup("core_vit");
    [GlobalSetup(Target = nameof(CoreSeedC))] public void SetupCoreSeedC() => Setup("core_seedc");
    [GlobalSetup(Target = nameof(GemmQkv197))] public void SetupGemmQkv197() => Setup("gemm_qkv_197");
    [GlobalSetup(Target = nameof(GemmProj197))] public void SetupGemmProj197() => Setup("gemm_proj_197");
    [GlobalSetup(Target = nameof(GemmQkv512))] public void SetupGemmQkv512() => Setup("gemm_qkv_512");
    [GlobalSetup(Target = nameof(GemmQkv1568))] public void SetupGemmQkv1568() => Setup("gemm_qkv_1568");
    [GlobalSetup(Target = nameof(GemmProj1568))] public void SetupGemmProj1568() => Setup("gemm_proj_1568");
    [GlobalSetup(Target = nameof(ReadBandwidthOneCore))] public void SetupReadBandwidthOneCore() => Setup("read_bw_1t");
    [GlobalSetup(Target = nameof(ReadBandwidth))] public void SetupReadBandwidth() => Setup("read_bw");
    [GlobalSetup(Target = nameof(PrefillLlama1B))] public void SetupPrefillLlama1B() => Setup("prefill_llama1b");
    [GlobalSetup(Target = nameof(GemmQkvLlama1B))] public void SetupGemmQkvLlama1B() => Setup("gemm_qkv_llama1b");
    [GlobalSetup(Target = nameof(GemmOLlama1B))] public void SetupGemmOLlama1B() => Setup("gemm_o_llama1b");

    /// <summary>Module ViT-B: B1 N197 C768 H12.</summary>
    [Benchmark] public void VitB() => _workload.Run();

    /// <summary>Module temporal (AIM / TimeSformer): B196 T8 C768 H12, relative position bias.</summary>
    [Benchmark] public void Temporal() => _workload.Run();

    /// <summary>Module classic Wq/Wk/Wv/fc (shape id seedC): B4 N128 C512 H8.</summary>
    [Benchmark] public void SeedC() => _workload.Run();

    /// <summary>Module small: B1 N16 C64 H4.</summary>
    [Benchmark] public void Small() => _workload.Run();

    /// <summary>Core long: B1 H12 N1024 D64.</summary>
    [Benchmark] public void CoreLong() => _workload.Run();

    /// <summary>Core temporal: B196 H12 T8 D64, through the kernel the generator writes for that shape.</summary>
    [Benchmark] public void CoreTemporal() => _workload.Run();

    /// <summary>Core temporal through the runtime's general core (its short kernel), for comparison.</summary>
    [Benchmark] public void CoreTemporalGeneral() => _workload.Run();

    /// <summary>The core of the ViT-B module alone: B1 H12 N197 D64.</summary>
    [Benchmark] public void CoreVit() => _workload.Run();

    /// <summary>The core of the classic module alone: B4 H8 N128 D64.</summary>
    [Benchmark] public void CoreSeedC() => _workload.Run();

    /// <summary>The ViT-B qkv projection alone: [197, 768] -> 2304.</summary>
    [Benchmark] public void GemmQkv197() => _workload.Run();

    /// <summary>The ViT-B output projection alone: [197, 768] -> 768.</summary>
    [Benchmark] public void GemmProj197() => _workload.Run();

    /// <summary>The classic module's qkv projection alone: [512, 512] -> 1536.</summary>
    [Benchmark] public void GemmQkv512() => _workload.Run();

    /// <summary>The temporal qkv projection alone: [1568, 768] -> 2304.</summary>
    [Benchmark] public void GemmQkv1568() => _workload.Run();

    /// <summary>The temporal output projection alone: [1568, 768] -> 768.</summary>
    [Benchmark] public void GemmProj1568() => _workload.Run();

    /// <summary>Streaming read of 1 GiB on one thread (the decode step's yardstick; see <see cref="DecodeBenchmarks"/>).</summary>
    [Benchmark] public void ReadBandwidthOneCore() => _workload.Run();

    /// <summary>Streaming read of 1 GiB on all cores.</summary>
    [Benchmark] public void ReadBandwidth() => _workload.Run();

    /// <summary>Llama-3.2-1B attention, plain causal Forward over 512 tokens (the prefill).</summary>
    [Benchmark] public void PrefillLlama1B() => _workload.Run();

    /// <summary>The Llama-3.2-1B prefill's q, k, v projections together: [512, 2048] -> 3072.</summary>
    [Benchmark] public void GemmQkvLlama1B() => _workload.Run();

    /// <summary>The Llama-3.2-1B prefill's output projection: [512, 2048] -> 2048.</summary>
    [Benchmark] public void GemmOLlama1B() => _workload.Run();
}
