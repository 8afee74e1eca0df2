using System;
using System.Runtime.CompilerServices;
using StaticAttention.Internal.Cpu.Vectors;
using StaticAttention.Internal.Threading;

namespace StaticAttention.Internal.Cpu.Decoder
{
    /// <summary>
    /// Decoder attention one query row at a time: for each row of a job (the query heads that share one key/value head, over
    /// a range of query rows of one batch item) the scores of its visible keys, softmax, and the weighted sum of their values.
    /// Keys outside the causal and window bounds are never read. Job <c>index</c> covers rows chunk
    /// <c>Chunks - 1 - index / (Batch·KvHeads)</c>, so the longest causal rows start first.
    /// </summary>
    internal unsafe struct DecoderRows<TTerms, TV, TOps> : IParallelJob
        where TTerms : struct, IDecoderScoreTerms
        where TV : struct
        where TOps : struct, IFloatVectorOps<TV>
    {
        public TTerms Terms;
        public DecoderOperands Op;
        public int RowsPerJob;
        public int Chunks;

        public void Execute(int index)
        {
            int items = Op.Batch * Op.KvHeads;
            int chunk = Chunks - 1 - index / items;
            int b = index % items / Op.KvHeads, g = index % Op.KvHeads;
            int first = chunk * RowsPerJob, last = Math.Min(Op.QueryTokens, first + RowsPerJob);
            int group = Op.Heads / Op.KvHeads;
            float* scores = Attention.ThreadBuffer.Kernel(Op.KeyCount + Op.HeadDim + 32);
            float* acc = scores + ((Op.KeyCount + 15) & ~15);
            float* keys = Op.K + b * Op.KvItemStride + g * Op.KvHeadStride;
            float* values = Op.V + b * Op.KvItemStride + g * Op.KvHeadStride;
            for (int i = first; i < last; i++)
            {
                for (int h = g * group; h < (g + 1) * group; h++)
                {
                    Row(b, h, i, keys, values, scores, acc);
                }
            }
        }

        private void Row(int b, int h, int i, float* keys, float* values, float* scores, float* acc)
        {
            int d = Op.HeadDim;
            long row = (long)b * Op.QueryTokens + i;
            float* context = Op.Context + (row * Op.Heads + h) * d;
            int p = Op.FirstPosition + i;
            int lo = 0, hi = Op.KeyCount;
            if (Terms.Causal)
            {
                hi = (int)Math.Min(Op.KeyCount, (long)p + 1);
                if (Terms.SlidingWindow > 0) lo = (int)Math.Max(0, (long)p - Terms.SlidingWindow + 1);
            }

            if (hi <= lo)
            {
                new Span<float>(context, d).Clear();
                return;
            }

            float* q = Op.Q + row * Op.QStride + (long)h * d;
            int n = hi - lo;
            for (int j = 0; j < n; j++)
            {
                scores[j] = Dot(q, keys + (lo + j) * Op.KvRowStride, d) * Op.Scale;
            }

            if (Terms.Softcap != 0)
            {
                float c = Terms.Softcap, inverse = 1 / Terms.Softcap;
                for (int j = 0; j < n; j++) scores[j] = c * MathF.Tanh(scores[j] * inverse);
            }

            if (Terms.Alibi)
            {
                float slope = Op.Slopes[h];
                for (int j = 0; j < n; j++) scores[j] -= slope * (p - (lo + j));
            }

            float max = float.NegativeInfinity;
            for (int j = 0; j < n; j++) max = MathF.Max(max, scores[j]);
            if (float.IsNegativeInfinity(max))
            {
                new Span<float>(context, d).Clear();
                return;
            }

            float sum = Exp(scores, n, max);
            new Span<float>(acc, d).Clear();
            for (int j = 0; j < n; j++)
            {
                Axpy(scores[j], values + (lo + j) * Op.KvRowStride, acc, d);
            }

            float inv = 1 / sum;
            for (int c = 0; c < d; c++) context[c] = acc[c] * inv;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float Dot(float* a, float* b, int d)
        {
            int c = 0;
            TV s = TOps.Zero;
            for (; c + TOps.Count <= d; c += TOps.Count)
            {
                s = TOps.FusedMultiplyAdd(TOps.Load(a + c), TOps.Load(b + c), s);
            }

            float sum = TOps.Sum(s);
            for (; c < d; c++) sum += a[c] * b[c];
            return sum;
        }

        /// <summary>s[j] ← exp(s[j] - max); returns Σ s.</summary>
        private static float Exp(float* s, int n, float max)
        {
            int j = 0;
            TV m = TOps.Create(max), total = TOps.Zero;
            for (; j + TOps.Count <= n; j += TOps.Count)
            {
                TV e = TOps.Exp(TOps.Subtract(TOps.Load(s + j), m));
                TOps.Store(e, s + j);
                total = TOps.Add(total, e);
            }

            float sum = TOps.Sum(total);
            for (; j < n; j++)
            {
                s[j] = FastExp.Exp(s[j] - max);
                sum += s[j];
            }

            return sum;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Axpy(float w, float* x, float* y, int d)
        {
            int c = 0;
            TV wv = TOps.Create(w);
            for (; c + TOps.Count <= d; c += TOps.Count)
            {
                TOps.Store(TOps.FusedMultiplyAdd(wv, TOps.Load(x + c), TOps.Load(y + c)), y + c);
            }

            for (; c < d; c++) y[c] += w * x[c];
        }
    }
}
