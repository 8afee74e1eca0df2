using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using StaticAttention.Internal.Cpu;
using StaticAttention.Internal.Cpu.Attention;

namespace StaticAttention.Tests.Kernels;

/// <summary>The simple, obviously correct attention core that defines the semantics the fast kernels must match (float precision, one thread).</summary>
internal static class SimpleAttention
{
    /// <summary>
    /// The plain per-row implementation the fast kernels are tested against: one row of scores at a time in
    /// <paramref name="scratch"/>, <see cref="MathF.Exp"/>, no blocking, one thread. Same contract as <see cref="AttentionCore.Forward(ReadOnlySpan{float}, int, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, int, int, int, int, float, AttentionMask, ReadOnlySpan{int}, ReadOnlySpan{bool}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>.
    /// </summary>
    public static void Forward(
        ReadOnlySpan<float> q, int qRowStride,
        ReadOnlySpan<float> k, ReadOnlySpan<float> v, int kvRowStride,
        int batch, int heads, int kvHeads, int headDim, int queryTokens, int keyTokens, float scale,
        AttentionMask maskKind, ReadOnlySpan<int> validLengths, ReadOnlySpan<bool> mask,
        ReadOnlySpan<float> relativePositionBias,
        Span<float> context, Span<float> weights, Span<float> scratch)
    {
        AttentionValidation.Validate(
            q.Length, qRowStride, k.Length, v.Length, kvRowStride, batch, heads, kvHeads, headDim, queryTokens, keyTokens,
            maskKind, validLengths, mask.Length, relativePositionBias.Length, context.Length, weights.Length);
        AttentionValidation.ValidateScratch(scratch.Length, keyTokens);

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
                scores.Slice(validLengths[b]).Fill(AttentionOperands.ValidLengthMaskValue);
                break;
            case AttentionMask.ValidLengthsPerQuery:
                scores.Slice(validLengths[b * queryTokens + i]).Fill(AttentionOperands.ValidLengthMaskValue);
                break;
            case AttentionMask.KeepMask:
            {
                ReadOnlySpan<bool> keep = mask.Slice((b * queryTokens + i) * keyTokens, keyTokens);
                for (int j = 0; j < scores.Length; j++)
                {
                    if (!keep[j])
                    {
                        scores[j] = AttentionOperands.KeepMaskValue;
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
    private static bool Softmax(Span<float> scores)
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
