using StaticAttention.Tests.Decoder;

namespace StaticAttention.Tests.Gpu;

/// <summary>
/// Every case of decoder/cases.json on the whole sequence through its generated layer's kernels on the CPU accelerator
/// (rotary, grouped heads, biases, sliding window, softcap, ALiBi: the small-sequence kernel), compared with the
/// fixture's expected output.
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
}
