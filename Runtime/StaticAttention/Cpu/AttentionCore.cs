using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticAttention.Cpu
{
    /// <summary>
    /// Scaled dot-product attention over projected heads: for every batch item b, query head h (reading key/value
    /// head <c>h / (Heads / KvHeads)</c>) and query row i, <c>context[b, i, h, :] = softmax(scale · q·kᵀ + bias, masked) · v</c>.
    /// </summary>
    public static partial class AttentionCore
    {
        /// <summary>The score d2l's <c>masked_softmax</c> puts in place of keys beyond a valid length.</summary>
        internal const float ValidLengthMaskValue = -1e6f;

        /// <summary>The score seed C puts in place of keys whose keep-mask is false.</summary>
        internal const float KeepMaskValue = -1e9f;

        /// <summary>The scratch length, in floats, that <see cref="Forward"/> needs.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="keyTokens"/> is not positive.</exception>
        public static int ScratchLength(int keyTokens)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keyTokens);

            // One row of scores, turned into weights in place.
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
            Validate(
                q.Length, qRowStride, k.Length, v.Length, kvRowStride, batch, heads, kvHeads, headDim, queryTokens, keyTokens,
                maskKind, validLengths, mask.Length, relativePositionBias.Length, context.Length, weights.Length, scratch.Length);

            int groupSize = heads / kvHeads;
            int contextWidth = heads * headDim;
            bool causal = (maskKind & AttentionMask.Causal) != 0;
            AttentionMask kind = maskKind & ~AttentionMask.Causal;
            bool writeWeights = !weights.IsEmpty;
            bool hasBias = !relativePositionBias.IsEmpty;
            Span<float> scores = scratch.Slice(0, keyTokens);

            ref float qBase = ref MemoryMarshal.GetReference(q);
            ref float kBase = ref MemoryMarshal.GetReference(k);
            ref float vBase = ref MemoryMarshal.GetReference(v);
            ref float cBase = ref MemoryMarshal.GetReference(context);

            for (int b = 0; b < batch; b++)
            {
                for (int h = 0; h < heads; h++)
                {
                    int g = h / groupSize;
                    ref float kHead = ref Unsafe.Add(ref kBase, (nint)b * keyTokens * kvRowStride + (nint)g * headDim);
                    ref float vHead = ref Unsafe.Add(ref vBase, (nint)b * keyTokens * kvRowStride + (nint)g * headDim);

                    for (int i = 0; i < queryTokens; i++)
                    {
                        int row = b * queryTokens + i;
                        ref float qi = ref Unsafe.Add(ref qBase, (nint)row * qRowStride + (nint)h * headDim);

                        // Causally hidden keys are replaced by -inf below, so their dot products are not needed.
                        int visible = causal ? Math.Min(i + 1, keyTokens) : keyTokens;

                        // scores[j] = scale · q_i·k_j (+ table[i - j + T - 1, h])
                        for (int j = 0; j < visible; j++)
                        {
                            scores[j] = scale * VectorMath.Dot(ref qi, ref Unsafe.Add(ref kHead, (nint)j * kvRowStride), headDim);
                        }

                        if (hasBias)
                        {
                            for (int j = 0; j < visible; j++)
                            {
                                scores[j] += relativePositionBias[(i - j + queryTokens - 1) * heads + h];
                            }
                        }

                        ApplyMask(scores, kind, validLengths, mask, b, i, queryTokens, keyTokens);
                        scores.Slice(visible).Fill(float.NegativeInfinity);

                        Span<float> contextRow = context.Slice(row * contextWidth + h * headDim, headDim);
                        contextRow.Clear();
                        bool anyVisible = Softmax(scores);
                        if (anyVisible)
                        {
                            // context_i = Σ_j w_ij · v_j
                            ref float c = ref MemoryMarshal.GetReference(contextRow);
                            for (int j = 0; j < keyTokens; j++)
                            {
                                VectorMath.MultiplyAdd(scores[j], ref Unsafe.Add(ref vHead, (nint)j * kvRowStride), ref c, headDim);
                            }
                        }

                        if (writeWeights)
                        {
                            scores.CopyTo(weights.Slice(((b * heads + h) * queryTokens + i) * keyTokens, keyTokens));
                        }
                    }
                }
            }
        }

        /// <summary>Replaces the scores of row (b, i) that the (non-causal) mask kind hides.</summary>
        private static void ApplyMask(
            Span<float> scores, AttentionMask kind, ReadOnlySpan<int> validLengths, ReadOnlySpan<bool> mask,
            int b, int i, int queryTokens, int keyTokens)
        {
            switch (kind)
            {
                case AttentionMask.ValidLengths:
                    scores.Slice(validLengths[b]).Fill(ValidLengthMaskValue);
                    break;
                case AttentionMask.ValidLengthsPerQuery:
                    scores.Slice(validLengths[b * queryTokens + i]).Fill(ValidLengthMaskValue);
                    break;
                case AttentionMask.KeepMask:
                {
                    ReadOnlySpan<bool> keep = mask.Slice((b * queryTokens + i) * keyTokens, keyTokens);
                    for (int j = 0; j < scores.Length; j++)
                    {
                        if (!keep[j])
                        {
                            scores[j] = KeepMaskValue;
                        }
                    }

                    break;
                }

                case AttentionMask.KeyPaddingMask:
                {
                    ReadOnlySpan<bool> padded = mask.Slice(b * keyTokens, keyTokens);
                    for (int j = 0; j < scores.Length; j++)
                    {
                        if (padded[j])
                        {
                            scores[j] = float.NegativeInfinity;
                        }
                    }

                    break;
                }
            }
        }

        /// <summary>
        /// Turns scores into softmax weights in place, subtracting the maximum first. Returns false, leaving zeros, when
        /// every score is -inf. A NaN score makes the whole row NaN.
        /// </summary>
        internal static bool Softmax(Span<float> scores)
        {
            float max = float.NegativeInfinity;
            for (int j = 0; j < scores.Length; j++)
            {
                max = MathF.Max(max, scores[j]); // MathF.Max propagates NaN
            }

            if (max == float.NegativeInfinity)
            {
                scores.Clear();
                return false;
            }

            float sum = 0f;
            for (int j = 0; j < scores.Length; j++)
            {
                float e = MathF.Exp(scores[j] - max);
                scores[j] = e;
                sum += e;
            }

            float inverse = 1f / sum;
            for (int j = 0; j < scores.Length; j++)
            {
                scores[j] *= inverse;
            }

            return true;
        }
    }
}
