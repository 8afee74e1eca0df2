using System.Reflection;
using StaticAttention.Internal.Cpu;
using StaticAttention.Generator.Emitting;
using StaticAttention.Generator.Model;

namespace StaticAttention.Generator.Tests;

/// <summary>
/// The facts the generator and the runtime must agree on (KernelLimits.cs and LayerDefaults.cs, compiled into both):
/// what the generator emits against what the runtime assembly itself computes.
/// </summary>
public sealed class SharedFactsTests
{
    private static readonly Assembly Runtime = typeof(AttentionCore).Assembly;

    [Theory]
    [InlineData(nameof(KernelLimits.ShortKernelMaxTokens), KernelLimits.ShortKernelMaxTokens)]
    [InlineData(nameof(KernelLimits.ShortKernelMaxHeadDim), KernelLimits.ShortKernelMaxHeadDim)]
    [InlineData(nameof(KernelLimits.GemmMaxBlockDepth), KernelLimits.GemmMaxBlockDepth)]
    public void Generator_limits_are_the_runtimes(string name, int generator)
    {
        Type runtimeLimits = Runtime.GetType("StaticAttention.KernelLimits", throwOnError: true)!;
        Assert.Equal(runtimeLimits.GetField(name)!.GetRawConstantValue(), generator);
    }

    [Fact]
    public void Short_kernel_bounds_are_the_runtime_drivers()
    {
        Assert.Equal(AttentionCore.ShortKernelMaxTokens, KernelLimits.ShortKernelMaxTokens);
        Assert.Equal(AttentionCore.ShortKernelMaxHeadDim, KernelLimits.ShortKernelMaxHeadDim);

        // The largest shape the runtime's ForwardShort accepts gets the written-out kernel, one more token does not.
        Assert.Contains("ForwardShort<AttentionKernel>(", Emit($"Heads = 1, ModelDim = {AttentionCore.ShortKernelMaxHeadDim}, Tokens = {AttentionCore.ShortKernelMaxTokens}"), StringComparison.Ordinal);
        Assert.DoesNotContain("ForwardShort<", Emit($"Heads = 1, ModelDim = {AttentionCore.ShortKernelMaxHeadDim}, Tokens = {AttentionCore.ShortKernelMaxTokens + 1}"), StringComparison.Ordinal);
        Assert.DoesNotContain("ForwardShort<", Emit($"Heads = 1, ModelDim = {AttentionCore.ShortKernelMaxHeadDim + 1}, Tokens = 8"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(512)]
    [InlineData(513)]
    [InlineData(768)]
    [InlineData(1024)]
    [InlineData(3072)]
    public void Gemm_block_depth_is_the_runtimes(int inner)
    {
        MethodInfo blockDepthFor = Runtime.GetType("StaticAttention.Internal.Cpu.GemmTiles", throwOnError: true)!.GetMethod("BlockDepthFor")!;
        var shape = new GemmShape("Shape", "", "", "", "", inner, 32);

        Assert.Equal(blockDepthFor.Invoke(null, [inner]), shape.BlockDepth);
    }

    [Theory]
    [InlineData(6)]   // the old float formula, 1f / MathF.Sqrt(d), rounded these head widths differently
    [InlineData(24)]
    [InlineData(64)]
    [InlineData(96)]
    [InlineData(112)]
    public void Default_scale_of_a_generated_layer_is_the_runtime_specs(int headDim)
    {
        float runtime = AttentionLayerSpec.Create("Layer", heads: 2, modelDim: 2 * headDim, queryTokens: 4, keyTokens: 4).Scale;

        Assert.Contains("public const float Scale = " + Literals.Float(runtime) + ";", Emit($"Heads = 2, ModelDim = {2 * headDim}, Tokens = 4"), StringComparison.Ordinal);
    }

    [Fact]
    public void Default_scale_agrees_for_every_head_width()
    {
        for (int headDim = 1; headDim <= 1024; headDim++)
            Assert.Equal(AttentionLayerSpec.Create("Layer", heads: 1, modelDim: headDim, queryTokens: 1, keyTokens: 1).Scale, LayerDefaults.Scale(headDim));
    }

    private static string Emit(string arguments)
    {
        GeneratorRun run = GeneratorHarness.Run(
            $$"""
            using StaticAttention;

            namespace Samples.Attention;

            [MultiHeadAttention({{arguments}})]
            public partial class Layer;
            """);
        Assert.True(run.GeneratorDiagnostics.IsEmpty, GeneratorRun.Describe(run.GeneratorDiagnostics));
        return run.SingleSource("Samples.Attention.Layer.g.cs");
    }
}
