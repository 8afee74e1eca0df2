using ILGPU;
using ILGPU.Runtime;
using StaticAttention.Tests.Decoder;
using StaticAttention.Tests.Layers;

namespace StaticAttention.Tests.Gpu;

/// <summary>
/// Every case of decoder/cases.json on the whole sequence through its generated layer's kernels on the CPU accelerator
/// (rotary, grouped heads, biases, sliding window, softcap, ALiBi: the small-sequence kernel), compared with the
/// fixture's expected output; and the device-view overload of a rotary layer.
/// </summary>
[Collection(AcceleratorCollection.Name)]
public sealed class GpuDecoderFixtureTests
{
    [Theory]
    [MemberData(nameof(DecoderFixtureCases.Names), MemberType = typeof(DecoderFixtureCases))]
    public void LayerOnTheAcceleratorMatchesTheFixture(string name)
    {
        DecoderFixtureCases.Run run = DecoderFixtureCases.Execute(name, SharedAccelerator.Instance);
        Tolerance.AssertClose(run.Io.F32("expected.output"), run.Output, name + " output on the accelerator");
    }

    [Fact]
    public void DeviceViewsRotateScratchNotTheInputAndRepeat()
    {
        // The rotary kernel works in place on the projected q and k: the caller's x stays as it was, and a second call
        // on the same views gives the same output (nothing rotated twice).
        const string name = "llama_rope_gqa";
        Accelerator accelerator = SharedAccelerator.Instance;
        var layer = LlamaAttention.Load(DecoderFixtureCases.WeightsPath(name), "model.layers.0.self_attn.");
        FixtureInputs fixture = FixtureInputs.Of(name);
        using var session = layer.UseAccelerator(accelerator);
        using var x = accelerator.Allocate1D(fixture.X);
        using var output = accelerator.Allocate1D<float>(fixture.Expected.Length);
        for (int call = 0; call < 2; call++)
        {
            layer.Forward(x.View.AsContiguous(), output.View.AsContiguous());
            accelerator.Synchronize();
            Tolerance.AssertClose(fixture.Expected, output.GetAsArray1D(), name + " through device views, call " + call);
        }
        Assert.Equal(fixture.X, x.GetAsArray1D());
    }

    private sealed record FixtureInputs(float[] X, float[] Expected)
    {
        public static FixtureInputs Of(string name)
        {
            var io = DecoderFixtureCases.Io(name);
            return new FixtureInputs(io.F32("x"), io.F32("expected.output"));
        }
    }
}
