using System;
using System.Runtime.CompilerServices;
using StaticAttention.Internal.Cpu.Vectors;

namespace StaticAttention.Internal.Cpu.Attention
{
    /// <summary>
    /// The masks, in one place for every kernel: the relative position bias, then the mask kind's replacement values
    /// (<see cref="ValidLengthMaskValue"/>, <see cref="KeepMaskValue"/>, -inf for padded keys), then causal -inf, on a row
    /// of scores (row-major kernels) or on a block of rows held key-major (one vector per key, a row per lane).
    /// </summary>
    internal unsafe partial struct AttentionOperands
    {
        /// <summary>The score d2l's <c>masked_softmax</c> puts in place of keys beyond a valid length.</summary>
        public const float ValidLengthMaskValue = -1e6f;

        /// <summary>The score of a key whose keep-mask is false (the classic <c>Wq/Wk/Wv/fc</c> module's <c>masked_fill</c>).</summary>
        public const float KeepMaskValue = -1e9f;

        /// <summary>
        /// Adds the bias of row (b, i) to the scores of keys [<paramref name="j0"/>, <paramref name="j1"/>) (at
        /// <c>s[j - j0]</c>), applies the mask and causal -inf, and pads the row to <paramref name="tile"/> with -inf.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void MaskRow(float* s, int b, int h, int i, int j0, int j1, int tile)
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
        /// Adds the bias, applies the mask and causal -inf to the key-major scores of query rows i0 .. i0+W-1
        /// (<c>s[j·W + r]</c> for key j, row i0 + r; <paramref name="rows"/> of them real). <paramref name="col"/> is the
        /// head's bias column (lane r of key j: <c>table[i0 + r - j + T - 1, h]</c>) or null; <paramref name="lengths"/> has
        /// room for W floats.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void MaskKeyMajor<TV, TOps>(float* s, float* col, int b, int i0, int rows, float* lengths)
            where TV : struct
            where TOps : struct, IFloatVectorOps<TV>
        {
            int W = TOps.Count;
            int nk = KeyTokens, nq = QueryTokens;
            TV row = TOps.Add(TOps.Indices, TOps.Create((float)i0));
            if (col != null)
            {
                for (int j = 0; j < nk; j++)
                {
                    TOps.Store(TOps.Add(TOps.Load(s + j * W), TOps.Load(col + (i0 + nq - 1 - j))), s + j * W);
                }
            }

            switch (Kind)
            {
                case AttentionMask.ValidLengths:
                    for (int j = ValidLengths[b]; j < nk; j++) TOps.Store(TOps.Create(ValidLengthMaskValue), s + j * W);
                    break;
                case AttentionMask.ValidLengthsPerQuery:
                {
                    for (int r = 0; r < W; r++) lengths[r] = ValidLengths[b * nq + i0 + Math.Min(r, rows - 1)];
                    TV length = TOps.Load(lengths);
                    for (int j = 0; j < nk; j++)
                    {
                        TV hidden = TOps.LessThanOrEqual(length, TOps.Create((float)j));
                        TOps.Store(TOps.ConditionalSelect(hidden, TOps.Create(ValidLengthMaskValue), TOps.Load(s + j * W)), s + j * W);
                    }

                    break;
                }

                case AttentionMask.KeepMask:
                    KeepMaskKeyMajor(b, i0, rows, s, W);
                    break;
                case AttentionMask.KeyPaddingMask:
                    for (int j = 0; j < nk; j++)
                    {
                        if (Mask[b * nk + j]) TOps.Store(TOps.Create(float.NegativeInfinity), s + j * W);
                    }

                    break;
            }

            if (Causal)
            {
                for (int j = i0 + 1; j < nk; j++)
                {
                    TV hidden = TOps.LessThan(row, TOps.Create((float)j));
                    TOps.Store(TOps.ConditionalSelect(hidden, TOps.Create(float.NegativeInfinity), TOps.Load(s + j * W)), s + j * W);
                }
            }
        }

        /// <summary>Replaces by -1e9 the scores (key-major, lane r = row i0 + r) whose keep-mask is false.</summary>
        private readonly void KeepMaskKeyMajor(int b, int i0, int rows, float* s, int w)
        {
            int nk = KeyTokens;
            for (int r = 0; r < rows; r++)
            {
                bool* keep = Mask + (nint)(b * QueryTokens + i0 + r) * nk;
                for (int j = 0; j < nk; j++)
                {
                    if (!keep[j]) s[j * w + r] = KeepMaskValue;
                }
            }
        }
    }
}
