using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using StaticAttention.Threading;

namespace StaticAttention.Cpu
{
    /// <summary>
    /// The flash kernels' key/value panels, packed once per call when several jobs share a head: a job of the flash kernel
    /// needs each key block of its head as kᵀ <c>[HeadDim][FlashKeys]</c> and values <c>[FlashKeys][dPad]</c>; when a head's
    /// query rows are split over several jobs, packing the blocks once, in parallel, before the jobs run, saves each job
    /// its own copy (a 197-token ViT head split four ways spent a tenth of its time packing).
    /// </summary>
    public static unsafe partial class AttentionCore
    {
        /// <summary>Floats of one key block's panel: kᵀ, then the values padded to dPad.</summary>
        private static int FlashPanelFloats(int headDim, int dPad) => headDim * FlashKeys + FlashKeys * dPad;

        /// <summary>
        /// Packs keys [<paramref name="j0"/>, <paramref name="j1"/>) of one key/value head: kᵀ with key j0 + jj, dim dd at
        /// <c>kT[dd·FlashKeys + jj]</c> (keys past j1, up to a multiple of 8, repeat the last), and the values as rows of
        /// <paramref name="dPad"/> floats, zero-padded.
        /// </summary>
        private static void PackFlashBlock(float* kHead, float* vHead, nint kvStride, int j0, int j1, int d, int dPad, float scale, float* kT, float* vPack)
        {
            // kᵀ times the scores' scale: once per key here instead of once per (row, key) in the kernels.
            for (int jj = 0; jj < j1 - j0; jj += 8)
            {
                TransposeRows(kHead + (j0 + jj) * kvStride, kvStride, 0, Math.Min(8, j1 - j0 - jj), d, kT + jj, FlashKeys, scale);
            }

            // The values are copied, not read in place: measured (Xeon, one thread) 6 % faster on the seed C core, 10 % on
            // the ViT-B core and 26 % on core_long than reading the rows where they are, a row stride apart.
            for (int j = 0; j < j1 - j0; j++)
            {
                float* dst = vPack + (nint)j * dPad;
                System.Buffer.MemoryCopy(vHead + (j0 + j) * kvStride, dst, (long)d * sizeof(float), (long)d * sizeof(float));
                new Span<float>(dst + d, dPad - d).Clear();
            }
        }

        /// <summary>One key block of one (batch item, key/value head) per index.</summary>
        private struct FlashPanelJob : IParallelJob
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
                int j0 = block * FlashKeys, j1 = Math.Min(j0 + FlashKeys, KeyTokens);
                float* kHead = K + ((nint)b * KeyTokens * KvStride + (nint)g * HeadDim);
                float* vHead = V + ((nint)b * KeyTokens * KvStride + (nint)g * HeadDim);
                float* kT = Panels + (nint)index * FlashPanelFloats(HeadDim, DPad);
                PackFlashBlock(kHead, vHead, KvStride, j0, j1, HeadDim, DPad, Scale, kT, kT + (nint)HeadDim * FlashKeys);
            }
        }

        /// <summary>
        /// Rents from <see cref="ArrayPool{T}.Shared"/> room for the panels of every key block of every (batch item,
        /// key/value head), 16 floats more for 64-byte alignment; the caller pins it around the jobs and returns it.
        /// </summary>
        private static float[] RentFlashPanels(int batch, int kvHeads, int keyTokens, int headDim, int width)
        {
            int dPad = (headDim + width - 1) & ~(width - 1);
            long floats = (long)batch * kvHeads * ((keyTokens + FlashKeys - 1) / FlashKeys) * FlashPanelFloats(headDim, dPad) + 16;
            if (floats > Array.MaxLength)
            {
                throw new ArgumentException($"The packed key/value panels need {floats} floats (batch {batch} · kvHeads {kvHeads} · KeyTokens {keyTokens} · HeadDim {headDim}), more than an array holds.");
            }

            return ArrayPool<float>.Shared.Rent((int)floats);
        }

        /// <summary>Fills the panels at <paramref name="panels"/> on the pool and points <paramref name="job"/> at them.</summary>
        private static void PackFlashPanels(ref CoreJob job, int batch, int kvHeads, float* panels, WorkerPool? pool, int maxDegreeOfParallelism)
        {
            int width = job.Wide ? 16 : 8;
            var pack = new FlashPanelJob
            {
                K = job.K, V = job.V, Panels = panels, KvHeads = kvHeads, HeadDim = job.HeadDim,
                DPad = (job.HeadDim + width - 1) & ~(width - 1), KeyTokens = job.KeyTokens,
                KeyBlocks = (job.KeyTokens + FlashKeys - 1) / FlashKeys, KvStride = job.KvStride, Scale = job.FlashScoreScale,
            };
            int count = batch * kvHeads * pack.KeyBlocks;
            pool.RunOrInline(ref pack, count, maxDegreeOfParallelism);

            job.Panels = panels;
            job.KeyBlocks = pack.KeyBlocks;
        }
    }
}
