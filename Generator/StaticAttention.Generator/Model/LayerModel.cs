using StaticAttention;

namespace StaticAttention.Generator.Model
{
    /// <summary>
    /// Everything the emitter needs to write one layer: names and every resolved size (defaults applied, derived
    /// sizes computed). Plain values only, so the incremental pipeline can cache it.
    /// </summary>
    internal sealed record LayerModel(
        HierarchyModel Hierarchy,
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
        DecoderTerms Decoder,
        bool VisibleOutsideAssembly)
    {
        /// <summary>The class's name.</summary>
        public string ClassName => Hierarchy.Name;

        /// <summary>The span <c>Forward</c>'s parameters, in order: the one list every overload, check and analyzer reads.</summary>
        public ForwardParameter[] ForwardParameters => ForwardParameter.For(this);

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

        /// <summary>
        /// Whether the attention core is emitted as a kernel for this exact shape (<c>IShortAttentionKernel</c>): few tokens,
        /// a head of at most <see cref="KernelLimits.ShortKernelMaxHeadDim"/>, no weights output, and no mask but <c>Causal</c> (the
        /// relative position bias is fine). Other layers call the runtime's general <c>AttentionCore.Forward</c>.
        /// </summary>
        public bool ShortKernel =>
            QueryTokens <= KernelLimits.ShortKernelMaxTokens && KeyTokens <= KernelLimits.ShortKernelMaxTokens
            && HeadDim <= KernelLimits.ShortKernelMaxHeadDim
            && !ReturnWeights && MaskKind == AttentionMask.None && !Decoder.HasScoreTerms;

        /// <summary>The projections <c>Forward</c> runs through the packed GEMM, in order (none without projections).</summary>
        public GemmShape[] GemmShapes
        {
            get
            {
                if (Projections == Projections.None) return new GemmShape[0];
                var output = new GemmShape("OutputShape", "output = context · Woᵀ", "Heads·HeadDim", "ModelDim", "Output", QueryWidth, ModelDim);
                if (Projections == Projections.Fused && SelfAttention)
                {
                    return new[]
                    {
                        new GemmShape("QkvShape", "qkv = x · Wqkvᵀ", "QuerySize", "(Heads + 2·KvHeads)·HeadDim", "Fused", QuerySize, FusedWidth),
                        output,
                    };
                }

                return new[]
                {
                    new GemmShape("QueryShape", "q = " + (SelfAttention ? "x" : "query") + " · Wqᵀ", "QuerySize", "Heads·HeadDim", "Query", QuerySize, QueryWidth),
                    new GemmShape("KeyShape", "k = " + (SelfAttention ? "x" : "key") + " · Wkᵀ", "KeySize", "KvHeads·HeadDim", "Key", KeySize, KvWidth),
                    new GemmShape("ValueShape", "v = " + (SelfAttention ? "x" : "value") + " · Wvᵀ", "ValueSize", "KvHeads·HeadDim", "Value", ValueSize, KvWidth),
                    output,
                };
            }
        }
    }
}
