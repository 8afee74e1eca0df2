using System;

namespace StaticAttention
{
    /// <summary>
    /// Every fixed dimension and option of one attention layer, as resolved from its
    /// <see cref="MultiHeadAttentionAttribute"/> (defaults filled in, scale computed). Generated layers pass one to
    /// the weight loader; the reference implementation and the tests build them with <see cref="Create"/>.
    /// </summary>
    public sealed record AttentionLayerSpec
    {
        // Specs come from Create (defaults applied) or from a generated layer's Spec; `with` derives variants.
        private AttentionLayerSpec(
            string layerName, int heads, int kvHeads, int headDim, int modelDim, int queryTokens, int keyTokens,
            int querySize, int keySize, int valueSize, Projections projections, bool qkvBias, bool outputBias,
            bool relativePositionBias, AttentionMask mask, bool returnWeights, float scale, bool selfAttention)
        {
            LayerName = layerName;
            Heads = heads;
            KvHeads = kvHeads;
            HeadDim = headDim;
            ModelDim = modelDim;
            QueryTokens = queryTokens;
            KeyTokens = keyTokens;
            QuerySize = querySize;
            KeySize = keySize;
            ValueSize = valueSize;
            Projections = projections;
            QkvBias = qkvBias;
            OutputBias = outputBias;
            RelativePositionBias = relativePositionBias;
            Mask = mask;
            ReturnWeights = returnWeights;
            Scale = scale;
            SelfAttention = selfAttention;
        }

        /// <summary>The layer's type name, used in exception messages.</summary>
        public string LayerName { get; init; }

        /// <summary>Query heads.</summary>
        public int Heads { get; init; }

        /// <summary>Key/value heads; divides <see cref="Heads"/>.</summary>
        public int KvHeads { get; init; }

        /// <summary>Per-head width.</summary>
        public int HeadDim { get; init; }

        /// <summary>Model width: the output feature size.</summary>
        public int ModelDim { get; init; }

        /// <summary>Query length.</summary>
        public int QueryTokens { get; init; }

        /// <summary>Key/value length.</summary>
        public int KeyTokens { get; init; }

        /// <summary>Query input feature size.</summary>
        public int QuerySize { get; init; }

        /// <summary>Key input feature size.</summary>
        public int KeySize { get; init; }

        /// <summary>Value input feature size.</summary>
        public int ValueSize { get; init; }

        /// <summary>How q, k, v are projected.</summary>
        public Projections Projections { get; init; }

        /// <summary>Whether the input projections have biases.</summary>
        public bool QkvBias { get; init; }

        /// <summary>Whether the output projection has a bias.</summary>
        public bool OutputBias { get; init; }

        /// <summary>Whether a <c>[2·Tokens-1, Heads]</c> relative position bias table is used.</summary>
        public bool RelativePositionBias { get; init; }

        /// <summary>The masks the layer takes.</summary>
        public AttentionMask Mask { get; init; }

        /// <summary>Whether the softmax weights are returned.</summary>
        public bool ReturnWeights { get; init; }

        /// <summary>The resolved score scale (never 0).</summary>
        public float Scale { get; init; }

        /// <summary>True when queries, keys and values are the same input <c>x</c>.</summary>
        public bool SelfAttention { get; init; }

        /// <summary>The rotary embedding on q and k (<see cref="RotaryEmbedding.None"/> when the layer has none).</summary>
        public RotaryEmbedding Rotary { get; init; }

        /// <summary>The rotary base θ.</summary>
        public float RotaryBase { get; init; } = LayerDefaults.RotaryBase;

        /// <summary>How many leading features of each head rotate, resolved (<c>HeadDim</c> when the attribute says 0; 0 without rotary).</summary>
        public int RotaryDims { get; init; }

        /// <summary>The sliding window <c>W</c> (query <c>i</c> sees keys <c>i - W &lt; j ≤ i</c>), or 0 for none.</summary>
        public int SlidingWindow { get; init; }

        /// <summary>The logit softcap <c>c</c> (scores become <c>c·tanh(s/c)</c>), or 0 for none.</summary>
        public float Softcap { get; init; }

        /// <summary>Whether ALiBi biases <c>-m_h·(i - j)</c> are added to the scores.</summary>
        public bool Alibi { get; init; }

        /// <summary>The capacity of the layer's key/value cache in tokens, or 0 when it has none.</summary>
        public int CacheTokens { get; init; }

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
        /// <c>HeadDim = ModelDim / Heads</c>, input sizes = <c>ModelDim</c>, scale <c>1/sqrt(HeadDim)</c> when 0,
        /// rotary base 10000 when 0, <c>RotaryDims = HeadDim</c> when 0 and the layer rotates.
        /// </summary>
        public static AttentionLayerSpec Create(
            string layerName, int heads, int modelDim, int queryTokens, int keyTokens,
            int kvHeads = 0, int headDim = 0, int querySize = 0, int keySize = 0, int valueSize = 0,
            Projections projections = Projections.Fused, bool qkvBias = false, bool outputBias = false,
            bool relativePositionBias = false, AttentionMask mask = AttentionMask.None, bool returnWeights = false,
            float scale = 0f, bool selfAttention = false,
            RotaryEmbedding rotary = RotaryEmbedding.None, float rotaryBase = 0f, int rotaryDims = 0,
            int slidingWindow = 0, float softcap = 0f, bool alibi = false, int cacheTokens = 0)
        {
            if (heads <= 0) throw new ArgumentOutOfRangeException(nameof(heads), heads, "Heads must be positive.");
            int d = headDim > 0 ? headDim : modelDim / heads;
            return new AttentionLayerSpec(
                layerName, heads, kvHeads > 0 ? kvHeads : heads, d, modelDim, queryTokens, keyTokens,
                querySize > 0 ? querySize : modelDim, keySize > 0 ? keySize : modelDim, valueSize > 0 ? valueSize : modelDim,
                projections, qkvBias, outputBias, relativePositionBias, mask, returnWeights,
                scale != 0f ? scale : LayerDefaults.Scale(d), selfAttention)
            {
                Rotary = rotary,
                RotaryBase = rotaryBase != 0f ? rotaryBase : LayerDefaults.RotaryBase,
                RotaryDims = rotary == RotaryEmbedding.None ? 0 : rotaryDims > 0 ? rotaryDims : d,
                SlidingWindow = slidingWindow,
                Softcap = softcap,
                Alibi = alibi,
                CacheTokens = cacheTokens,
            };
        }
    }
}
