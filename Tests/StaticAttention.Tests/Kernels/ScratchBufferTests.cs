using StaticAttention.Internal.Cpu;

namespace StaticAttention.Tests.Kernels;

public class ScratchBufferTests
{
    [Fact]
    public void ReusesTheReturnedBuffer()
    {
        var scratch = new ScratchBuffer();
        float[] first = scratch.Rent(10);
        Assert.True(first.Length >= 10);
        scratch.Return(first);
        Assert.Same(first, scratch.Rent(5));
    }

    [Fact]
    public void GrowsWhenTooSmall()
    {
        var scratch = new ScratchBuffer();
        float[] small = scratch.Rent(4);
        scratch.Return(small);
        float[] large = scratch.Rent(40);
        Assert.True(large.Length >= 40);
        scratch.Return(large);
        Assert.Same(large, scratch.Rent(40));
    }

    [Fact]
    public void ConcurrentRentersGetDistinctBuffersAndTheLargerIsKept()
    {
        var scratch = new ScratchBuffer();
        float[] a = scratch.Rent(8);
        float[] b = scratch.Rent(16); // a is still out: b is fresh
        Assert.NotSame(a, b);
        scratch.Return(b);
        scratch.Return(a);
        Assert.Same(b, scratch.Rent(1));
    }

    [Fact]
    public void SteadyStateDoesNotAllocate()
    {
        var scratch = new ScratchBuffer();
        scratch.Return(scratch.Rent(100));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int n = 0; n < 100; n++)
        {
            scratch.Return(scratch.Rent(100));
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void RejectsBadArguments()
    {
        var scratch = new ScratchBuffer();
        Assert.Throws<ArgumentOutOfRangeException>(() => scratch.Rent(-1));
        Assert.Throws<ArgumentNullException>(() => scratch.Return(null!));
    }
}
