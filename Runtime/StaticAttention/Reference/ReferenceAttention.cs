using System;
using StaticAttention.Weights;

namespace StaticAttention.Reference
{
    /// <summary>
    /// A plain, obviously correct implementation of a whole attention layer (projections, scores, masks, softmax,
    /// output projection) in double precision, written straight from the PyTorch modules. Every fast path is tested
    /// against it. Slow by design.
    /// </summary>
    public static class ReferenceAttention
    {
        /// <summary>
        /// Runs the layer described by <paramref name="spec"/> for <paramref name="batch"/> items. For self-attention pass
        /// the same span as <paramref name="query"/>, <paramref name="key"/> and <paramref name="value"/>.
        /// <paramref name="validLengths"/> and <paramref name="mask"/> are read as <c>spec.Mask</c> says;
        /// <paramref name="attentionWeights"/> may be empty.
        /// </summary>
        public static void Forward(
            AttentionLayerSpec spec, AttentionWeights weights, int batch,
            ReadOnlySpan<float> query, ReadOnlySpan<float> key, ReadOnlySpan<float> value,
            ReadOnlySpan<int> validLengths, ReadOnlySpan<bool> mask,
            Span<float> output, Span<float> attentionWeights) => throw new NotImplementedException();
    }
}
