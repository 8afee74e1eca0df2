using StaticAttention.Internal.Cpu;

namespace StaticAttention.Tests.Decoder;

/// <summary>Score terms held in fields, so the tests can drive random values (a generated layer's return literals).</summary>
internal readonly record struct DecoderTerms(bool Causal, int SlidingWindow, float Softcap, bool Alibi) : IDecoderScoreTerms
{
    /// <summary>The terms of <paramref name="spec"/>.</summary>
    public static DecoderTerms Of(AttentionLayerSpec spec) =>
        new((spec.Mask & AttentionMask.Causal) != 0, spec.SlidingWindow, spec.Softcap, spec.Alibi);
}
