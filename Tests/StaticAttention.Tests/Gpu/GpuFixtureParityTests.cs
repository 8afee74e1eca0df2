using StaticAttention.Tests.Fixtures;

namespace StaticAttention.Tests.Gpu;

/// <summary>
/// Every case of cases.json through its generated layer's ILGPU kernels on the CPU accelerator (span overloads: copy
/// in, kernels, copy out), compared with PyTorch's expected outputs and attention weights.
/// </summary>
[Collection(AcceleratorCollection.Name)]
public sealed class GpuFixtureParityTests
{
    [Theory]
    [MemberData(nameof(FixtureCases.Names), MemberType = typeof(FixtureCases))]
    public void LayerOnTheAcceleratorMatchesPyTorch(string fixtureCase) =>
        FixtureCases.Execute(fixtureCase, SharedAccelerator.Instance).AssertMatchesPyTorch();
}
