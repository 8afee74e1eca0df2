using System;
using StaticAttention.Internal;
using StaticAttention.Weights;

namespace StaticAttention.Reference
{
    /// <summary>
    /// A plain, obviously correct implementation of a whole attention layer (projections, rotary embedding, scores,
    /// softcap, biases, masks, softmax, output projection) in double precision, written straight from the PyTorch modules. Every fast path is tested
    /// against it. Slow by design.
    /// </summary>
    public static class ReferenceAttention
    {
        /// <summary>
        /// Runs the layer described by <paramref name="spec"/> for <paramref name="batch"/> items. For self-attention pass
        /// the same span as <paramref name="query"/>, <paramref name="key"/> and <paramref name="value"/>.
        /// <paramref name="validLengths"/> and <paramref name="mask"/> are read as <c>spec.Mask</c> says;
        /// <paramref name="attentionWeights"/> may be empty.
        /// </summary>
        /// <exception cref="ArgumentException">A span does not have the length that <paramref name="spec"/> and <paramref name="batch"/> need.</exception>
        public static void Forward(
            AttentionLayerSpec spec, AttentionWeights weights, int batch,
            ReadOnlySpan<float> query, ReadOnlySpan<float> key, ReadOnlySpan<float> value,
            ReadOnlySpan<int> validLengths, ReadOnlySpan<bool> mask,
            Span<float> output, Span<float> attentionWeights)
        {
            ArgumentNullException.ThrowIfNull(spec);
            ArgumentNullException.ThrowIfNull(weights);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);

            int heads = spec.Heads, kvHeads = spec.KvHeads, d = spec.HeadDim;
            int nq = spec.QueryTokens, nk = spec.KeyTokens;
            Guard.Length(query.Length, batch, nq * spec.QuerySize, nameof(query), "[batch, QueryTokens, QuerySize]");
            Guard.Length(key.Length, batch, nk * spec.KeySize, nameof(key), "[batch, KeyTokens, KeySize]");
            Guard.Length(value.Length, batch, nk * spec.ValueSize, nameof(value), "[batch, KeyTokens, ValueSize]");
            Guard.Length(output.Length, batch, nq * spec.ModelDim, nameof(output), "[batch, QueryTokens, ModelDim]");
            if (!attentionWeights.IsEmpty)
            {
                Guard.Length(attentionWeights.Length, batch, heads * nq * nk, nameof(attentionWeights), "[batch, Heads, QueryTokens, KeyTokens]");
            }

            AttentionMask kind = spec.Mask & ~AttentionMask.Causal;
            Guard.Length(validLengths.Length, batch, kind switch
            {
                AttentionMask.ValidLengths => 1,
                AttentionMask.ValidLengthsPerQuery => nq,
                _ => 0,
            }, nameof(validLengths), spec.Mask.ToString());
            Guard.Length(mask.Length, batch, kind switch
            {
                AttentionMask.KeepMask => nq * nk,
                AttentionMask.KeyPaddingMask => nk,
                _ => 0,
            }, nameof(mask), spec.Mask.ToString());
            Guard.ValidLengths(validLengths, nk, nameof(validLengths));
            if (spec.Projections == Projections.None && (spec.QueryWidth != spec.QuerySize || spec.KvWidth != spec.KeySize || spec.KvWidth != spec.ValueSize || spec.QueryWidth != spec.ModelDim))
            {
                throw new ArgumentException("Projections.None needs Heads·HeadDim = KvHeads·HeadDim = every input size = ModelDim.", nameof(spec));
            }

            if (spec.RelativePositionBias && (nq != nk || weights.RelativePositionBiasTable.Length != (2 * nq - 1) * heads))
            {
                throw new ArgumentException(
                    $"A relative position bias needs equal query and key lengths and a [{2 * nq - 1}, {heads}] table, but has {weights.RelativePositionBiasTable.Length} elements.",
                    nameof(weights));
            }

            // 1. Input projections: q [B·Nq, H·D], k and v [B·Nk, KvH·D].
            double[] q, k, v;
            switch (spec.Projections)
            {
                case Projections.Fused:
                {
                    // One matrix: rows [0, H·D) project the query, the next KvH·D the key, the last KvH·D the value.
                    float[] bias = spec.QkvBias ? weights.FusedBias : Array.Empty<float>();
                    q = Project(query, batch * nq, spec.QuerySize, weights.Fused, 0, spec.QueryWidth, bias);
                    k = Project(key, batch * nk, spec.KeySize, weights.Fused, spec.QueryWidth, spec.KvWidth, bias);
                    v = Project(value, batch * nk, spec.ValueSize, weights.Fused, spec.QueryWidth + spec.KvWidth, spec.KvWidth, bias);
                    break;
                }

                case Projections.Separate:
                    q = Project(query, batch * nq, spec.QuerySize, weights.Query, 0, spec.QueryWidth, spec.QkvBias ? weights.QueryBias : Array.Empty<float>());
                    k = Project(key, batch * nk, spec.KeySize, weights.Key, 0, spec.KvWidth, spec.QkvBias ? weights.KeyBias : Array.Empty<float>());
                    v = Project(value, batch * nk, spec.ValueSize, weights.Value, 0, spec.KvWidth, spec.QkvBias ? weights.ValueBias : Array.Empty<float>());
                    break;

                default:
                    // No projections: the inputs are already [rows, H·D] and are split into heads as they are.
                    q = ToDouble(query);
                    k = ToDouble(key);
                    v = ToDouble(value);
                    break;
            }

            int qWidth = spec.QueryWidth, kvWidth = spec.KvWidth;

            // 2. Rotary embedding on q and k, row i of each item at position i.
            if (spec.Rotary != RotaryEmbedding.None)
            {
                Rotate(q, batch, nq, heads, d, spec.Rotary, spec.RotaryBase, spec.RotaryDims);
                Rotate(k, batch, nk, kvHeads, d, spec.Rotary, spec.RotaryBase, spec.RotaryDims);
            }

            double[] slopes = spec.Alibi ? AlibiSlopes(heads) : Array.Empty<double>();

            // 3. Per batch item, head and query row: scores, softcap, biases, masks, softmax, weighted sum of values.
            double[] context = new double[batch * nq * qWidth];
            double[] scores = new double[nk];
            for (int b = 0; b < batch; b++)
            {
                for (int h = 0; h < heads; h++)
                {
                    int g = h / (heads / kvHeads); // the key/value head this query head reads
                    for (int i = 0; i < nq; i++)
                    {
                        for (int j = 0; j < nk; j++)
                        {
                            double dot = 0;
                            for (int c = 0; c < d; c++)
                            {
                                dot += q[(b * nq + i) * qWidth + h * d + c] * k[(b * nk + j) * kvWidth + g * d + c];
                            }

                            scores[j] = spec.Scale * dot;
                            if (spec.Softcap != 0)
                            {
                                // Gemma 2: c·tanh(s/c), before any bias.
                                scores[j] = spec.Softcap * Math.Tanh(scores[j] / spec.Softcap);
                            }

                            if (spec.RelativePositionBias)
                            {
                                // bias[h, i, j] = table[i - j + T - 1, h]
                                scores[j] += weights.RelativePositionBiasTable[(i - j + nq - 1) * heads + h];
                            }

                            if (spec.Alibi)
                            {
                                scores[j] -= slopes[h] * (i - j);
                            }
                        }

                        ApplyMasks(spec.Mask, scores, validLengths, mask, b, i, nq, nk);
                        if (spec.SlidingWindow > 0)
                        {
                            // Mistral: key j is outside the window of query i when i - j >= W.
                            for (int j = 0; j < nk; j++)
                            {
                                if (i - j >= spec.SlidingWindow) scores[j] = double.NegativeInfinity;
                            }
                        }
                        Softmax(scores);

                        for (int j = 0; j < nk; j++)
                        {
                            if (!attentionWeights.IsEmpty)
                            {
                                attentionWeights[((b * heads + h) * nq + i) * nk + j] = (float)scores[j];
                            }

                            for (int c = 0; c < d; c++)
                            {
                                context[(b * nq + i) * qWidth + h * d + c] += scores[j] * v[(b * nk + j) * kvWidth + g * d + c];
                            }
                        }
                    }
                }
            }

            // 4. Output projection [ModelDim, H·D], or none.
            if (spec.Projections == Projections.None)
            {
                for (int n = 0; n < output.Length; n++)
                {
                    output[n] = (float)context[n];
                }

                return;
            }

            double[] result = Project(context, batch * nq, qWidth, weights.Output, spec.ModelDim, spec.OutputBias ? weights.OutputBias : Array.Empty<float>());
            for (int n = 0; n < output.Length; n++)
            {
                output[n] = (float)result[n];
            }
        }

        /// <summary>
        /// The masks, in PyTorch's order: d2l valid lengths replace scores by -1e6, the classic Wq/Wk/Wv/fc module's keep-mask by -1e9, torch's
        /// key padding mask by -inf; then the causal mask sets keys after the query to -inf.
        /// </summary>
        private static void ApplyMasks(AttentionMask kind, double[] scores, ReadOnlySpan<int> validLengths, ReadOnlySpan<bool> mask, int b, int i, int nq, int nk)
        {
            for (int j = 0; j < nk; j++)
            {
                if ((kind & AttentionMask.ValidLengths) != 0 && j >= validLengths[b])
                {
                    scores[j] = -1e6;
                }

                if ((kind & AttentionMask.ValidLengthsPerQuery) != 0 && j >= validLengths[b * nq + i])
                {
                    scores[j] = -1e6;
                }

                if ((kind & AttentionMask.KeepMask) != 0 && !mask[(b * nq + i) * nk + j])
                {
                    scores[j] = -1e9;
                }

                if ((kind & AttentionMask.KeyPaddingMask) != 0 && mask[b * nk + j])
                {
                    scores[j] = double.NegativeInfinity;
                }

                if ((kind & AttentionMask.Causal) != 0 && j > i)
                {
                    scores[j] = double.NegativeInfinity;
                }
            }
        }

        /// <summary>
        /// Rotary position embedding, in place, on <paramref name="x"/> = [batch·tokens, heads·d]: row t of each item is at
        /// position t; pair i of the first r features of every head turns by t·θ^(-2i/r). RotateHalf pairs feature i with
        /// i + r/2, Interleaved pairs 2i with 2i + 1; features from r on are unchanged.
        /// </summary>
        private static void Rotate(double[] x, int batch, int tokens, int heads, int d, RotaryEmbedding kind, double theta, int r)
        {
            int half = r / 2;
            for (int row = 0; row < batch * tokens; row++)
            {
                int position = row % tokens;
                for (int h = 0; h < heads; h++)
                {
                    int head = (row * heads + h) * d;
                    for (int i = 0; i < half; i++)
                    {
                        double angle = position * Math.Pow(theta, -2.0 * i / r);
                        double cos = Math.Cos(angle), sin = Math.Sin(angle);
                        int a = kind == RotaryEmbedding.RotateHalf ? head + i : head + 2 * i;
                        int b = kind == RotaryEmbedding.RotateHalf ? head + i + half : head + 2 * i + 1;
                        double x1 = x[a], x2 = x[b];
                        x[a] = x1 * cos - x2 * sin;
                        x[b] = x2 * cos + x1 * sin;
                    }
                }
            }
        }

        /// <summary>
        /// BLOOM's <c>build_alibi_tensor</c> slopes, written as it does: p = the largest power of two ≤ heads, base 2^(-8/p),
        /// slopes base^1..base^p; the remaining heads take extra_base^1, ^3, ^5, ... with extra_base = 2^(-4/p).
        /// </summary>
        internal static double[] AlibiSlopes(int heads)
        {
            int closest = 1 << (int)Math.Floor(Math.Log2(heads));
            double baseSlope = Math.Pow(2, -Math.Pow(2, -(Math.Log2(closest) - 3)));
            var slopes = new double[heads];
            for (int h = 0; h < closest; h++)
            {
                slopes[h] = Math.Pow(baseSlope, h + 1);
            }

            double extraBase = Math.Pow(2, -Math.Pow(2, -(Math.Log2(2 * closest) - 3)));
            for (int h = closest; h < heads; h++)
            {
                slopes[h] = Math.Pow(extraBase, 2 * (h - closest) + 1);
            }

            return slopes;
        }

        /// <summary>softmax(s)_j = exp(s_j - max) / Σ exp(s - max); a row of only -inf becomes zeros; NaN spreads to the whole row.</summary>
        private static void Softmax(double[] scores)
        {
            double max = double.NegativeInfinity;
            foreach (double s in scores)
            {
                max = Math.Max(max, s);
            }

            if (double.IsNegativeInfinity(max))
            {
                Array.Clear(scores);
                return;
            }

            double sum = 0;
            for (int j = 0; j < scores.Length; j++)
            {
                scores[j] = Math.Exp(scores[j] - max);
                sum += scores[j];
            }

            for (int j = 0; j < scores.Length; j++)
            {
                scores[j] /= sum;
            }
        }

        /// <summary>y[r, o] = bias[o] + Σ_i x[r, i] · w[firstRow + o, i], in double.</summary>
        private static double[] Project(ReadOnlySpan<float> x, int rows, int inFeatures, float[] w, int firstRow, int outFeatures, float[] bias)
            => Project(ToDouble(x), rows, inFeatures, w, firstRow, outFeatures, bias);

        private static double[] Project(double[] x, int rows, int inFeatures, float[] w, int outFeatures, float[] bias)
            => Project(x, rows, inFeatures, w, 0, outFeatures, bias);

        private static double[] Project(double[] x, int rows, int inFeatures, float[] w, int firstRow, int outFeatures, float[] bias)
        {
            if (w.Length < (firstRow + outFeatures) * inFeatures || (bias.Length != 0 && bias.Length < firstRow + outFeatures))
            {
                throw new ArgumentException(
                    $"A projection needs at least {firstRow + outFeatures} weight rows of {inFeatures} (and as many biases), but has {w.Length} weights and {bias.Length} biases.",
                    "weights");
            }

            double[] y = new double[rows * outFeatures];
            for (int r = 0; r < rows; r++)
            {
                for (int o = 0; o < outFeatures; o++)
                {
                    double s = bias.Length == 0 ? 0 : bias[firstRow + o];
                    for (int i = 0; i < inFeatures; i++)
                    {
                        s += x[r * inFeatures + i] * w[(firstRow + o) * inFeatures + i];
                    }

                    y[r * outFeatures + o] = s;
                }
            }

            return y;
        }

        private static double[] ToDouble(ReadOnlySpan<float> x)
        {
            double[] y = new double[x.Length];
            for (int n = 0; n < x.Length; n++)
            {
                y[n] = x[n];
            }

            return y;
        }
    }
}
