using System;

namespace StaticAttention.Cpu
{
    /// <summary>A fully connected layer in PyTorch's <c>nn.Linear</c> convention: <c>output = input · weightᵀ + bias</c>.</summary>
    public static class Linear
    {
        /// <summary>
        /// Computes <c>output[r, o] = bias[o] + Σ_i input[r, i] · weight[o, i]</c> for <paramref name="rows"/> rows.
        /// <paramref name="input"/> is <c>[rows, inFeatures]</c>, <paramref name="weight"/> <c>[outFeatures, inFeatures]</c>,
        /// <paramref name="bias"/> <c>[outFeatures]</c> or empty, <paramref name="output"/> <c>[rows, outFeatures]</c>.
        /// </summary>
        public static void Forward(
            ReadOnlySpan<float> input, int rows, int inFeatures,
            ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int outFeatures,
            Span<float> output) => throw new NotImplementedException();
    }
}
