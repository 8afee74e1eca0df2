using System;
using System.Runtime.CompilerServices;
using StaticAttention.Internal.Cpu.Vectors;
using StaticAttention.Internal.Threading;

namespace StaticAttention.Internal.Cpu.Decoder
{
    /// <summary>
    /// Decoder attention in register tiles, for head widths that are a multiple of two vectors. A job is one batch item, one
    /// key/value head and a chunk of query rows; its rows are the pairs (query row, query head of the group), four at a time.
    /// The job transposes the keys its rows can see once (<c>Kt[c, j]</c>), so that scores of four rows and two vectors of
    /// keys come from broadcast-FMAs; each four rows then take their softmax over the full visible range and multiply by the
    /// values, which stay in cache for every four rows of the job. Keys outside the union of the causal and window bounds
    /// of the job's rows are never read.
    /// </summary>
    internal unsafe struct DecoderTiles<TTerms, TV, TOps> : IParallelJob
        where TTerms : struct, IDecoderScoreTerms
        where TV : struct
        where TOps : struct, IFloatVectorOps<TV>
    {
        private const int Rows = 4;

        public TTerms Terms;
        public DecoderOperands Op;
        public int RowsPerJob;
        public int Chunks;

        /// <summary>Keys per score block: two vectors.</summary>
        private static int Block => 2 * TOps.Count;

        /// <summary>Floats of working memory a thread needs for <paramref name="keyCount"/> keys of width <paramref name="headDim"/>.</summary>
        public static int BufferLength(int keyCount, int headDim)
        {
            int padded = (keyCount + 2 * TOps.Count - 1) / (2 * TOps.Count) * (2 * TOps.Count);
            return (padded + 16) * (headDim + Rows) + 64;
        }

        public void Execute(int index)
        {
            int items = Op.Batch * Op.KvHeads;
            int chunk = Chunks - 1 - index / items;
            int b = index % items / Op.KvHeads, g = index % Op.KvHeads;
            int first = chunk * RowsPerJob, last = Math.Min(Op.QueryTokens, first + RowsPerJob);
            int group = Op.Heads / Op.KvHeads, d = Op.HeadDim;

            // The keys any row of the job sees: bounds grow with the position.
            (int jobLo, _) = Visible(first);
            (_, int jobHi) = Visible(last - 1);
            int n = Math.Max(0, jobHi - jobLo);
            int padded = (n + Block - 1) / Block * Block;
            float* kt = Attention.ThreadBuffer.Kernel(BufferLength(n, d)); // the calling thread's kernel buffer, shared with the encoder kernels
            int stride = padded + 16; // rows a line apart beyond a power of two, so that a column of them spreads over cache sets
            float* scores = kt + (nint)stride * d;
            float* keys = Op.K + b * Op.KvItemStride + g * Op.KvHeadStride + jobLo * Op.KvRowStride;
            float* values = Op.V + b * Op.KvItemStride + g * Op.KvHeadStride + jobLo * Op.KvRowStride;
            int tileRows = (last - first) * group;
            bool direct = tileRows <= Rows; // one tile (a decode step): reading each key once beats transposing it
            if (!direct) Transpose(keys, kt, n, padded, stride, d);

            for (int t = 0; t < tileRows; t += Rows)
            {
                Tile(b, g, first, group, t, Math.Min(Rows, tileRows - t), jobLo, n, padded, stride, direct ? null : kt, keys, values, scores);
            }
        }

        /// <summary>Keys [lo, hi) that the query row <paramref name="i"/> sees.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private (int Lo, int Hi) Visible(int i)
        {
            if (!Terms.Causal) return (0, Op.KeyCount);
            long p = (long)Op.FirstPosition + i;
            int hi = (int)Math.Min(Op.KeyCount, p + 1);
            int lo = Terms.SlidingWindow > 0 ? (int)Math.Clamp(p - Terms.SlidingWindow + 1, 0, Op.KeyCount) : 0;
            return (lo, Math.Max(lo, hi));
        }

        /// <summary>kt[c·stride + j] = keys[j·KvRowStride + c] for j &lt; n, zeros up to padded.</summary>
        private void Transpose(float* keys, float* kt, int n, int padded, int stride, int d)
        {
            for (int j = 0; j < n; j++)
            {
                float* row = keys + j * Op.KvRowStride;
                for (int c = 0; c < d; c++) kt[(nint)c * stride + j] = row[c];
            }

            for (int c = 0; c < d; c++)
            {
                for (int j = n; j < padded; j++) kt[(nint)c * stride + j] = 0;
            }
        }

        /// <summary>
        /// Tile rows [t, t + count) of the job (row r is query row first + r / group, head g·group + r % group): scores, terms,
        /// masks, softmax, values, into the context.
        /// </summary>
        private void Tile(int b, int g, int first, int group, int t, int count, int jobLo, int n, int padded, int stride, float* kt, float* keys, float* values, float* scores)
        {
            int d = Op.HeadDim;
            Span<nint> q = stackalloc nint[Rows];
            Span<int> lo = stackalloc int[Rows], hi = stackalloc int[Rows], head = stackalloc int[Rows], position = stackalloc int[Rows];
            int tileLo = int.MaxValue, tileHi = 0;
            for (int r = 0; r < Rows; r++)
            {
                int tr = t + Math.Min(r, count - 1); // short tiles repeat their last row, whose results are not stored
                int i = first + tr / group;
                head[r] = g * group + tr % group;
                position[r] = Op.FirstPosition + i;
                q[r] = (nint)(Op.Q + ((long)b * Op.QueryTokens + i) * Op.QStride + (long)head[r] * d);
                (int l, int h) = Visible(i);
                lo[r] = l - jobLo;
                hi[r] = h - jobLo;
                if (h > l)
                {
                    tileLo = Math.Min(tileLo, lo[r]);
                    tileHi = Math.Max(tileHi, hi[r]);
                }
            }

            if (tileHi <= tileLo)
            {
                for (int r = 0; r < count; r++) new Span<float>(ContextRow(b, g, first, group, t + r), d).Clear();
                return;
            }

            // Score blocks aligned to the transposed keys.
            int blockLo = tileLo / Block * Block, blockHi = Math.Min(padded, (tileHi + Block - 1) / Block * Block);
            if (kt is null)
            {
                DirectScores((float*)q[0], (float*)q[1], (float*)q[2], (float*)q[3], keys, n, stride, blockLo, blockHi, scores);
            }
            else
            {
                Scores((float*)q[0], (float*)q[1], (float*)q[2], (float*)q[3], kt, stride, blockLo, blockHi, scores);
            }

            Span<float> inverse = stackalloc float[Rows];
            for (int r = 0; r < Rows; r++)
            {
                inverse[r] = Softmax(scores + (nint)r * stride, blockLo, blockHi, lo[r], hi[r], head[r], position[r] - jobLo);
            }

            // Values of keys past n do not exist; their weights are 0.
            int valueHi = Math.Min(blockHi, n);
            for (int c = 0; c < d; c += Block)
            {
                WeightedValues(scores, stride, values + c, blockLo, valueHi, inverse, b, g, first, group, t, count, c);
            }
        }

        /// <summary>The context row of tile row <paramref name="tileRow"/>: query row first + tileRow / group, head g·group + tileRow % group.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private float* ContextRow(int b, int g, int first, int group, int tileRow) =>
            Op.Context + (((long)b * Op.QueryTokens + first + tileRow / group) * Op.Heads + (long)g * group + tileRow % group) * Op.HeadDim;

        /// <summary>scores[r·stride + j] = scale · Σ_c q_r[c]·kt[c·stride + j] for j in [lo, hi), two vectors of keys at a time.</summary>
        private void Scores(float* q0, float* q1, float* q2, float* q3, float* kt, int stride, int lo, int hi, float* scores)
        {
            int d = Op.HeadDim, w = TOps.Count;
            TV scale = TOps.Create(Op.Scale);
            for (int j = lo; j < hi; j += 2 * w)
            {
                TV a0 = TOps.Zero, a1 = TOps.Zero, b0 = TOps.Zero, b1 = TOps.Zero, c0 = TOps.Zero, c1 = TOps.Zero, d0 = TOps.Zero, d1 = TOps.Zero;
                float* k = kt + j;
                for (int c = 0; c < d; c++, k += stride)
                {
                    TV k0 = TOps.Load(k), k1 = TOps.Load(k + w);
                    TV x = TOps.Create(q0[c]);
                    a0 = TOps.FusedMultiplyAdd(x, k0, a0);
                    a1 = TOps.FusedMultiplyAdd(x, k1, a1);
                    x = TOps.Create(q1[c]);
                    b0 = TOps.FusedMultiplyAdd(x, k0, b0);
                    b1 = TOps.FusedMultiplyAdd(x, k1, b1);
                    x = TOps.Create(q2[c]);
                    c0 = TOps.FusedMultiplyAdd(x, k0, c0);
                    c1 = TOps.FusedMultiplyAdd(x, k1, c1);
                    x = TOps.Create(q3[c]);
                    d0 = TOps.FusedMultiplyAdd(x, k0, d0);
                    d1 = TOps.FusedMultiplyAdd(x, k1, d1);
                }

                float* s = scores + j;
                TOps.Store(TOps.Multiply(a0, scale), s);
                TOps.Store(TOps.Multiply(a1, scale), s + w);
                TOps.Store(TOps.Multiply(b0, scale), s + stride);
                TOps.Store(TOps.Multiply(b1, scale), s + stride + w);
                TOps.Store(TOps.Multiply(c0, scale), s + 2 * stride);
                TOps.Store(TOps.Multiply(c1, scale), s + 2 * stride + w);
                TOps.Store(TOps.Multiply(d0, scale), s + 3 * stride);
                TOps.Store(TOps.Multiply(d1, scale), s + 3 * stride + w);
            }
        }

        /// <summary>
        /// <see cref="Scores"/> from the key rows themselves, one key at a time (a dot product per row and key): keys [lo, hi),
        /// zeros for the padding past the <paramref name="n"/> keys.
        /// </summary>
        private void DirectScores(float* q0, float* q1, float* q2, float* q3, float* keys, int n, int stride, int lo, int hi, float* scores)
        {
            int d = Op.HeadDim, end = Math.Min(hi, n);
            float scale = Op.Scale;
            float* k = keys + lo * Op.KvRowStride;
            for (int j = lo; j < end; j++, k += Op.KvRowStride)
            {
                TV a = TOps.Zero, b = TOps.Zero, c = TOps.Zero, e = TOps.Zero;
                for (int x = 0; x < d; x += TOps.Count)
                {
                    TV kv = TOps.Load(k + x);
                    a = TOps.FusedMultiplyAdd(TOps.Load(q0 + x), kv, a);
                    b = TOps.FusedMultiplyAdd(TOps.Load(q1 + x), kv, b);
                    c = TOps.FusedMultiplyAdd(TOps.Load(q2 + x), kv, c);
                    e = TOps.FusedMultiplyAdd(TOps.Load(q3 + x), kv, e);
                }

                scores[j] = TOps.Sum(a) * scale;
                scores[stride + j] = TOps.Sum(b) * scale;
                scores[2 * stride + j] = TOps.Sum(c) * scale;
                scores[3 * stride + j] = TOps.Sum(e) * scale;
            }

            for (int j = end; j < hi; j++)
            {
                scores[j] = scores[stride + j] = scores[2 * stride + j] = scores[3 * stride + j] = 0;
            }
        }

        /// <summary>
        /// One row of scores over blocks [blockLo, blockHi): softcap, ALiBi, -inf outside the row's keys [lo, hi), then
        /// exp(s - max) in place. Returns 1/Σ exp, 0 for a row with no visible key (its weights are then all 0), NaN when a
        /// score is NaN. Key indices are relative to the job's first key; <paramref name="position"/> is too.
        /// </summary>
        private float Softmax(float* s, int blockLo, int blockHi, int lo, int hi, int h, int position)
        {
            int w = TOps.Count;
            TV negativeInfinity = TOps.Create(float.NegativeInfinity), vlo = TOps.Create(lo), vhi = TOps.Create(hi);
            TV max = negativeInfinity;
            TV softcap = TOps.Create(Terms.Softcap), inverseCap = TOps.Create(Terms.Softcap == 0 ? 0 : 2 / Terms.Softcap);
            TV slope = TOps.Create(Terms.Alibi ? Op.Slopes[h] : 0);
            bool nan = false;
            for (int j = blockLo; j < blockHi; j += w)
            {
                TV x = TOps.Load(s + j);
                TV index = TOps.Add(TOps.Indices, TOps.Create(j));
                if (Terms.Softcap != 0)
                {
                    // c·tanh(x/c) = c·(1 - 2/(exp(2x/c) + 1)): saturates to ±c without a NaN.
                    TV e = TOps.Exp(TOps.Multiply(x, inverseCap));
                    x = TOps.Multiply(softcap, TOps.Subtract(TOps.Create(1), TOps.Divide(TOps.Create(2), TOps.Add(e, TOps.Create(1)))));
                }

                if (Terms.Alibi)
                {
                    // -slope·(p - j) = slope·(j - p)
                    x = TOps.FusedMultiplyAdd(slope, TOps.Subtract(index, TOps.Create(position)), x);
                }

                TV visible = TOps.ConditionalSelect(TOps.LessThan(index, vlo), TOps.Zero, TOps.LessThan(index, vhi));
                x = TOps.ConditionalSelect(visible, x, negativeInfinity);
                nan |= TOps.MostSignificantBits(TOps.Equal(x, x)) != (1u << w) - 1;
                TOps.Store(x, s + j);
                max = TOps.MaxNative(max, x);
            }

            float m = TOps.HorizontalMax(max);
            if (nan || float.IsNegativeInfinity(m))
            {
                // No visible key: weights 0 and a zero row; a NaN score: a NaN row.
                for (int j = blockLo; j < blockHi; j++) s[j] = nan ? float.NaN : 0;
                return nan ? float.NaN : 0;
            }

            TV vm = TOps.Create(m), sum = TOps.Zero;
            for (int j = blockLo; j < blockHi; j += w)
            {
                TV e = TOps.Exp(TOps.Subtract(TOps.Load(s + j), vm));
                TOps.Store(e, s + j);
                sum = TOps.Add(sum, e);
            }

            return 1 / TOps.Sum(sum);
        }

        /// <summary>
        /// Columns [c, c + two vectors) of the context of the tile's rows: Σ_j p_r[j]·values[j] over keys [lo, hi), times
        /// the row's 1/Σ.
        /// </summary>
        private void WeightedValues(float* p, int stride, float* values, int lo, int hi, Span<float> inverse, int b, int g, int first, int group, int t, int count, int c)
        {
            int w = TOps.Count;
            TV a0 = TOps.Zero, a1 = TOps.Zero, b0 = TOps.Zero, b1 = TOps.Zero, c0 = TOps.Zero, c1 = TOps.Zero, d0 = TOps.Zero, d1 = TOps.Zero;
            float* v = values + lo * Op.KvRowStride;
            for (int j = lo; j < hi; j++, v += Op.KvRowStride)
            {
                TV v0 = TOps.Load(v), v1 = TOps.Load(v + w);
                TV x = TOps.Create(p[j]);
                a0 = TOps.FusedMultiplyAdd(x, v0, a0);
                a1 = TOps.FusedMultiplyAdd(x, v1, a1);
                x = TOps.Create(p[stride + j]);
                b0 = TOps.FusedMultiplyAdd(x, v0, b0);
                b1 = TOps.FusedMultiplyAdd(x, v1, b1);
                x = TOps.Create(p[2 * stride + j]);
                c0 = TOps.FusedMultiplyAdd(x, v0, c0);
                c1 = TOps.FusedMultiplyAdd(x, v1, c1);
                x = TOps.Create(p[3 * stride + j]);
                d0 = TOps.FusedMultiplyAdd(x, v0, d0);
                d1 = TOps.FusedMultiplyAdd(x, v1, d1);
            }

            Store(a0, a1, inverse[0], ContextRow(b, g, first, group, t) + c);
            if (count > 1) Store(b0, b1, inverse[1], ContextRow(b, g, first, group, t + 1) + c);
            if (count > 2) Store(c0, c1, inverse[2], ContextRow(b, g, first, group, t + 2) + c);
            if (count > 3) Store(d0, d1, inverse[3], ContextRow(b, g, first, group, t + 3) + c);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store(TV x0, TV x1, float inverse, float* row)
        {
            TV s = TOps.Create(inverse);
            TOps.Store(TOps.Multiply(x0, s), row);
            TOps.Store(TOps.Multiply(x1, s), row + TOps.Count);
        }
    }
}
