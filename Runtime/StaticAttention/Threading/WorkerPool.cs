using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace StaticAttention.Internal.Threading
{
    /// <summary>
    /// A fixed set of worker threads that run the indices of an <see cref="IParallelJob"/> together with the calling thread,
    /// without allocating per call: the job is a struct passed by reference, and workers reach it through a pointer while
    /// the caller waits for them. Indices are handed out one at a time from a shared counter, so the split adapts to uneven
    /// work, and since each index writes only its own output, results are the same for any number of threads.
    /// </summary>
    /// <remarks>
    /// Thread-safe. One <see cref="Run{TJob}"/> at a time uses the workers; a call that finds them busy (another thread's
    /// call, or a call from inside a job) runs its indices on its own thread instead of waiting.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed unsafe class WorkerPool : IDisposable
    {
        /// <summary>How long an idle worker polls for the next job before it blocks: a layer's next phase usually follows at once.</summary>
        private static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 200 µs

        private static readonly Lazy<WorkerPool> SharedPool = new(() => new WorkerPool(Environment.ProcessorCount - 1));

        private readonly Thread[] _threads;
        private readonly SemaphoreSlim _wake = new(0);

        // The job in flight; written by the caller before it wakes workers (the semaphore orders the writes).
        private delegate*<void*, int, void> _execute;
        private void* _job;
        private int _count;
        private int _next;
        private int _outstanding; // wake-ups not yet answered (by a worker finishing, or by the caller taking it back)
        private Exception? _failure;
        private volatile bool _disposed;
        private int _busy; // 1 while a Run uses the workers (not a Monitor: a job calling Run on the same thread must not re-enter)

        /// <summary>The pool shared by all layers: one worker per core besides the caller's.</summary>
        public static WorkerPool Shared => SharedPool.Value;

        /// <summary>Creates a pool with <paramref name="workers"/> background threads (0: everything runs on the caller).</summary>
        public WorkerPool(int workers)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(workers);
            _threads = new Thread[workers];
            for (int i = 0; i < workers; i++)
            {
                _threads[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"StaticAttention worker {i + 1}" };
                _threads[i].Start();
            }
        }

        /// <summary>Threads that can work on one job: the workers plus the caller.</summary>
        public int MaxDegreeOfParallelism => _threads.Length + 1;

        /// <summary>
        /// Calls <c>job.Execute(i)</c> for every i in <c>[0, count)</c> on at most <paramref name="maxDegreeOfParallelism"/>
        /// threads (the caller included), and returns when all are done. The first exception a job throws is rethrown here
        /// (the remaining indices are then skipped).
        /// </summary>
        public void Run<TJob>(ref TJob job, int count, int maxDegreeOfParallelism = int.MaxValue)
            where TJob : struct, IParallelJob
        {
            if (count <= 0) return;
            int helpers = Math.Min(Math.Min(maxDegreeOfParallelism, MaxDegreeOfParallelism), count) - 1;
            if (helpers <= 0 || _disposed || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
            {
                for (int i = 0; i < count; i++) job.Execute(i);
                return;
            }

            try
            {
                _execute = &Execute<TJob>;
                _job = Unsafe.AsPointer(ref job);
                _count = count;
                _next = 0;
                _failure = null;
                _outstanding = helpers;
                _wake.Release(helpers);

                Drain();

                // Take back wake-ups no worker has picked up yet, then wait for the workers inside the job.
                while (_wake.Wait(0)) Interlocked.Decrement(ref _outstanding);
                SpinWait spin = default;
                while (Volatile.Read(ref _outstanding) > 0) spin.SpinOnce(sleep1Threshold: -1);

                _job = null;
                if (_failure is Exception failure)
                {
                    _failure = null;
                    ExceptionDispatchInfo.Capture(failure).Throw();
                }
            }
            finally
            {
                Volatile.Write(ref _busy, 0);
            }
        }

        private static void Execute<TJob>(void* job, int index) where TJob : struct, IParallelJob =>
            Unsafe.AsRef<TJob>(job).Execute(index);

        /// <summary>Takes indices from the shared counter until none are left.</summary>
        private void Drain()
        {
            int count = _count;
            delegate*<void*, int, void> execute = _execute;
            void* job = _job;
            try
            {
                for (int i = Interlocked.Increment(ref _next) - 1; i < count; i = Interlocked.Increment(ref _next) - 1)
                {
                    execute(job, i);
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
                Volatile.Write(ref _next, count); // hand out no more work
            }
        }

        private void WorkerLoop()
        {
            while (true)
            {
                if (!_wake.Wait(0))
                {
                    long start = Stopwatch.GetTimestamp();
                    while (_wake.CurrentCount == 0 && !_disposed && Stopwatch.GetTimestamp() - start < SpinTicks) Thread.SpinWait(16);
                    _wake.Wait();
                }
                if (_disposed) return;
                Drain();
                Interlocked.Decrement(ref _outstanding);
            }
        }

        /// <summary>Stops the workers once they are idle. The <see cref="Shared"/> pool lives as long as the process.</summary>
        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            if (_threads.Length > 0) _wake.Release(_threads.Length);
        }
    }
}
