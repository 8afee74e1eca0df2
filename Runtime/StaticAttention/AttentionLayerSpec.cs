using System;

namespace StaticAttention
{
    /// <summary>
    /// Every fixed dimension and option of one attention layer, as resolved from its
    /// <see cref="MultiHeadAttentionAttribute"/> (defaults filled in, scale computed). Generated layers pass one to
    /// the weight loader; the reference implementation and the tests build them directly.
    /// </summary>
    /// <param name="LayerName">The layer's type name, used in exception messages.</param>
    /// <param name="Heads">Query heads.</param>
    /// <param name="KvHeads">Key/value heads; divides <paramref name="Heads"/>.</param>
    /// <param name="HeadDim">Per-head width.</param>
    /// <param name="ModelDim">Model width: the output feature size.</param>
    /// <param name="QueryTokens">Query length.</param>
    /// <param name="KeyTokens">Key/value length.</param>
    /// <param name="QuerySize">Query input feature size.</param>
    /// <param name="KeySize">Key input feature size.</param>
    /// <param name="ValueSize">Value input feature size.</param>
    /// <param name="Projections">How q, k, v are projected.</param>
    /// <param name="QkvBias">Whether the input projections have biases.</param>
    /// <param name="OutputBias">Whether the output projection has a bias.</param>
    /// <param name="RelativePositionBias">Whether a <c>[2·Tokens-1, Heads]</c> relative position bias table is used.</param>
    /// <param name="Mask">The masks the layer takes.</param>
    /// <param name="ReturnWeights">Whether the softmax weights are returned.</param>
    /// <param name="Scale">The resolved score scale (never 0).</param>
    /// <param name="SelfAttention">True when queries, keys and values are the same input <c>x</c>.</param>
    public sealed record AttentionLayerSpec(
        string LayerName,
        int Heads,
        int KvHeads,
        int HeadDim,
        int ModelDim,
        int QueryTokens,
        int KeyTokens,
        int QuerySize,
        int KeySize,
        int ValueSize,
        Projections Projections,
        bool QkvBias,
        bool OutputBias,
        bool RelativePositionBias,
        AttentionMask Mask,
        bool ReturnWeights,
        float Scale,
        bool SelfAttention)
    {
        /// <summary>Width of all query heads together: <c>Heads·HeadDim</c>.</summary>
        public int QueryWidth => Heads * HeadDim;

        /// <summary>Width of all key (or value) heads together: <c>KvHeads·HeadDim</c>.</summary>
        public int KvWidth => KvHeads * HeadDim;

        /// <summary>Rows of the fused input matrix: <c>(Heads + 2·KvHeads)·HeadDim</c>.</summary>
        public int FusedWidth => (Heads + 2 * KvHeads) * HeadDim;

        /// <summary>Rows of the relative position bias table: <c>2·QueryTokens - 1</c>.</summary>
        public int RelativePositionRows => 2 * QueryTokens - 1;

        /// <summary>
        /// Builds a spec with the attribute's defaults applied: <c>KvHeads = Heads</c>,
        /// <c>HeadDim = ModelDim / Heads</c>, input sizes = <c>ModelDim</c>, scale <c>1/sqrt(HeadDim)</c> when 0.
        /// </summary>
        public static AttentionLayerSpec Create(
            string layerName, int heads, int modelDim, int queryTokens, int keyTokens,
            int kvHeads = 0, int headDim = 0, int querySize = 0, int keySize = 0, int valueSize = 0,
            Projections projections = Projections.Fused, bool qkvBias = false, bool outputBias = false,
            bool relativePositionBias = false, AttentionMask mask = AttentionMask.None, bool returnWeights = false,
            float scale = 0f, bool selfAttention = false)
        {
            if (heads <= 0) throw new ArgumentOutOfRangeException(nameof(heads), heads, "Heads must be positive.");
            int d = headDim > 0 ? headDim : modelDim / heads;
            return new AttentionLayerSpec(
                layerName, heads, kvHeads > 0 ? kvHeads : heads, d, modelDim, queryTokens, keyTokens,
                querySize > 0 ? querySize : modelDim, keySize > 0 ? keySize : modelDim, valueSize > 0 ? valueSize : modelDim,
                projections, qkvBias, outputBias, relativePositionBias, mask, returnWeights,
                scale != 0f ? scale : LayerDefaults.Scale(d), selfAttention);
        }
    }
}
