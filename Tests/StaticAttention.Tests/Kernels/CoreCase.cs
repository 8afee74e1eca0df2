using StaticAttention.Internal.Cpu;
using StaticAttention.Internal.Threading;

namespace StaticAttention.Tests.Kernels;

/// <summary>One call of the attention core (inputs and options), and the runs the kernel tests compare.</summary>
internal sealed record CoreCase(
    float[] Q, int QStride, float[] K, float[] V, int KvStride, int Batch, int Heads, int KvHeads, int HeadDim, int Nq, int Nk,
    float Scale, AttentionMask Kind, int[] ValidLengths, bool[] Mask, float[] Table, bool Weights)
{
    /// <summary>One worker plus the caller: two threads.</summary>
    public static readonly WorkerPool Pool = new(1);

    public override string ToString() =>
        $"B{Batch} H{Heads}/{KvHeads} D{HeadDim} Nq{Nq} Nk{Nk} strides {QStride}/{KvStride} {Kind} bias {Table.Length > 0} weights {Weights}";

    /// <summary>Runs the plain loop (<paramref name="simple"/>) or the fast kernels at a width on a number of threads.</summary>
    public (float[] Context, float[] Weights) Run(bool simple, bool wide, int threads)
    {
        var context = new float[Batch * Nq * Heads * HeadDim];
        var weights = new float[Weights ? Batch * Heads * Nq * Nk : 0];
        var scratch = new float[AttentionCore.ScratchLength(Nk)];
        if (simple)
        {
            SimpleAttention.Forward(
                Q, QStride, K, V, KvStride, Batch, Heads, KvHeads, HeadDim, Nq, Nk, Scale,
                Kind, ValidLengths, Mask, Table, context, weights, scratch);
            return (context, weights);
        }

        using (CpuKernel.Force(wide ? VectorWidth.Vector512 : VectorWidth.Vector256))
        {
            AttentionCore.Forward(
                Q, QStride, K, V, KvStride, Batch, Heads, KvHeads, HeadDim, Nq, Nk, Scale,
                Kind, ValidLengths, Mask, Table, context, weights, scratch, Pool, threads);
        }

        return (context, weights);
    }
}
