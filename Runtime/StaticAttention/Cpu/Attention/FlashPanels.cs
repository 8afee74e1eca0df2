using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using StaticAttention.Internal.Threading;
using static StaticAttention.Internal.Cpu.Attention.FlashAttention;

namespace StaticAttention.Internal.Cpu.Attention
{
    /// <summary>
    /// The flash kernel's key/value panels: a job needs each key block of its head as kᵀ <c>[HeadDim][BlockKeys]</c> (times
    /// the scores' scale) and values <c>[BlockKeys][dPad]</c>. When a head's query rows are split over several jobs, the
    /// blocks are packed once, in parallel, before the jobs run, which saves each job its own copy.
    /// </summary>
    internal static unsafe class FlashPanels
    {
        /// <summary>Floats of one key block's panel: kᵀ, then the values padded to dPad.</summary>
        public static int Floats(int headDim, int dPad) => headDim * BlockKeys + BlockKeys * dPad;

        /// <summary>
        /// Packs keys [<paramref name="j0"/>, <paramref name="j1"/>) of one key/value head: kᵀ with key j0 + jj, dim dd at
        /// <c>kT[dd·BlockKeys + jj]</c> (keys past j1, up to a multiple of 8, repeat the last), and the values as rows of
        /// <paramref name="dPad"/> floats, zero-padded.
        /// </summary>
        public static void PackBlock(float* kHead, float* vHead, nint kvStride, int j0, int j1, int d, int dPad, float scale, float* kT, float* vPack)
        {
            // kᵀ times the scores' scale: once per key here instead of once per (row, key) in the kernels.
            for (int jj = 0; jj < j1 - j0; jj += 8)
            {
                Transpose.Rows8(kHead + (j0 + jj) * kvStride, kvStride, 0, Math.Min(8, j1 - j0 - jj), d, kT + jj, BlockKeys, scale);
            }

            // The values are copied, not read in place: the kernel then streams contiguous rows, not rows a stride apart.
            for (int j = 0; j < j1 - j0; j++)
            {
                float* dst = vPack + (nint)j * dPad;
                System.Buffer.MemoryCopy(vHead + (j0 + j) * kvStride, dst, (long)d * sizeof(float), (long)d * sizeof(float));
                new Span<float>(dst + d, dPad - d).Clear();
            }
        }

        /// <summary>One key block of one (batch item, key/value head) per index.</summary>
        private struct PanelJob : IParallelJob
        {
            public float* K, V, Panels;
            public int KvHeads, HeadDim, DPad, KeyTokens, KeyBlocks, KvStride;
            public float Scale;

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public readonly void Execute(int index)
            {
                int block = index % KeyBlocks;
                int head = index / KeyBlocks; // b·KvHeads + g
                int b = head / KvHeads, g = head - b * KvHeads;
                int j0 = block * BlockKeys, j1 = Math.Min(j0 + BlockKeys, KeyTokens);
                float* kHead = K + ((nint)b * KeyTokens * KvStride + (nint)g * HeadDim);
                float* vHead = V + ((nint)b * KeyTokens * KvStride + (nint)g * HeadDim);
                float* kT = Panels + (nint)index * Floats(HeadDim, DPad);
                PackBlock(kHead, vHead, KvStride, j0, j1, HeadDim, DPad, Scale, kT, kT + (nint)HeadDim * BlockKeys);
            }
        }

        /// <summary>
        /// Rents from <see cref="ArrayPool{T}.Shared"/> room for the panels of every key block of every (batch item,
        /// key/value head), 16 floats more for 64-byte alignment; the caller pins it around the jobs and returns it.
        /// </summary>
        public static float[] Rent(int batch, int kvHeads, int keyTokens, int headDim, int width)
        {
            int dPad = (headDim + width - 1) & ~(width - 1);
            long floats = (long)batch * kvHeads * ((keyTokens + BlockKeys - 1) / BlockKeys) * Floats(headDim, dPad) + 16;
            if (floats > Array.MaxLength)
            {
                throw new ArgumentException($"The packed key/value panels need {floats} floats (batch {batch} · kvHeads {kvHeads} · KeyTokens {keyTokens} · HeadDim {headDim}), more than an array holds.");
            }

            return ArrayPool<float>.Shared.Rent((int)floats);
        }

        /// <summary>Fills the panels at <paramref name="panels"/> on the pool and points <paramref name="job"/> at them.</summary>
        public static void Pack(ref FlashAttention.Job job, int batch, int kvHeads, float* panels, WorkerPool? pool, int maxDegreeOfParallelism)
        {
            ref AttentionOperands op = ref job.Operands;
            int width = job.Wide ? 16 : 8;
            var pack = new PanelJob
            {
                K = op.K, V = op.V, Panels = panels, KvHeads = kvHeads, HeadDim = op.HeadDim,
                DPad = (op.HeadDim + width - 1) & ~(width - 1), KeyTokens = op.KeyTokens,
                KeyBlocks = (op.KeyTokens + BlockKeys - 1) / BlockKeys, KvStride = op.KvStride, Scale = FlashAttention.ScoreScale(ref op),
            };
            int count = batch * kvHeads * pack.KeyBlocks;
            pool.RunOrInline(ref pack, count, maxDegreeOfParallelism);

            job.Panels = panels;
            job.KeyBlocks = pack.KeyBlocks;
        }
    }
}
