using System.ComponentModel;

namespace StaticAttention.Internal.Threading
{
    /// <summary>
    /// A unit of parallel work: <see cref="Execute"/> is called once for every index in <c>[0, count)</c>, from any of the
    /// pool's threads, in any order. Each index must write only its own part of the output, so the result does not depend
    /// on how indices are spread over threads.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public interface IParallelJob
    {
        /// <summary>Does the work of one index.</summary>
        void Execute(int index);
    }
}
