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
    }
}
