using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace StaticAttention.Tests.Gpu;

/// <summary>
/// One ILGPU CPU accelerator for the whole test run (creating a context is slow), with the NVIDIA preset: warp size
/// 32 and groups of up to 1024 threads, so shuffles and barriers behave as on a GPU. Fast 32-bit math, as a GPU
/// deployment would use.
/// </summary>
public static class SharedAccelerator
{
    private static readonly Lazy<(Context Context, Accelerator Accelerator)> Lazy = new(() =>
    {
        var context = Context.Create(builder => builder.CPU(CPUDeviceKind.Nvidia).Math(MathMode.Fast32BitOnly));
        return (context, context.GetCPUDevice(0).CreateAccelerator(context));
    });

    public static Accelerator Instance => Lazy.Value.Accelerator;
}

/// <summary>
/// Tests on the shared accelerator run one at a time, and after the parallel tests rather than among them: the CPU
/// accelerator runs a group's threads as OS threads meeting at every barrier and shuffle, which crawls when other tests
/// keep the cores busy (and slows them down in turn).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AcceleratorCollection
{
    public const string Name = "Accelerator";
}
