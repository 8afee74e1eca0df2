using System;
using System.Runtime.CompilerServices;

namespace StaticAttention.Internal.Cpu.Attention
{
    /// <summary>The algorithms of <see cref="AttentionCore.Forward(ReadOnlySpan{float}, int, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, int, int, int, int, float, AttentionMask, ReadOnlySpan{int}, ReadOnlySpan{bool}, ReadOnlySpan{float}, Span{float}, Span{float}, Threading.WorkerPool?, int)"/>.</summary>
    internal enum AttentionAlgorithm
    {
        /// <summary><see cref="TwoPassAttention"/>: more keys than <see cref="KeyMajorAttention.MaxKeys"/>, weights output.</summary>
        TwoPass,

        /// <summary><see cref="KeyMajorAttention"/>: at most <see cref="KeyMajorAttention.MaxKeys"/> keys.</summary>
        KeyMajor,

        /// <summary><see cref="FlashAttention"/>: more keys, no weights output.</summary>
        Flash,
    }

    /// <summary>
    /// How a call is split into jobs: the algorithm, blocks of query rows per (batch item, head) pair, and pairs per job
    /// index. It depends on the shape only, so that the result is bitwise the same for any number of threads.
    /// </summary>
    internal readonly struct AttentionPlan
    {
        /// <summary>Query rows per job when a (b, h) pair is split: enough rows that packing kᵀ is a small part of the work.</summary>
        private const int MinQueryBlock = 64;

        /// <summary>Jobs to aim for when (batch × heads) alone gives few, so that every core gets several.</summary>
        private const int TargetJobs = 48;

        private AttentionPlan(AttentionAlgorithm algorithm, int queryBlock, int queryBlocks, int pairsPerIndex)
        {
            Algorithm = algorithm;
            QueryBlock = queryBlock;
            QueryBlocks = queryBlocks;
            PairsPerIndex = pairsPerIndex;
        }

        public AttentionAlgorithm Algorithm { get; }

        /// <summary>Query rows per block (the last block may have fewer).</summary>
        public int QueryBlock { get; }

        /// <summary>Blocks of query rows per (b, h) pair.</summary>
        public int QueryBlocks { get; }

        /// <summary>(b, h) pairs per job index (more than one only for the key-major kernel, with one block per pair).</summary>
        public int PairsPerIndex { get; }

        /// <summary>The job count for <paramref name="pairs"/> (b, h) pairs.</summary>
        public int Jobs(int pairs) => (pairs + PairsPerIndex - 1) / PairsPerIndex * QueryBlocks;

        /// <summary>
        /// The (b, h) pair of job <paramref name="index"/> (with several pairs per index, the index of their group) and its
        /// query rows [<paramref name="start"/>, <paramref name="end"/>), for <paramref name="queryBlocks"/> blocks of
        /// <paramref name="queryBlock"/> rows per pair.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int Rows(int index, int queryBlock, int queryBlocks, int queryTokens, out int start, out int end)
        {
            start = index % queryBlocks * queryBlock;
            end = Math.Min(start + queryBlock, queryTokens);
            return index / queryBlocks;
        }

        /// <summary>The plan for <paramref name="pairs"/> (b, h) pairs of a shape, with or without a weights output.</summary>
        public static AttentionPlan Choose(int pairs, int queryTokens, int keyTokens, bool writesWeights)
        {
            // Split (b, h) pairs into blocks of query rows when there are few pairs.
            int blocks = 1;
            if (pairs < TargetJobs && queryTokens > MinQueryBlock)
            {
                blocks = Math.Min((TargetJobs + pairs - 1) / pairs, (queryTokens + MinQueryBlock - 1) / MinQueryBlock);
            }

            int queryBlock = ((queryTokens + blocks - 1) / blocks + 3) & ~3;
            blocks = (queryTokens + queryBlock - 1) / queryBlock;
            if (keyTokens <= KeyMajorAttention.MaxKeys)
            {
                // Few keys: every (b, h) pair is a small piece of work; an index takes several, or, when there are few pairs
                // with many query rows, one block of rows (a multiple of 16, the rows of a Vector512).
                if (blocks > 1)
                {
                    queryBlock = ((queryTokens + blocks - 1) / blocks + 15) & ~15;
                    blocks = (queryTokens + queryBlock - 1) / queryBlock;
                    return new AttentionPlan(AttentionAlgorithm.KeyMajor, queryBlock, blocks, 1);
                }

                return new AttentionPlan(AttentionAlgorithm.KeyMajor, queryBlock, blocks, (pairs + KeyMajorAttention.JobIndices - 1) / KeyMajorAttention.JobIndices);
            }

            if (!writesWeights)
            {
                // No weights to write: stream the keys with an online softmax; an accumulator per row bounds the block.
                if (queryBlock > FlashAttention.MaxRows)
                {
                    blocks = (queryTokens + FlashAttention.MaxRows - 1) / FlashAttention.MaxRows;
                    queryBlock = ((queryTokens + blocks - 1) / blocks + 3) & ~3;
                    blocks = (queryTokens + queryBlock - 1) / queryBlock;
                }

                return new AttentionPlan(AttentionAlgorithm.Flash, queryBlock, blocks, 1);
            }

            return new AttentionPlan(AttentionAlgorithm.TwoPass, queryBlock, blocks, 1);
        }
    }
}
