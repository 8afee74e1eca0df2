using StaticAttention;

namespace StaticAttention.Generator.Model
{
    /// <summary>
    /// Everything the emitter needs to write one layer: names and every resolved size (defaults applied, derived
    /// sizes computed). Plain values only, so the incremental pipeline can cache it.
    /// </summary>
    internal sealed record LayerModel(
        string Namespace,
        string ClassName,
        string HintName,
        EquatableArray<ContainingTypeModel> ContainingTypes,
        int Heads,
        int KvHeads,
        int HeadDim,
        int ModelDim,
        bool SelfAttention,
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
        bool ScaleIsDefault,
        bool VisibleOutsideAssembly)
    {
        /// <summary>Every static size the typed <c>Forward</c> names: token counts and feature sizes.</summary>
        public int[] TypedSizes => new[] { QueryTokens, KeyTokens, QuerySize, KeySize, ValueSize, ModelDim };

        /// <summary>All query heads side by side: <c>Heads·HeadDim</c>.</summary>
        public int QueryWidth => Heads * HeadDim;

        /// <summary>All key (or value) heads side by side: <c>KvHeads·HeadDim</c>.</summary>
        public int KvWidth => KvHeads * HeadDim;

        /// <summary>Rows of the fused input matrix: <c>(Heads + 2·KvHeads)·HeadDim</c>.</summary>
        public int FusedWidth => QueryWidth + 2 * KvWidth;

        /// <summary>The one mask kind besides <see cref="AttentionMask.Causal"/>, or <see cref="AttentionMask.None"/>.</summary>
        public AttentionMask MaskKind => Mask & ~AttentionMask.Causal;

        /// <summary>Whether <c>Forward</c> takes <c>validLengths</c>.</summary>
        public bool TakesValidLengths => MaskKind is AttentionMask.ValidLengths or AttentionMask.ValidLengthsPerQuery;

        /// <summary>Whether <c>Forward</c> takes a boolean <c>mask</c>.</summary>
        public bool TakesMask => MaskKind is AttentionMask.KeepMask or AttentionMask.KeyPaddingMask;
    }
}
