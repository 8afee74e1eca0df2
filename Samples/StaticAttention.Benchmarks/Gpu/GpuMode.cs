using System.Diagnostics;
using System.Globalization;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using StaticAttention.Weights;

namespace StaticAttention.Benchmarks.Gpu;

/// <summary>
/// <c>--gpu [auto|cuda|cpu] [--verify] [--only name,...] [--seconds S]</c>: the layers on an ILGPU accelerator. The
/// accelerator is the first CUDA device when there is one (<c>auto</c>, the default) or ILGPU's CPU accelerator with
/// its NVIDIA preset (warp size 32; slow, for checking, not timing). <c>--verify</c> first runs every fixture case on
/// it against PyTorch's expected outputs and stops on a failure; then each shape is timed with its activations on the
/// device (the device-view <c>Forward</c>, synchronised per call). <c>--verify</c> alone verifies without timing.
/// </summary>
public static class GpuMode
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The shapes <c>--gpu</c> times, by name.</summary>
    public static readonly string[] ShapeNames = ["core_long_4096", "temporal", "vit_b", "vit_b_b64", "projections_8192"];

    public static int Run(string[] args)
    {
        string device = "auto";
        bool verify = false, time = false;
        double seconds = 2;
        var only = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--gpu":
                    time = true;
                    if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) device = args[++i];
                    break;
                case "--verify": verify = true; break;
                case "--only" when i + 1 < args.Length:
                    only.AddRange(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "--seconds" when i + 1 < args.Length: seconds = double.Parse(args[++i], Inv); break;
                default:
                    Console.Error.WriteLine("usage: --gpu [auto|cuda|cpu] [--verify] [--only " + string.Join(",", ShapeNames) + "] [--seconds S]; or --verify alone");
                    return 2;
            }
        }

        if (device is not ("auto" or "cuda" or "cpu"))
        {
            Console.Error.WriteLine($"Unknown accelerator '{device}': use auto, cuda or cpu.");
            return 2;
        }

        using Context context = Context.Create(builder => builder.Default().CPU(CPUDeviceKind.Nvidia).Math(MathMode.Fast32BitOnly));
        using Accelerator accelerator = CreateAccelerator(context, device);
        Console.WriteLine($"# accelerator: {accelerator.Name} ({accelerator.AcceleratorType}), warp size {accelerator.WarpSize}, " +
                          $"{accelerator.MaxNumThreadsPerGroup} threads per group, {accelerator.MaxSharedMemoryPerGroup} bytes shared memory per group, " +
                          $"{accelerator.MemorySize / (1024 * 1024)} MiB");

        if (verify)
        {
            if (!FixtureVerifier.Run(accelerator))
            {
                Console.Error.WriteLine("verify: a fixture case does not match PyTorch on this accelerator; not timing.");
                return 1;
            }

            Console.WriteLine("verify: every fixture case matches PyTorch on this accelerator.");
            if (!time) return 0;
        }

        Console.WriteLine();
        Console.WriteLine("| shape | best ms | median ms | GFLOP/s (attention only for a core) | calls |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (string name in only.Count == 0 ? ShapeNames : only.ToArray())
        {
            if (!ShapeNames.Contains(name))
            {
                Console.Error.WriteLine($"Unknown shape '{name}'; --gpu times {string.Join(", ", ShapeNames)}.");
                return 2;
            }

            GpuTiming timing = Time(name, accelerator, seconds);
            Console.WriteLine(string.Format(Inv, "| {0} | {1:F4} | {2:F4} | {3:F1} | {4} |", name, timing.BestMs, timing.MedianMs, timing.Flops / (timing.MedianMs * 1e6), timing.Calls));
        }

        return 0;
    }

    private static Accelerator CreateAccelerator(Context context, string device)
    {
        if (device != "cpu")
        {
            foreach (CudaDevice cuda in context.GetCudaDevices()) return cuda.CreateAccelerator(context);
            if (device == "cuda") throw new InvalidOperationException("No CUDA device: run with --gpu cpu to use ILGPU's CPU accelerator.");
            Console.WriteLine("# no CUDA device: ILGPU's CPU accelerator (NVIDIA preset), fine for --verify, slow for timing");
        }

        // The NVIDIA preset (warp size 32), not the default CPU device that Default() registers too.
        foreach (CPUDevice cpu in context.GetCPUDevices())
        {
            if (cpu.WarpSize == 32) return cpu.CreateAccelerator(context);
        }

        throw new InvalidOperationException("No CPU device with the NVIDIA preset was registered.");
    }

    private readonly record struct GpuTiming(double BestMs, double MedianMs, double Flops, int Calls);

    private static GpuTiming Time(string name, Accelerator accelerator, double seconds) => name switch
    {
        // 4·B·H·N²·D: the two attention matmuls.
        "core_long_4096" => Time(CoreLongAttention.Load(Checkpoint(CoreLongAttention.Spec)), 1, CoreLongAttention.Tokens * CoreLongAttention.ModelDim,
            static (l, x, y) => l.Forward(x, y), static (l, a) => l.UseAccelerator(a), 4.0 * 16 * 4096.0 * 4096 * 64, accelerator, seconds),
        // 2·B·N·C·3C + 2·B·N·C² + 4·B·H·N²·D
        "temporal" => Time(TemporalAttention.Load(Checkpoint(TemporalAttention.Spec)), 196, TemporalAttention.Tokens * TemporalAttention.ModelDim,
            static (l, x, y) => l.Forward(x, y), static (l, a) => l.UseAccelerator(a), Module(196, 8, 768, 12), accelerator, seconds),
        // GEMM figures: 8192 rows through the qkv and output projections of ViT-B (the one-key attention between them is a
        // few percent of the time); the FLOPs counted are the GEMMs' alone, 2·8192·768·(3·768 + 768).
        "projections_8192" => Time(ProjectionsOnlyAttention.Load(Checkpoint(ProjectionsOnlyAttention.Spec)), 8192, ProjectionsOnlyAttention.Tokens * ProjectionsOnlyAttention.ModelDim,
            static (l, x, y) => l.Forward(x, y), static (l, a) => l.UseAccelerator(a), 2.0 * 8192 * 768 * (3 * 768 + 768), accelerator, seconds),
        // vit_b_b64: the same module over a batch of 64 images.
        "vit_b_b64" => Time(VitBAttention.Load(Checkpoint(VitBAttention.Spec)), 64, VitBAttention.Tokens * VitBAttention.ModelDim,
            static (l, x, y) => l.Forward(x, y), static (l, a) => l.UseAccelerator(a), Module(64, 197, 768, 12), accelerator, seconds),
        // vit_b: 2·B·N·C·3C + 2·B·N·C² + 4·B·H·N²·D
        _ => Time(VitBAttention.Load(Checkpoint(VitBAttention.Spec)), 1, VitBAttention.Tokens * VitBAttention.ModelDim,
            static (l, x, y) => l.Forward(x, y), static (l, a) => l.UseAccelerator(a), Module(1, 197, 768, 12), accelerator, seconds),
    };

    private static double Module(int b, int n, int c, int h) => 2.0 * b * n * c * 3 * c + 2.0 * b * n * c * c + 4.0 * b * h * (double)n * n * (c / h);

    private static GpuTiming Time<TLayer>(
        TLayer layer, int batch, int perItem, Action<TLayer, ArrayView<float>, ArrayView<float>> forward,
        Func<TLayer, Accelerator, IDisposable> use, double flops, Accelerator accelerator, double seconds)
    {
        using IDisposable session = use(layer, accelerator);
        using var x = accelerator.Allocate1D(Workload.Random(batch * perItem, seed: 42));
        using var y = accelerator.Allocate1D<float>(batch * perItem);
        forward(layer, x.View.AsContiguous(), y.View.AsContiguous()); // compiles the kernels
        accelerator.Synchronize();

        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < seconds || times.Count < 3)
        {
            long start = Stopwatch.GetTimestamp();
            forward(layer, x.View.AsContiguous(), y.View.AsContiguous());
            accelerator.Synchronize();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        times.Sort();
        return new GpuTiming(times[0], times[times.Count / 2], flops, times.Count);
    }

    /// <summary>A random checkpoint with timm names for a fused layer (none at all for a layer without projections).</summary>
    private static MemoryStream Checkpoint(AttentionLayerSpec spec)
    {
        var tensors = new List<(string, int[], float[])>();
        if (spec.Projections == Projections.Fused)
        {
            float scale = 1f / MathF.Sqrt(spec.QuerySize);
            tensors.Add(("qkv.weight", [spec.FusedWidth, spec.QuerySize], Workload.Random(spec.FusedWidth * spec.QuerySize, seed: 1, scale)));
            if (spec.QkvBias) tensors.Add(("qkv.bias", [spec.FusedWidth], Workload.Random(spec.FusedWidth, seed: 2, scale)));
            tensors.Add(("proj.weight", [spec.ModelDim, spec.QueryWidth], Workload.Random(spec.ModelDim * spec.QueryWidth, seed: 3, scale)));
            if (spec.OutputBias) tensors.Add(("proj.bias", [spec.ModelDim], Workload.Random(spec.ModelDim, seed: 4, scale)));
        }

        if (spec.RelativePositionBias)
            tensors.Add(("relative_position_bias_table", [spec.RelativePositionRows, spec.Heads], Workload.Random(spec.RelativePositionRows * spec.Heads, seed: 5, 0.5f)));

        var stream = new MemoryStream();
        SafetensorsWriter.Write(stream, tensors);
        stream.Position = 0;
        return stream;
    }
}
