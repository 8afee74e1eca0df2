using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using StaticAttention.Internal.Cpu.Vectors;
using StaticAttention.Internal.Threading;

namespace StaticAttention.Internal.Cpu.Attention
{
    /// <summary>
    /// The flash kernel (online softmax), for more keys than <see cref="KeyMajorAttention.MaxKeys"/> and no weights output.
    /// Keys stream in blocks of <see cref="BlockKeys"/> with a running max and sum per row, the accumulators rescaled when
    /// the max grows; per-thread memory does not depend on the number of keys, and causal skips blocks no row sees.
    /// This file holds the driver and the parts that do not depend on the width; the kernel is in
    /// <c>FlashAttention.Rows.cs</c>, its tiles in <c>FlashAttention.Tiles.cs</c>, the shared key blocks in <see cref="FlashPanels"/>.
    /// </summary>
    internal static unsafe partial class FlashAttention
    {
        /// <summary>
        /// Keys per block of the flash kernels (a multiple of both kernels' 2W): at 64, a block's kᵀ and values (16 KB each at
        /// HeadDim 64) fit L1 together, and a Vector512 row of scores is one tile of the scores kernel.
        /// </summary>
        public const int BlockKeys = 64;

        /// <summary>log2(e): without bias or mask the flash kernels scale the scores by it and use exp2.</summary>
        public const float Log2E = 1.44269504088896341f;

        /// <summary>
        /// How far (in log2 units) a block's scores may exceed a row's running max before the fused flash step takes the
        /// block's own max: up to 2^8 = 256 per weight, far from float's range, so most blocks skip the horizontal max and
        /// the rescaling of the accumulators.
        /// </summary>
        private const float MaxSlack = 8f;

        /// <summary>ln 2: <see cref="MaxSlack"/> in natural units, for the scores of the exp (not exp2) path.</summary>
        private const float Ln2 = 0.693147180559945309f;

        /// <summary>Query rows whose scores for a key block are computed together, so that kᵀ, then the values, stay in L1 across them.</summary>
        public const int GroupRows = 16;

        /// <summary>At most this many query rows per job of the flash kernels, which keep an accumulator per row.</summary>
        public const int MaxRows = 256;

        /// <summary>
        /// Runs the jobs of <paramref name="plan"/> on the pool. Jobs that share a head (several blocks of its query rows)
        /// share its packed key blocks, packed once before the jobs instead of once per job.
        /// </summary>
        public static void Run(in AttentionOperands operands, in AttentionPlan plan, int batch, int kvHeads, WorkerPool? pool, int maxDegreeOfParallelism)
        {
            bool wide = CpuKernel.Width == VectorWidth.Vector512;
            var job = new Job { Operands = operands, QueryBlock = plan.QueryBlock, QueryBlocks = plan.QueryBlocks, Wide = wide };
            float[]? panels = plan.QueryBlocks > 1
                ? FlashPanels.Rent(batch, kvHeads, operands.KeyTokens, operands.HeadDim, wide ? 16 : 8)
                : null;
            try
            {
                fixed (float* pp = panels)
                {
                    if (panels is not null) FlashPanels.Pack(ref job, batch, kvHeads, (float*)(((nint)pp + 63) & ~(nint)63), pool, maxDegreeOfParallelism);
                    pool.RunOrInline(ref job, plan.Jobs(batch * operands.Heads), maxDegreeOfParallelism);
                }
            }
            finally
            {
                if (panels is not null) ArrayPool<float>.Shared.Return(panels);
            }
        }

        /// <summary>One (b, h, block of query rows) per index.</summary>
        internal struct Job : IParallelJob
        {
            public AttentionOperands Operands;

            /// <summary>The packed key blocks of every (b, g) (<see cref="FlashPanels"/>), or null: each job packs its own.</summary>
            public float* Panels;
            public int KeyBlocks;
            public int QueryBlock, QueryBlocks;
            public bool Wide;

            // Compiled fully optimised on first use: a kernel must not run its first second of calls as tier-0 code.
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public void Execute(int index)
            {
                int pair = AttentionPlan.Rows(index, QueryBlock, QueryBlocks, Operands.QueryTokens, out int start, out int end);
                int heads = Operands.Heads;
                if (Wide)
                {
                    Rows<Vector512<float>, Float512>(ref this, pair / heads, pair % heads, start, end);
                }
                else
                {
                    Rows<Vector256<float>, Float256>(ref this, pair / heads, pair % heads, start, end);
                }
            }
        }

        /// <summary>No bias and no mask (causal included): the scores are in log2 units and use exp2.</summary>
        public static bool IsPlain(ref AttentionOperands op) => !op.Causal && op.Bias == null && op.Kind is not (
            AttentionMask.ValidLengths or AttentionMask.ValidLengthsPerQuery or AttentionMask.KeepMask or AttentionMask.KeyPaddingMask);

        /// <summary>The factor packed into kᵀ: the scale, times log2(e) when <see cref="IsPlain"/>.</summary>
        public static float ScoreScale(ref AttentionOperands op) => IsPlain(ref op) ? op.Scale * Log2E : op.Scale;

        /// <summary>
        /// The keys the flash kernel multiplies into the accumulators of the group of rows from <paramref name="g0"/>
        /// (up to <see cref="GroupRows"/> rows, the range ending at <paramref name="end"/>): all of them, or with causal those up to the end
        /// of the last tile of W keys the group sees.
        /// </summary>
        private static int KeysSeen(ref AttentionOperands op, int g0, int end, int w)
        {
            if (!op.Causal) return op.KeyTokens;
            int keyEnd = Math.Min(end, op.KeyTokens);
            int visibleEnd = Math.Min(Math.Min(g0 + Math.Min(GroupRows, end - g0), op.KeyTokens), keyEnd);
            int j0 = (visibleEnd - 1) / BlockKeys * BlockKeys;
            int j1 = Math.Min(j0 + BlockKeys, keyEnd);
            return Math.Min(j0 + ((visibleEnd - j0 + w - 1) & ~(w - 1)), j1);
        }

        /// <summary>
        /// Asks for the context rows [<paramref name="start"/>, <paramref name="end"/>) of head <paramref name="h"/> in
        /// cache, so that <see cref="Finish"/> writes them there instead of waiting for each line (the rows are a
        /// stride apart, and a call's other buffers have usually evicted them since the last call).
        /// </summary>
        private static void PrefetchContext(ref AttentionOperands op, int b, int h, int start, int end)
        {
            if (!Sse.IsSupported) return;
            int d = op.HeadDim;
            int contextWidth = op.Heads * d;
            for (int i = start; i < end; i++)
            {
                byte* c = (byte*)(op.Context + ((nint)(b * op.QueryTokens + i) * contextWidth + (nint)h * d));
                for (int x = 0; x < d * sizeof(float); x += 64) Sse.Prefetch0(c + x);
            }
        }

        /// <summary>
        /// Writes the context of rows [<paramref name="start"/>, <paramref name="end"/>): the accumulator divided by l, or
        /// zeros where l is 0 (every score -inf). Keys that causal skipped still count as in the plain loop, where their
        /// zero weights multiply the values: a NaN or infinite value there makes its column NaN.
        /// </summary>
        private static void Finish(ref AttentionOperands op, float* acc, float* l, int dPad, int w, int b, int h, int start, int end, float* vHead)
        {
            int d = op.HeadDim;
            int contextWidth = op.Heads * d;
            int firstSeen = KeysSeen(ref op, start, end, w);
            bool poison = firstSeen < op.KeyTokens && !AllFinite(vHead + (nint)firstSeen * op.KvStride, op.KeyTokens - firstSeen, d, op.KvStride);
            for (int i = start; i < end; i++)
            {
                float* c = op.Context + ((nint)(b * op.QueryTokens + i) * contextWidth + (nint)h * d);
                float* a = acc + (nint)(i - start) * dPad;
                float sum = l[i - start];
                if (sum == 0f)
                {
                    new Span<float>(c, d).Clear();
                    continue;
                }

                Scale(a, 1f / sum, c, d);
                if (poison)
                {
                    int g0 = start + (i - start) / GroupRows * GroupRows;
                    for (int j = KeysSeen(ref op, g0, end, w); j < op.KeyTokens; j++)
                    {
                        float* vj = vHead + (nint)j * op.KvStride;
                        for (int x = 0; x < d; x++) c[x] += 0f * vj[x];
                    }
                }
            }
        }


        /// <summary><c>c[x] = a[x] · factor</c> for x &lt; <paramref name="d"/> (<paramref name="a"/> may be <paramref name="c"/>).</summary>
        // Compiled fully optimised on first use; its own method, so that the kernels calling it keep their inlining budget.
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static void Scale(float* a, float factor, float* c, int d)
        {
            int x = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<float> f = Vector512.Create(factor);
                for (; x + 16 <= d; x += 16) (Vector512.Load(a + x) * f).Store(c + x);
            }

            Vector256<float> g = Vector256.Create(factor);
            for (; x + 8 <= d; x += 8) (Vector256.Load(a + x) * g).Store(c + x);
            for (; x < d; x++) c[x] = a[x] * factor;
        }

        /// <summary>Whether <paramref name="rows"/> rows of <paramref name="d"/> floats (row stride <paramref name="stride"/>) are all finite.</summary>
        private static bool AllFinite(float* v, int rows, int d, nint stride)
        {
            // 0·x is NaN exactly when x is NaN or infinite.
            Vector256<float> zero = default;
            float tail = 0f;
            for (int j = 0; j < rows; j++, v += stride)
            {
                int x = 0;
                for (; x + 8 <= d; x += 8) zero += Vector256<float>.Zero * Vector256.Load(v + x);
                for (; x < d; x++) tail += 0f * v[x];
            }

            return Vector256.EqualsAll(zero, Vector256<float>.Zero) && tail == 0f;
        }
    }
}
