using StaticAttention;

namespace StaticAttention.Generator.Model
{
    /// <summary>
    /// The decoder-style options of a layer, resolved: rotary embedding, sliding window, softcap, ALiBi and the cache
    /// capacity. All zero (<see cref="None"/>) for an encoder layer; each is emitted only into layers that use it.
    /// </summary>
    internal sealed record DecoderTerms(
        RotaryEmbedding Rotary,
        float RotaryBase,
        int RotaryDims,
        int SlidingWindow,
        float Softcap,
        bool Alibi,
        int CacheTokens)
    {
        /// <summary>No decoder options.</summary>
        public static DecoderTerms None { get; } = new(RotaryEmbedding.None, LayerDefaults.RotaryBase, 0, 0, 0f, false, 0);

        /// <summary>Whether q and k rotate.</summary>
        public bool HasRotary => Rotary != RotaryEmbedding.None;

        /// <summary>Whether the scores gain a term the encoder kernels do not have: a window, a softcap or ALiBi.</summary>
        public bool HasScoreTerms => SlidingWindow > 0 || Softcap > 0f || Alibi;

        /// <summary>Whether the layer has a key/value cache (<c>CreateCache</c> and the cached <c>Forward</c>).</summary>
        public bool HasCache => CacheTokens > 0;

        /// <summary>Whether any decoder option is set.</summary>
        public bool Any => HasRotary || HasScoreTerms || HasCache;
    }
}
