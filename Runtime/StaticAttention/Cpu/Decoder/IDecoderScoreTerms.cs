using System.ComponentModel;

namespace StaticAttention.Internal.Cpu
{
    /// <summary>
    /// The score terms of one decoder layer. A generated layer implements it with a <c>readonly struct</c> whose properties
    /// return literals, so that once the JIT specialises <see cref="DecoderAttention"/> for it and inlines the getters they
    /// are constants and the terms a layer does not use vanish from its code.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public interface IDecoderScoreTerms
    {
        /// <summary>Whether key <c>j</c> is hidden from the query at position <c>p</c> when <c>j &gt; p</c>.</summary>
        bool Causal { get; }

        /// <summary>The sliding window <c>W</c>, or 0 for none: key <c>j</c> is hidden when <c>p - j ≥ W</c> (only with <see cref="Causal"/>).</summary>
        int SlidingWindow { get; }

        /// <summary>The logit softcap <c>c</c>, or 0 for none: a scaled score <c>s</c> becomes <c>c·tanh(s/c)</c>.</summary>
        float Softcap { get; }

        /// <summary>Whether <c>-slope[h]·(p - j)</c> is added to the scores of head <c>h</c>.</summary>
        bool Alibi { get; }
    }
}
