using System;

namespace StaticAttention
{
    /// <summary>
    /// Declares a multi-head attention layer on a <c>partial class</c>. The StaticAttention source generator then
    /// writes the layer: public constants for every dimension, <c>Load</c> from a PyTorch safetensors checkpoint and a
    /// <c>Forward</c> specialised for these exact shapes. An invalid combination is a compile error (SA0001...) on the
    /// offending argument.
    /// </summary>
    /// <example>
    /// <code>
    /// [MultiHeadAttention(Heads = 12, ModelDim = 768, Tokens = 8, QkvBias = true, OutputBias = true, RelativePositionBias = true)]
    /// public partial class TemporalAttention;
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class MultiHeadAttentionAttribute : Attribute
    {
        /// <summary>Number of query heads. Required, positive.</summary>
        public int Heads { get; set; }

        /// <summary>Model width (num_hiddens, d_model, embed_dim): the output feature size. Required, positive.</summary>
        public int ModelDim { get; set; }

        /// <summary>Self-attention length: queries = keys = values = <c>x</c>. Use instead of <see cref="QueryTokens"/>/<see cref="KeyTokens"/>.</summary>
        public int Tokens { get; set; }

        /// <summary>Cross-attention query length (use with <see cref="KeyTokens"/>, instead of <see cref="Tokens"/>).</summary>
        public int QueryTokens { get; set; }

        /// <summary>Cross-attention key/value length (use with <see cref="QueryTokens"/>, instead of <see cref="Tokens"/>).</summary>
        public int KeyTokens { get; set; }

        /// <summary>Input feature size of the query. Defaults to <see cref="ModelDim"/>.</summary>
        public int QuerySize { get; set; }

        /// <summary>Input feature size of the key. Defaults to <see cref="ModelDim"/>.</summary>
        public int KeySize { get; set; }

        /// <summary>Input feature size of the value. Defaults to <see cref="ModelDim"/>.</summary>
        public int ValueSize { get; set; }

        /// <summary>Key/value heads for grouped-query (or multi-query) attention; must divide <see cref="Heads"/>. Defaults to <see cref="Heads"/>.</summary>
        public int KvHeads { get; set; }

        /// <summary>
        /// Per-head width. Defaults to <c>ModelDim / Heads</c>; when set, <c>Heads·HeadDim</c> may differ from
        /// <see cref="ModelDim"/> (the output Linear maps back).
        /// </summary>
        public int HeadDim { get; set; }

        /// <summary>How q, k and v are projected. Defaults to <see cref="StaticAttention.Projections.Fused"/>.</summary>
        public Projections Projections { get; set; }

        /// <summary>Whether the input projections have biases.</summary>
        public bool QkvBias { get; set; }

        /// <summary>Whether the output projection has a bias.</summary>
        public bool OutputBias { get; set; }

        /// <summary>
        /// A learned relative position bias table <c>[2·Tokens-1, Heads]</c> (AIM/TimeSformer), added to the scores as
        /// <c>bias[h,i,j] = table[i-j+Tokens-1, h]</c>. Self-attention only.
        /// </summary>
        public bool RelativePositionBias { get; set; }

        /// <summary>The masks <c>Forward</c> accepts; see <see cref="AttentionMask"/>.</summary>
        public AttentionMask Mask { get; set; }

        /// <summary>Whether <c>Forward</c> also writes the softmax weights <c>[B, Heads, QueryTokens, KeyTokens]</c>.</summary>
        public bool ReturnWeights { get; set; }

        /// <summary>The score scale; 0 (the default) means <c>1/sqrt(HeadDim)</c>.</summary>
        public float Scale { get; set; }

        /// <summary>
        /// The rotary position embedding applied to q and k after their projections (Llama, Qwen2, Mistral, Gemma:
        /// <see cref="RotaryEmbedding.RotateHalf"/>; GPT-J: <see cref="RotaryEmbedding.Interleaved"/>). Self-attention only.
        /// Positions are <c>0..Tokens-1</c> in <c>Forward</c>, and continue from the cache's length in a cached <c>Forward</c>.
        /// </summary>
        public RotaryEmbedding Rotary { get; set; }

        /// <summary>The rotary base θ (HF <c>rope_theta</c>): pair <c>i</c> turns by <c>position · θ^(-2i/RotaryDims)</c>. Defaults to 10000.</summary>
        public float RotaryBase { get; set; } = LayerDefaults.RotaryBase;

        /// <summary>
        /// How many leading features of each head rotate (partial rotary, HF <c>partial_rotary_factor · head_dim</c>, GPT-J
        /// <c>rotary_dim</c>); the rest pass unchanged. Even and at most <see cref="HeadDim"/>; 0 (the default) means all of them.
        /// </summary>
        public int RotaryDims { get; set; }

        /// <summary>
        /// A sliding window <c>W</c> (Mistral, HF <c>sliding_window</c>): query <c>i</c> sees key <c>j</c> only when
        /// <c>i - W &lt; j ≤ i</c>. Needs <see cref="AttentionMask.Causal"/>; 0 (the default) means no window.
        /// </summary>
        public int SlidingWindow { get; set; }

        /// <summary>
        /// Logit softcapping <c>c</c> (Gemma 2, HF <c>attn_logit_softcapping</c>): a scaled score <c>s</c> becomes
        /// <c>c·tanh(s/c)</c>, before biases and masks. 0 (the default) means none.
        /// </summary>
        public float Softcap { get; set; }

        /// <summary>
        /// ALiBi (BLOOM, MPT): adds <c>-m_h·(i - j)</c> to the scores of head <c>h</c>, with BLOOM's slopes <c>m_h</c> (for a
        /// power of two <c>n</c> heads <c>m_h = 2^(-8(h+1)/n)</c>). Needs <see cref="AttentionMask.Causal"/>.
        /// </summary>
        public bool Alibi { get; set; }

        /// <summary>
        /// The capacity, in tokens, of a key/value cache for incremental decoding: the layer gains <c>CreateCache(batch)</c>
        /// and <c>Forward(x, cache, output)</c>, which appends tokens and attends over everything cached. Self-attention with
        /// <see cref="AttentionMask.Causal"/> only; 0 (the default) means no cache.
        /// </summary>
        public int CacheTokens { get; set; }
    }
}
