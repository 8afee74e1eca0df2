namespace StaticAttention.Internal.Cpu.Attention
{
    /// <summary>
    /// One call's inputs and outputs as raw pointers into the caller's pinned spans, with the shape, the scale and the mask:
    /// what every algorithm reads. Query head h of row (b, i) is at <c>Q + (b·QueryTokens + i)·QStride + h·HeadDim</c>, key
    /// and value head g of row (b, j) at <c>K + (b·KeyTokens + j)·KvStride + g·HeadDim</c>, context row (b, i) at
    /// <c>Context + (b·QueryTokens + i)·Heads·HeadDim</c>. The masks are applied by <c>AttentionOperands.Masking.cs</c>.
    /// </summary>
    internal unsafe partial struct AttentionOperands
    {
        public float* Q, K, V, Context;

        /// <summary>The weights output <c>[batch, Heads, QueryTokens, KeyTokens]</c>, or null.</summary>
        public float* Weights;

        /// <summary>The relative position bias table <c>[2·QueryTokens-1, Heads]</c>, or null.</summary>
        public float* Bias;
        public int* ValidLengths;
        public bool* Mask;
        public int QStride, KvStride, Heads, GroupSize, HeadDim, QueryTokens, KeyTokens;
        public float Scale;

        /// <summary>The mask kind without <see cref="AttentionMask.Causal"/>, which is <see cref="Causal"/>.</summary>
        public AttentionMask Kind;
        public bool Causal;

        /// <summary>
        /// Query rows i0 .. i0+3 of batch item <paramref name="b"/>, head <paramref name="h"/>, for the four-row score
        /// kernels; the pointers past <paramref name="rows"/> repeat row i0 (what they compute lands in rows that are dropped).
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public readonly void QueryQuad(int b, int h, int i0, int rows, out float* q0, out float* q1, out float* q2, out float* q3)
        {
            q0 = Q + ((nint)(b * QueryTokens + i0) * QStride + (nint)h * HeadDim);
            q1 = q0 + (rows > 1 ? QStride : 0);
            q2 = q0 + (rows > 2 ? 2 * (nint)QStride : 0);
            q3 = q0 + (rows > 3 ? 3 * (nint)QStride : 0);
        }
    }
}
