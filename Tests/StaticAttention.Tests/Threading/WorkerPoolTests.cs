using StaticAttention.Internal.Threading;

namespace StaticAttention.Tests.Threading;

public sealed class WorkerPoolTests
{
    private struct Square(int[] output) : IParallelJob
    {
        public void Execute(int index) => output[index] = index * index;
    }

    private struct CountCalls(int[] calls) : IParallelJob
    {
        public void Execute(int index) => Interlocked.Increment(ref calls[index]);
    }

    private struct Throws : IParallelJob
    {
        public void Execute(int index)
        {
            if (index == 7) throw new InvalidOperationException("index 7 failed");
        }
    }

    private struct Nested(WorkerPool pool, int[] output) : IParallelJob
    {
        public void Execute(int index)
        {
            var inner = new Square(new int[4]);
            pool.Run(ref inner, 4);
            output[index] = index + 1;
        }
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 100)]
    [InlineData(3, 1000)]
    [InlineData(3, 2)]
    public void EveryIndexRunsExactlyOnce(int workers, int count)
    {
        using var pool = new WorkerPool(workers);
        for (int repeat = 0; repeat < 50; repeat++)
        {
            var calls = new int[count];
            var job = new CountCalls(calls);
            pool.Run(ref job, count);
            Assert.All(calls, c => Assert.Equal(1, c));
        }
    }

    [Fact]
    public void MaxDegreeOfOneRunsOnTheCaller()
    {
        using var pool = new WorkerPool(2);
        var output = new int[64];
        var job = new Square(output);
        pool.Run(ref job, output.Length, maxDegreeOfParallelism: 1);
        for (int i = 0; i < output.Length; i++) Assert.Equal(i * i, output[i]);
    }

    [Fact]
    public void AJobsExceptionReachesTheCallerAndThePoolStaysUsable()
    {
        using var pool = new WorkerPool(1);
        var job = new Throws();
        var ex = Assert.Throws<InvalidOperationException>(() => pool.Run(ref job, 100));
        Assert.Equal("index 7 failed", ex.Message);

        var output = new int[10];
        var square = new Square(output);
        pool.Run(ref square, output.Length);
        Assert.Equal(81, output[9]);
    }

    [Fact]
    public void RunFromInsideAJobRunsInline()
    {
        using var pool = new WorkerPool(1);
        var output = new int[16];
        var job = new Nested(pool, output);
        pool.Run(ref job, output.Length);
        for (int i = 0; i < output.Length; i++) Assert.Equal(i + 1, output[i]);
    }

    [Fact]
    public void ConcurrentCallersAllComplete()
    {
        using var pool = new WorkerPool(1);
        var outputs = new int[6][];
        Parallel.For(0, outputs.Length, t =>
        {
            for (int repeat = 0; repeat < 100; repeat++)
            {
                outputs[t] = new int[37];
                var job = new Square(outputs[t]);
                pool.Run(ref job, 37);
            }
        });
        foreach (int[] output in outputs) Assert.Equal(36 * 36, output[36]);
    }

    [Fact]
    public void RunAllocatesNothing()
    {
        using var pool = new WorkerPool(1);
        var output = new int[100];
        var job = new Square(output);
        pool.Run(ref job, output.Length);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) pool.Run(ref job, output.Length);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
