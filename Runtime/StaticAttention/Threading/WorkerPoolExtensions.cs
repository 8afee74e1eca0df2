namespace StaticAttention.Internal.Threading
{
    /// <summary>Running a job on an optional pool.</summary>
    internal static class WorkerPoolExtensions
    {
        /// <summary>
        /// Runs indices [0, <paramref name="count"/>) of <paramref name="job"/> on <paramref name="pool"/> with up to
        /// <paramref name="maxDegreeOfParallelism"/> threads, or all on the calling thread when <paramref name="pool"/> is
        /// null (<see cref="WorkerPool.Run{TJob}"/> itself runs inline for one thread or one index).
        /// </summary>
        public static void RunOrInline<TJob>(this WorkerPool? pool, ref TJob job, int count, int maxDegreeOfParallelism)
            where TJob : struct, IParallelJob
        {
            if (pool is null)
            {
                for (int index = 0; index < count; index++) job.Execute(index);
            }
            else
            {
                pool.Run(ref job, count, maxDegreeOfParallelism);
            }
        }
    }
}
