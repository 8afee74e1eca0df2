using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticAttention.Cpu
{
    /// <summary>The parts of the flash kernels (<c>AttentionCore.FlashKernel.cs</c>) that do not depend on the width.</summary>
    public static unsafe partial class AttentionCore
    {
        /// <summary>
        /// Keys per block of the flash kernels (a multiple of both kernels' 2W): at 64, a block's kᵀ and values (16 KB each at
        /// HeadDim 64) fit L1 together, and a Vector512 row of scores is one tile of the scores kernel.
        /// </summary>
        internal const int FlashKeys = 64;

        /// <summary>log2(e): without bias or mask the flash kernels scale the scores by it and use exp2.</summary>
        private const float Log2E = 1.44269504088896341f;

        /// <summary>
        /// How far (in log2 units) a block's scores may exceed a row's running max before the fused flash step takes the
        /// block's own max: up to 2^8 = 256 per weight, far from float's range, so most blocks skip the horizontal max and
        /// the rescaling of the accumulators.
        /// </summary>
        private const float FlashMaxSlack = 8f;

        /// <summary>ln 2: <see cref="FlashMaxSlack"/> in natural units, for the scores of the exp (not exp2) path.</summary>
        private const float Ln2 = 0.693147180559945309f;

        /// <summary>Query rows whose scores for a key block are computed together, so that kᵀ, then the values, stay in L1 across them.</summary>
        internal const int FlashRows = 16;

        /// <summary>At most this many query rows per job of the flash kernels, which keep an accumulator per row.</summary>
        private const int FlashMaxRows = 256;

        /// <summary>Whether calls without weights output and with more than <see cref="ShortKeys"/> keys use the flash kernels; tests and benchmarks turn it off to compare.</summary>
        internal static bool UseFlashKernel { get; set; } = true;

        private partial struct CoreJob
        {
            /// <summary>No bias and no mask (causal included): the flash kernels' scores are in log2 units and use exp2.</summary>
            public readonly bool FlashPlain => !Causal && Bias == null && Kind is not (
                AttentionMask.ValidLengths or AttentionMask.ValidLengthsPerQuery or AttentionMask.KeepMask or AttentionMask.KeyPaddingMask);

            /// <summary>The factor the flash kernels pack into kᵀ: the scale, times log2(e) when <see cref="FlashPlain"/>.</summary>
            public readonly float FlashScoreScale => FlashPlain ? Scale * Log2E : Scale;

            /// <summary>
            /// Adds the bias of row (b, i) to the scores of keys [<paramref name="j0"/>, <paramref name="j1"/>) (at
            /// <c>s[j - j0]</c>), applies the mask and causal -inf, and pads the row to <paramref name="tile"/> with -inf.
            /// </summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public readonly void FlashMaskRow(float* s, int b, int h, int i, int j0, int j1, int tile)
            {
                j1 = Math.Min(j1, j0 + tile); // causal groups compute fewer keys of the block
                int visible = Causal ? Math.Min(i + 1, j1) : j1;
                if (Bias != null)
                {
                    float* table = Bias + (nint)(i + QueryTokens - 1) * Heads + h; // table[i - j + T - 1, h], j = 0
                    for (int j = j0; j < visible; j++)
                    {
                        s[j - j0] += table[-(nint)j * Heads];
                    }
                }

                switch (Kind)
                {
                    case AttentionMask.ValidLengths:
                    case AttentionMask.ValidLengthsPerQuery:
                    {
                        int length = ValidLengths[Kind == AttentionMask.ValidLengths ? b : b * QueryTokens + i];
                        for (int j = Math.Max(length, j0); j < j1; j++) s[j - j0] = ValidLengthMaskValue;
                        break;
                    }

                    case AttentionMask.KeepMask:
                    {
                        bool* keep = Mask + (nint)(b * QueryTokens + i) * KeyTokens;
                        for (int j = j0; j < j1; j++)
                        {
                            if (!keep[j]) s[j - j0] = KeepMaskValue;
                        }

                        break;
                    }

                    case AttentionMask.KeyPaddingMask:
                    {
                        bool* padded = Mask + (nint)b * KeyTokens;
                        for (int j = j0; j < j1; j++)
                        {
                            if (padded[j]) s[j - j0] = float.NegativeInfinity;
                        }

                        break;
                    }
                }

                int from = Math.Max(visible, j0) - j0;
                new Span<float>(s + from, tile - from).Fill(float.NegativeInfinity);
            }

            /// <summary>
            /// The keys the flash kernel multiplies into the accumulators of the group of rows from <paramref name="g0"/>
            /// (up to <see cref="FlashRows"/> rows, the range ending at <paramref name="end"/>): all of them, or with causal those up to the end
            /// of the last tile of W keys the group sees.
            /// </summary>
            private readonly int FlashKeysSeen(int g0, int end, int w)
            {
                if (!Causal) return KeyTokens;
                int keyEnd = Math.Min(end, KeyTokens);
                int visibleEnd = Math.Min(Math.Min(g0 + Math.Min(FlashRows, end - g0), KeyTokens), keyEnd);
                int j0 = (visibleEnd - 1) / FlashKeys * FlashKeys;
                int j1 = Math.Min(j0 + FlashKeys, keyEnd);
                return Math.Min(j0 + ((visibleEnd - j0 + w - 1) & ~(w - 1)), j1);
            }

            /// <summary>
            /// Asks for the context rows [<paramref name="start"/>, <paramref name="end"/>) of head <paramref name="h"/> in
            /// cache, so that <see cref="FlashFinish"/> writes them there instead of waiting for each line (the rows are a
            /// stride apart, and a call's other buffers have usually evicted them since the last call).
            /// </summary>
            public readonly void PrefetchContext(int b, int h, int start, int end)
            {
                if (!Sse.IsSupported) return;
                int d = HeadDim;
                int contextWidth = Heads * d;
                for (int i = start; i < end; i++)
                {
                    byte* c = (byte*)(Context + ((nint)(b * QueryTokens + i) * contextWidth + (nint)h * d));
                    for (int x = 0; x < d * sizeof(float); x += 64) Sse.Prefetch0(c + x);
                }
            }

            /// <summary>
            /// Writes the context of rows [<paramref name="start"/>, <paramref name="end"/>): the accumulator divided by l, or
            /// zeros where l is 0 (every score -inf). Keys that causal skipped still count as in the plain loop, where their
            /// zero weights multiply the values: a NaN or infinite value there makes its column NaN.
            /// </summary>
            public readonly void FlashFinish(float* acc, float* l, int dPad, int w, int b, int h, int start, int end, float* vHead)
            {
                int d = HeadDim;
                int contextWidth = Heads * d;
                int firstSeen = FlashKeysSeen(start, end, w);
                bool poison = firstSeen < KeyTokens && !AllFinite(vHead + (nint)firstSeen * KvStride, KeyTokens - firstSeen, d, KvStride);
                for (int i = start; i < end; i++)
                {
                    float* c = Context + ((nint)(b * QueryTokens + i) * contextWidth + (nint)h * d);
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
                        int g0 = start + (i - start) / FlashRows * FlashRows;
                        for (int j = FlashKeysSeen(g0, end, w); j < KeyTokens; j++)
                        {
                            float* vj = vHead + (nint)j * KvStride;
                            for (int x = 0; x < d; x++) c[x] += 0f * vj[x];
                        }
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
