using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using StaticAttention.Cpu.Vectors;
using StaticAttention.Threading;

namespace StaticAttention.Cpu
{
    /// <summary>
    /// Scaled dot-product attention over projected heads: for every batch item b, query head h (reading key/value
    /// head <c>h / (Heads / KvHeads)</c>) and query row i, <c>context[b, i, h, :] = softmax(scale · q·kᵀ + bias, masked) · v</c>.
    /// </summary>
    /// <remarks>
    /// Three kernels, chosen by shape, each written once over <see cref="Vectors.IFloatVectorOps{TV}"/> and run with
    /// Vector512 or Vector256 (<see cref="CpuKernel.Width"/>):
    /// <list type="bullet">
    /// <item>At most <see cref="ShortKeys"/> keys (<c>AttentionCore.Short*.cs</c>): key-major. For a block of 8 or 16 query
    /// rows, vector j holds the scores of key j for every row, so masks and the softmax are lane-wise across key vectors
    /// (no horizontal reductions, no transposed keys); several (b, h) pairs per job index.</item>
    /// <item>More keys and no weights output (<c>AttentionCore.Flash*.cs</c>): flash. Keys stream in blocks of
    /// <see cref="FlashKeys"/> with an online softmax (running max and sum per row, accumulators rescaled when the max
    /// grows); per-thread memory does not depend on the number of keys, and causal skips blocks no row sees.</item>
    /// <item>More keys with weights output (<c>AttentionCore.Kernel.cs</c>): two-pass.
    /// It packs the head's keys transposed (<c>kᵀ[d][j]</c>), computes whole score rows for four query rows at once as
    /// broadcast-FMAs over key vectors, applies bias and masks, takes the softmax, writes the weights, and accumulates the
    /// context of the four rows in registers over the value rows.</item>
    /// </list>
    /// A fourth kind is written by the source generator for each layer with few tokens and no mask but causal
    /// (<see cref="IShortAttentionKernel"/>, run by <see cref="ForwardShort{TKernel}"/>): the short kernel's layout with the
    /// layer's sizes, strides and scale as constants.
    /// All use <see cref="FastExp"/>. <see cref="ForwardSimple"/> is the plain per-row definition they are tested against;
    /// every kernel keeps its semantics exactly (replacement values, -inf rows giving zeros, NaN propagation, including a
    /// zero weight times a NaN value).
    /// </remarks>
    public static unsafe partial class AttentionCore
    {
        /// <summary>Query rows per job when a (b, h) pair is split: enough rows that packing kᵀ is a small part of the work.</summary>
        private const int MinQueryBlock = 64;

        /// <summary>Jobs to aim for when (batch × heads) alone gives few, so that every core gets several.</summary>
        private const int TargetJobs = 48;

        /// <summary>The kernel a call runs: blocked two-pass, key-major short, or flash (online softmax).</summary>
        private const int TwoPassPath = 0, ShortPath = 1, FlashPath = 2;

        /// <summary>Whether the kernels use Vector512 (else Vector256): <see cref="CpuKernel.Width"/>, which tests force per thread.</summary>
        private static bool UseVector512 => CpuKernel.Width == VectorWidth.Vector512;

        /// <summary>The scratch length, in floats, that the overloads of <c>Forward</c> taking a <c>scratch</c> check for.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="keyTokens"/> is not positive.</exception>
        public static int ScratchLength(int keyTokens)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keyTokens);

            // One row of scores, what the plain loop needs. The kernels keep their own per-thread buffers.
            return keyTokens;
        }

        /// <summary>
        /// Runs attention for <paramref name="batch"/> items.
        /// Query head h of row (b, i) starts at <c>q[(b·QueryTokens + i)·qRowStride + h·HeadDim]</c>; key and value head g
        /// of row (b, j) at <c>k[(b·KeyTokens + j)·kvRowStride + g·HeadDim]</c> (likewise <paramref name="v"/>), so the
        /// columns of a fused qkv projection can be passed as slices without copying.
        /// <paramref name="context"/> is <c>[batch·QueryTokens, Heads·HeadDim]</c>; <paramref name="weights"/> is
        /// <c>[batch, Heads, QueryTokens, KeyTokens]</c> or empty.
        /// Masks (<paramref name="maskKind"/>): <see cref="AttentionMask.ValidLengths"/> / <see cref="AttentionMask.ValidLengthsPerQuery"/>
        /// replace scores of keys at or beyond the length by -1e6; <see cref="AttentionMask.KeepMask"/> replaces scores where
        /// <paramref name="mask"/> is false by -1e9; <see cref="AttentionMask.KeyPaddingMask"/> sets keys where
        /// <paramref name="mask"/> is true to -inf; <see cref="AttentionMask.Causal"/> sets keys j &gt; i to -inf
        /// (applied after the replacements). A row with every score -inf gives zero weights and a zero context.
        /// <paramref name="relativePositionBias"/> is the <c>[2·QueryTokens-1, Heads]</c> table or empty; it is added to the
        /// scaled scores before masking.
        /// Runs on the calling thread; see the overload with a <see cref="WorkerPool"/> for several.
        /// </summary>
        /// <remarks>
        /// <paramref name="validLengths"/> must be empty unless the mask kind reads it (then <c>[batch]</c> or
        /// <c>[batch, QueryTokens]</c>, each in <c>[0, KeyTokens]</c>); <paramref name="mask"/> likewise (<c>[batch, QueryTokens, KeyTokens]</c>
        /// or <c>[batch, KeyTokens]</c>). <paramref name="context"/>, a non-empty <paramref name="weights"/> and
        /// <paramref name="scratch"/> (<see cref="ScratchLength"/> floats) may be longer than needed.
        /// </remarks>
        /// <exception cref="ArgumentException">A size is not positive, <paramref name="heads"/> is not a multiple of
        /// <paramref name="kvHeads"/>, the mask kind is invalid, or a span has the wrong length.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A valid length is outside <c>[0, keyTokens]</c>.</exception>
        public static void Forward(
            ReadOnlySpan<float> q, int qRowStride,
            ReadOnlySpan<float> k, ReadOnlySpan<float> v, int kvRowStride,
            int batch, int heads, int kvHeads, int headDim, int queryTokens, int keyTokens, float scale,
            AttentionMask maskKind, ReadOnlySpan<int> validLengths, ReadOnlySpan<bool> mask,
            ReadOnlySpan<float> relativePositionBias,
            Span<float> context, Span<float> weights, Span<float> scratch)
        {
            Forward(
                q, qRowStride, k, v, kvRowStride, batch, heads, kvHeads, headDim, queryTokens, keyTokens, scale,
                maskKind, validLengths, mask, relativePositionBias, context, weights, scratch, null, 1);
        }

        /// <summary>
        /// Runs attention for <paramref name="batch"/> items, split over (batch item, head, block of query rows) on up to
        /// <paramref name="maxDegreeOfParallelism"/> threads of <paramref name="pool"/> (null: the calling thread). Every index
        /// writes its own rows, so the result is bitwise the same for any number of threads.
        /// Query head h of row (b, i) starts at <c>q[(b·QueryTokens + i)·qRowStride + h·HeadDim]</c>; key and value head g
        /// of row (b, j) at <c>k[(b·KeyTokens + j)·kvRowStride + g·HeadDim]</c> (likewise <paramref name="v"/>), so the
        /// columns of a fused qkv projection can be passed as slices without copying.
        /// <paramref name="context"/> is <c>[batch·QueryTokens, Heads·HeadDim]</c>; <paramref name="weights"/> is
        /// <c>[batch, Heads, QueryTokens, KeyTokens]</c> or empty.
        /// Masks (<paramref name="maskKind"/>): <see cref="AttentionMask.ValidLengths"/> / <see cref="AttentionMask.ValidLengthsPerQuery"/>
        /// replace scores of keys at or beyond the length by -1e6; <see cref="AttentionMask.KeepMask"/> replaces scores where
        /// <paramref name="mask"/> is false by -1e9; <see cref="AttentionMask.KeyPaddingMask"/> sets keys where
        /// <paramref name="mask"/> is true to -inf; <see cref="AttentionMask.Causal"/> sets keys j &gt; i to -inf
        /// (applied after the replacements). A row with every score -inf gives zero weights and a zero context.
        /// <paramref name="relativePositionBias"/> is the <c>[2·QueryTokens-1, Heads]</c> table or empty; it is added to the
        /// scaled scores before masking.
        /// </summary>
        /// <remarks>
        /// <paramref name="validLengths"/> must be empty unless the mask kind reads it (then <c>[batch]</c> or
        /// <c>[batch, QueryTokens]</c>, each in <c>[0, KeyTokens]</c>); <paramref name="mask"/> likewise (<c>[batch, QueryTokens, KeyTokens]</c>
        /// or <c>[batch, KeyTokens]</c>). <paramref name="context"/>, a non-empty <paramref name="weights"/> and
        /// <paramref name="scratch"/> (<see cref="ScratchLength"/> floats) may be longer than needed.
        /// <paramref name="scratch"/> is checked but not needed (the overload without it runs the same kernels); this one
        /// stays for callers that pass one.
        /// </remarks>
        /// <exception cref="ArgumentException">A size is not positive, <paramref name="heads"/> is not a multiple of
        /// <paramref name="kvHeads"/>, the mask kind is invalid, or a span has the wrong length.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A valid length is outside <c>[0, keyTokens]</c>.</exception>
        public static void Forward(
            ReadOnlySpan<float> q, int qRowStride,
            ReadOnlySpan<float> k, ReadOnlySpan<float> v, int kvRowStride,
            int batch, int heads, int kvHeads, int headDim, int queryTokens, int keyTokens, float scale,
            AttentionMask maskKind, ReadOnlySpan<int> validLengths, ReadOnlySpan<bool> mask,
            ReadOnlySpan<float> relativePositionBias,
            Span<float> context, Span<float> weights, Span<float> scratch,
            WorkerPool? pool, int maxDegreeOfParallelism)
        {
            ValidateScratch(scratch.Length, keyTokens);
            Forward(
                q, qRowStride, k, v, kvRowStride, batch, heads, kvHeads, headDim, queryTokens, keyTokens, scale,
                maskKind, validLengths, mask, relativePositionBias, context, weights, pool, maxDegreeOfParallelism);
        }

        /// <summary>
        /// Runs attention for <paramref name="batch"/> items, split over (batch item, head, block of query rows) on up to
        /// <paramref name="maxDegreeOfParallelism"/> threads of <paramref name="pool"/> (null: the calling thread). Every index
        /// writes its own rows, so the result is bitwise the same for any number of threads.
        /// Query head h of row (b, i) starts at <c>q[(b·QueryTokens + i)·qRowStride + h·HeadDim]</c>; key and value head g
        /// of row (b, j) at <c>k[(b·KeyTokens + j)·kvRowStride + g·HeadDim]</c> (likewise <paramref name="v"/>), so the
        /// columns of a fused qkv projection can be passed as slices without copying.
        /// <paramref name="context"/> is <c>[batch·QueryTokens, Heads·HeadDim]</c>; <paramref name="weights"/> is
        /// <c>[batch, Heads, QueryTokens, KeyTokens]</c> or empty.
        /// Masks (<paramref name="maskKind"/>): <see cref="AttentionMask.ValidLengths"/> / <see cref="AttentionMask.ValidLengthsPerQuery"/>
        /// replace scores of keys at or beyond the length by -1e6; <see cref="AttentionMask.KeepMask"/> replaces scores where
        /// <paramref name="mask"/> is false by -1e9; <see cref="AttentionMask.KeyPaddingMask"/> sets keys where
        /// <paramref name="mask"/> is true to -inf; <see cref="AttentionMask.Causal"/> sets keys j &gt; i to -inf
        /// (applied after the replacements). A row with every score -inf gives zero weights and a zero context.
        /// <paramref name="relativePositionBias"/> is the <c>[2·QueryTokens-1, Heads]</c> table or empty; it is added to the
        /// scaled scores before masking.
        /// </summary>
        /// <remarks>
        /// <paramref name="validLengths"/> must be empty unless the mask kind reads it (then <c>[batch]</c> or
        /// <c>[batch, QueryTokens]</c>, each in <c>[0, KeyTokens]</c>); <paramref name="mask"/> likewise (<c>[batch, QueryTokens, KeyTokens]</c>
        /// or <c>[batch, KeyTokens]</c>). <paramref name="context"/> and a non-empty <paramref name="weights"/> may be longer
        /// than needed. The kernels keep per-thread buffers (allocated on a thread's first call for a shape at least as large).
        /// </remarks>
        /// <exception cref="ArgumentException">A size is not positive, <paramref name="heads"/> is not a multiple of
        /// <paramref name="kvHeads"/>, the mask kind is invalid, or a span has the wrong length.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A valid length is outside <c>[0, keyTokens]</c>.</exception>
        public static void Forward(
            ReadOnlySpan<float> q, int qRowStride,
            ReadOnlySpan<float> k, ReadOnlySpan<float> v, int kvRowStride,
            int batch, int heads, int kvHeads, int headDim, int queryTokens, int keyTokens, float scale,
            AttentionMask maskKind, ReadOnlySpan<int> validLengths, ReadOnlySpan<bool> mask,
            ReadOnlySpan<float> relativePositionBias,
            Span<float> context, Span<float> weights,
            WorkerPool? pool, int maxDegreeOfParallelism)
        {
            Validate(
                q.Length, qRowStride, k.Length, v.Length, kvRowStride, batch, heads, kvHeads, headDim, queryTokens, keyTokens,
                maskKind, validLengths, mask.Length, relativePositionBias.Length, context.Length, weights.Length);

            // Split (b, h) pairs into blocks of query rows when there are few pairs; the split depends on the shape only.
            int pairs = batch * heads;
            int blocks = 1;
            if (pairs < TargetJobs && queryTokens > MinQueryBlock)
            {
                blocks = Math.Min((TargetJobs + pairs - 1) / pairs, (queryTokens + MinQueryBlock - 1) / MinQueryBlock);
            }

            int queryBlock = ((queryTokens + blocks - 1) / blocks + 3) & ~3;
            blocks = (queryTokens + queryBlock - 1) / queryBlock;
            int path = TwoPassPath, pairsPerIndex = 1;
            if (keyTokens <= ShortKeys && UseShortKernel)
            {
                // Few keys: every (b, h) pair is a small piece of work; an index takes several, or, when there are few pairs
                // with many query rows, one block of rows (a multiple of 16, the rows of a Vector512).
                path = ShortPath;
                if (blocks > 1)
                {
                    queryBlock = ((queryTokens + blocks - 1) / blocks + 15) & ~15;
                    blocks = (queryTokens + queryBlock - 1) / queryBlock;
                }
                else
                {
                    pairsPerIndex = (pairs + ShortIndices - 1) / ShortIndices;
                }
            }
            else if (weights.IsEmpty && UseFlashKernel)
            {
                // No weights to write: stream the keys with an online softmax; an accumulator per row bounds the block.
                path = FlashPath;
                if (queryBlock > FlashMaxRows)
                {
                    blocks = (queryTokens + FlashMaxRows - 1) / FlashMaxRows;
                    queryBlock = ((queryTokens + blocks - 1) / blocks + 3) & ~3;
                    blocks = (queryTokens + queryBlock - 1) / queryBlock;
                }
            }

            fixed (float* qp = q, kp = k, vp = v, cp = context, wp = weights, bp = relativePositionBias)
            fixed (int* lp = validLengths)
            fixed (bool* mp = mask)
            {
                float* columns = path == ShortPath && !relativePositionBias.IsEmpty ? BiasColumns(bp, heads, queryTokens) : null;
                var job = new CoreJob
                {
                    Q = qp, K = kp, V = vp, Context = cp, Weights = weights.IsEmpty ? null : wp, Bias = relativePositionBias.IsEmpty ? null : bp,
                    ValidLengths = lp, ValidLengthsLength = validLengths.Length, Mask = mp, MaskLength = mask.Length,
                    QStride = qRowStride, KvStride = kvRowStride, Heads = heads, GroupSize = heads / kvHeads, HeadDim = headDim,
                    QueryTokens = queryTokens, KeyTokens = keyTokens, Scale = scale,
                    Kind = maskKind & ~AttentionMask.Causal, Causal = (maskKind & AttentionMask.Causal) != 0,
                    QueryBlock = queryBlock, QueryBlocks = blocks, Wide = UseVector512,
                    Path = path, Pairs = pairs, PairsPerIndex = pairsPerIndex, BiasColumns = columns,
                };
                int count = (pairs + pairsPerIndex - 1) / pairsPerIndex * blocks;

                // Flash jobs that share a head share its packed key blocks (kᵀ times the scale, and the values), packed once
                // before the jobs instead of once per job. Measured (Xeon, AVX-512, one thread, against each job packing its
                // own): a ViT-B head (197 rows in jobs of 52) 2-8 % faster; core long (1024 rows in jobs of 256) 2-3 % faster
                // since kᵀ carries the scale (1-3 % slower before, when the kernels scaled the query rows).
                float[]? panels = path == FlashPath && blocks > 1
                    ? RentFlashPanels(batch, kvHeads, keyTokens, headDim, UseVector512 ? 16 : 8)
                    : null;
                try
                {
                    fixed (float* pp = panels)
                    {
                        if (panels is not null) PackFlashPanels(ref job, batch, kvHeads, (float*)(((nint)pp + 63) & ~(nint)63), pool, maxDegreeOfParallelism);
                        pool.RunOrInline(ref job, count, maxDegreeOfParallelism);
                    }
                }
                finally
                {
                    if (panels is not null) System.Buffers.ArrayPool<float>.Shared.Return(panels);
                }
            }
        }

        /// <summary>One (b, h, block of query rows) per index; raw pointers into the caller's pinned spans.</summary>
        private partial struct CoreJob : IParallelJob
        {
            /// <summary>
            /// Query rows i0 .. i0+3 of batch item <paramref name="b"/>, head <paramref name="h"/>, for the four-row score
            /// kernels; the pointers past <paramref name="rows"/> repeat row i0 (what they compute lands in rows that are dropped).
            /// </summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public readonly void QueryQuad(int b, int h, int i0, int rows, out float* q0, out float* q1, out float* q2, out float* q3)
            {
                q0 = Q + ((nint)(b * QueryTokens + i0) * QStride + (nint)h * HeadDim);
                q1 = q0 + (rows > 1 ? QStride : 0);
                q2 = q0 + (rows > 2 ? 2 * (nint)QStride : 0);
                q3 = q0 + (rows > 3 ? 3 * (nint)QStride : 0);
            }

            public float* Q, K, V, Context, Weights, Bias, BiasColumns;

            /// <summary>The flash kernels' packed key blocks of every (b, g), or null: each job packs its own.</summary>
            public float* Panels;
            public int KeyBlocks;
            public int* ValidLengths;
            public bool* Mask;
            public int ValidLengthsLength, MaskLength;
            public int QStride, KvStride, Heads, GroupSize, HeadDim, QueryTokens, KeyTokens, QueryBlock, QueryBlocks;
            public int Path, Pairs, PairsPerIndex;
            public float Scale;
            public AttentionMask Kind;
            public bool Causal, Wide;

            /// <remarks>Up to 8 keys fill a Vector256, and half-empty Vector512s would double the work: those use the 256 kernel.</remarks>
            // Compiled fully optimised on first use: a kernel must not run its first second of calls as tier-0 code.
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public void Execute(int index)
            {
                int block = index % QueryBlocks;
                int pair = index / QueryBlocks;
                int start = block * QueryBlock;
                int end = Math.Min(start + QueryBlock, QueryTokens);
                if (Path == ShortPath)
                {
                    int last = Math.Min(pair * PairsPerIndex + PairsPerIndex, Pairs);
                    for (int p = pair * PairsPerIndex; p < last; p++)
                    {
                        if (!Wide)
                        {
                            Short<Vector256<float>, Float256, Vector256<float>, Float256>(ref this, p / Heads, p % Heads, start, end);
                        }
                        else if (QueryTokens > 8)
                        {
                            Short<Vector512<float>, Float512, Vector512<float>, Float512>(ref this, p / Heads, p % Heads, start, end);
                        }
                        else
                        {
                            // Eight lanes hold every query row; the context still takes 16 columns per instruction.
                            Short<Vector256<float>, Float256, Vector512<float>, Float512>(ref this, p / Heads, p % Heads, start, end);
                        }
                    }

                    return;
                }

                if (Path == FlashPath)
                {
                    if (Wide)
                    {
                        Flash<Vector512<float>, Float512>(ref this, pair / Heads, pair % Heads, start, end);
                    }
                    else
                    {
                        Flash<Vector256<float>, Float256>(ref this, pair / Heads, pair % Heads, start, end);
                    }
                }
                else if (Wide && KeyTokens > 8)
                {
                    Rows<Vector512<float>, Float512>(ref this, pair / Heads, pair % Heads, start, end);
                }
                else
                {
                    Rows<Vector256<float>, Float256>(ref this, pair / Heads, pair % Heads, start, end);
                }
            }

            /// <summary>Adds the bias of row (b, i), applies the mask and causal -inf, and pads the row to <paramref name="padded"/> with -inf.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public readonly void MaskRow(float* scores, int b, int h, int i, int padded)
            {
                int nk = KeyTokens;
                int visible = Causal ? Math.Min(i + 1, nk) : nk;
                if (Bias != null)
                {
                    float* table = Bias + (nint)(i + QueryTokens - 1) * Heads + h; // table[i - j + T - 1, h], j = 0
                    for (int j = 0; j < visible; j++)
                    {
                        scores[j] += table[-(nint)j * Heads];
                    }
                }

                if (Kind != AttentionMask.None)
                {
                    ApplyMask(
                        new Span<float>(scores, nk), Kind, new ReadOnlySpan<int>(ValidLengths, ValidLengthsLength),
                        new ReadOnlySpan<bool>(Mask, MaskLength), b, i, QueryTokens, nk);
                }

                new Span<float>(scores + visible, padded - visible).Fill(float.NegativeInfinity);
            }
        }

        /// <summary>A 64-byte aligned per-thread buffer of at least <paramref name="length"/> floats, reallocated only to grow.</summary>
        private static float* Buffer(int length)
        {
            float[]? array = t_buffer;
            if (array is null || array.Length < length + 16)
            {
                array = GC.AllocateUninitializedArray<float>(Math.Max(length + 16, 4096), pinned: true);
                t_buffer = array;
            }

            float* p = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
            return (float*)(((nint)p + 63) & ~(nint)63);
        }

        [ThreadStatic]
        private static float[]? t_buffer;

        private static bool HasNaN(float* s, int length)
        {
            for (int j = 0; j < length; j++)
            {
                if (float.IsNaN(s[j])) return true;
            }

            return false;
        }
    }
}
