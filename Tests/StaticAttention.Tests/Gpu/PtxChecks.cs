using System.Reflection;
using System.Text.RegularExpressions;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime.Cuda;

namespace StaticAttention.Tests.Gpu;

/// <summary>
/// The generated kernels' PTX for sm_90, read without a GPU: no local memory (spills or stack arrays), four-float shared
/// loads, and enough f32 arithmetic per shared load. Which checks a kernel must pass depends on its family
/// (<see cref="Families"/>), found by its name.
/// </summary>
public sealed partial class PtxChecks
{
    /// <summary>The checks a kernel family must pass.</summary>
    [Flags]
    public enum Check
    {
        None = 0,

        /// <summary>No <c>.local</c> declaration or access: nothing spilled, no stack arrays.</summary>
        NoLocalMemory = 1,

        /// <summary>At least one <c>ld.shared.v4</c>: the inner loops read shared memory 16 bytes at a time.</summary>
        VectorSharedLoads = 2,

        /// <summary>At least <see cref="MinimumOpsPerSharedLoad"/> f32 fma/mul/add per shared-load instruction.</summary>
        OpsPerSharedLoad = 4,

        All = NoLocalMemory | VectorSharedLoads | OpsPerSharedLoad,
    }

    public const double MinimumOpsPerSharedLoad = 4;

    /// <summary>
    /// Kernel name patterns and the checks their kernels pass, first match wins. The small-sequence kernel reads no
    /// shared memory at all (its rows stay in registers), nor does the rotary kernel (one pair per thread), so only the
    /// local-memory check applies to them.
    /// </summary>
    public static readonly (Regex Name, Check Checks)[] Families =
    [
        (new Regex("^GpuLinear"), Check.All),
        (new Regex("^GpuAttention(Narrow)?$"), Check.All),
        (new Regex("^GpuSmallAttention$"), Check.NoLocalMemory),
        (new Regex("^GpuRotary$"), Check.NoLocalMemory),
    ];

    /// <summary>Every generated kernel of the test assembly's layers, as (layer, kernel) names.</summary>
    public static TheoryData<string, string> Kernels()
    {
        var data = new TheoryData<string, string>();
        foreach (MethodInfo kernel in GeneratedKernels.All()) data.Add(kernel.DeclaringType!.Name, kernel.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Kernel_meets_its_family_s_checks(string layer, string kernel)
    {
        Check checks = ChecksFor(kernel);
        string ptx = PtxCompiler.Compile(GeneratedKernels.Find(layer, kernel));
        PtxFigures figures = PtxFigures.Of(ptx);
        DumpIfAsked(layer, kernel, ptx, figures);

        if (checks.HasFlag(Check.NoLocalMemory))
            Assert.True(figures.LocalMemory == 0, $"{layer}.{kernel}: {figures.LocalMemory} PTX lines use local memory");
        if (checks.HasFlag(Check.VectorSharedLoads))
            Assert.True(figures.VectorSharedLoads > 0, $"{layer}.{kernel}: no ld.shared.v4 among {figures.SharedLoads} shared loads");
        if (checks.HasFlag(Check.OpsPerSharedLoad))
        {
            Assert.True(figures.OpsPerSharedLoad >= MinimumOpsPerSharedLoad,
                $"{layer}.{kernel}: {figures.FloatOps} f32 operations for {figures.SharedLoads} shared loads ({figures.OpsPerSharedLoad:F2} each)");
        }
    }

    [Fact]
    public void Every_kernel_belongs_to_a_family_and_the_families_are_found()
    {
        var kernels = GeneratedKernels.All();
        Assert.Contains(kernels, k => k.Name.StartsWith("GpuLinear", StringComparison.Ordinal));
        Assert.Contains(kernels, k => k.Name.EndsWith("Attention", StringComparison.Ordinal));
        foreach (MethodInfo kernel in kernels)
            Assert.True(Array.Exists(Families, f => f.Name.IsMatch(kernel.Name)), $"{kernel.DeclaringType!.Name}.{kernel.Name} belongs to no family");
    }

    /// <summary>With <c>STATICATTENTION_PTX_DIR</c> set, writes each kernel's PTX there and appends its figures to <c>figures.txt</c>.</summary>
    private static void DumpIfAsked(string layer, string kernel, string ptx, PtxFigures figures)
    {
        string? directory = Environment.GetEnvironmentVariable("STATICATTENTION_PTX_DIR");
        if (string.IsNullOrEmpty(directory)) return;
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, layer + "." + kernel + ".ptx"), ptx);
        lock (Families)
        {
            File.AppendAllText(Path.Combine(directory, "figures.txt"),
                $"{layer}.{kernel}: local {figures.LocalMemory}, shared loads {figures.SharedLoads} (v4 {figures.VectorSharedLoads}), f32 ops {figures.FloatOps} ({figures.OpsPerSharedLoad:F2} per shared load)\n");
        }
    }

    private static Check ChecksFor(string kernel)
    {
        foreach (var (name, checks) in Families)
        {
            if (name.IsMatch(kernel)) return checks;
        }

        throw new InvalidOperationException($"Kernel {kernel} belongs to no family of PtxChecks.Families.");
    }
}

/// <summary>The ILGPU kernels the generator wrote into the test assembly's layers: private static <c>Gpu*</c> methods of every class with <c>UseAccelerator</c>.</summary>
public static class GeneratedKernels
{
    public static List<MethodInfo> All()
    {
        var kernels = new List<MethodInfo>();
        foreach (Type type in typeof(GeneratedKernels).Assembly.GetTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            if (type.GetMethod("UseAccelerator", BindingFlags.Public | BindingFlags.Instance) is null) continue;
            foreach (MethodInfo method in type.GetMethods(BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly).OrderBy(m => m.Name, StringComparer.Ordinal))
            {
                if (method.Name.StartsWith("Gpu", StringComparison.Ordinal) && method.ReturnType == typeof(void)) kernels.Add(method);
            }
        }

        return kernels;
    }

    public static MethodInfo Find(string layer, string kernel) =>
        All().Single(m => m.DeclaringType!.Name == layer && m.Name == kernel);
}

/// <summary>Compiles a kernel to PTX for sm_90 (PTX ISA 8.0) with fast 32-bit math, as a GPU deployment would; no device needed.</summary>
public static class PtxCompiler
{
    private static readonly Lazy<(Context Context, PTXBackend Backend)> Lazy = new(() =>
    {
        var context = Context.Create(builder => builder.Math(MathMode.Fast32BitOnly));
        return (context, new PTXBackend(context, new CudaArchitecture(9, 0), new CudaInstructionSet(8, 0), null!));
    });

    private static readonly Lock Gate = new();

    public static string Compile(MethodInfo kernel)
    {
        lock (Gate)
        {
            var entry = EntryPointDescription.FromExplicitlyGroupedKernel(kernel);
            var compiled = (PTXCompiledKernel)Lazy.Value.Backend.Compile(entry, default);
            return compiled.PTXAssembly;
        }
    }
}

/// <summary>Counts in a kernel's PTX: lines that touch local memory, shared loads (vector ones apart), f32 fma/mul/add.</summary>
public readonly partial record struct PtxFigures(int LocalMemory, int SharedLoads, int VectorSharedLoads, int FloatOps)
{
    public double OpsPerSharedLoad => SharedLoads == 0 ? double.PositiveInfinity : (double)FloatOps / SharedLoads;

    public static PtxFigures Of(string ptx)
    {
        int local = 0, shared = 0, vector = 0, ops = 0;
        foreach (string raw in ptx.Split('\n'))
        {
            string line = raw.Trim();
            if (line.StartsWith("//", StringComparison.Ordinal)) continue;
            if (LocalPattern().IsMatch(line)) local++;
            if (line.StartsWith("ld.shared", StringComparison.Ordinal))
            {
                shared++;
                if (line.StartsWith("ld.shared.v", StringComparison.Ordinal)) vector++;
            }

            if (FloatOpPattern().IsMatch(line)) ops++;
        }

        return new PtxFigures(local, shared, vector, ops);
    }

    [GeneratedRegex(@"\.local\b")]
    private static partial Regex LocalPattern();

    [GeneratedRegex(@"^(@%p\d+\s+)?(fma|mul|add|sub)(\.rn|\.rz|\.rm|\.rp)?(\.ftz)?(\.sat)?\.f32\b")]
    private static partial Regex FloatOpPattern();
}
