using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
        /// <remarks>
        /// <paramref name="input"/> and <paramref name="output"/> may be longer than needed (only the leading
        /// elements are used), so rented buffers can be passed whole.
        /// </remarks>
        /// <exception cref="ArgumentException">A size is not positive or a span has the wrong length.</exception>
        public static void Forward(
            ReadOnlySpan<float> input, int rows, int inFeatures,
            ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int outFeatures,
            Span<float> output)
        {
            Validate(input.Length, rows, inFeatures, weight.Length, bias.Length, outFeatures, output.Length);

            ref float x = ref MemoryMarshal.GetReference(input);
            ref float w = ref MemoryMarshal.GetReference(weight);
            ref float y = ref MemoryMarshal.GetReference(output);
            bool hasBias = !bias.IsEmpty;

            for (int r = 0; r < rows; r++)
            {
                ref float xRow = ref Unsafe.Add(ref x, (nint)r * inFeatures);
                ref float yRow = ref Unsafe.Add(ref y, (nint)r * outFeatures);

                // Four output columns at a time share each load of the input row.
                int o = 0;
                for (; o <= outFeatures - 4; o += 4)
                {
                    Dot4(
                        ref xRow, ref Unsafe.Add(ref w, (nint)o * inFeatures), inFeatures,
                        out float s0, out float s1, out float s2, out float s3);
                    if (hasBias)
                    {
                        s0 += bias[o];
                        s1 += bias[o + 1];
                        s2 += bias[o + 2];
                        s3 += bias[o + 3];
                    }

                    Unsafe.Add(ref yRow, o) = s0;
                    Unsafe.Add(ref yRow, o + 1) = s1;
                    Unsafe.Add(ref yRow, o + 2) = s2;
                    Unsafe.Add(ref yRow, o + 3) = s3;
                }

                for (; o < outFeatures; o++)
                {
                    float s = VectorMath.Dot(ref xRow, ref Unsafe.Add(ref w, (nint)o * inFeatures), inFeatures);
                    Unsafe.Add(ref yRow, o) = hasBias ? s + bias[o] : s;
                }
            }
        }

        private static void Validate(int inputLength, int rows, int inFeatures, int weightLength, int biasLength, int outFeatures, int outputLength)
        {
            if (rows <= 0 || inFeatures <= 0 || outFeatures <= 0)
            {
                throw new ArgumentException(
                    $"Linear sizes must be positive, but rows is {rows}, inFeatures {inFeatures} and outFeatures {outFeatures}.");
            }

            if (inputLength < (long)rows * inFeatures)
            {
                throw new ArgumentException(
                    $"input must have at least {(long)rows * inFeatures} elements ([rows {rows}, inFeatures {inFeatures}]), but has {inputLength}.",
                    "input");
            }

            if (weightLength != (long)outFeatures * inFeatures)
            {
                throw new ArgumentException(
                    $"weight must have {(long)outFeatures * inFeatures} elements ([outFeatures {outFeatures}, inFeatures {inFeatures}]), but has {weightLength}.",
                    "weight");
            }

            if (biasLength != 0 && biasLength != outFeatures)
            {
                throw new ArgumentException($"bias must be empty or have {outFeatures} elements, but has {biasLength}.", "bias");
            }

            if (outputLength < (long)rows * outFeatures)
            {
                throw new ArgumentException(
                    $"output must have at least {(long)rows * outFeatures} elements ([rows {rows}, outFeatures {outFeatures}]), but has {outputLength}.",
                    "output");
            }
        }

        /// <summary>Dot products of one row <paramref name="x"/> with four consecutive weight rows starting at <paramref name="w"/>.</summary>
        private static void Dot4(ref float x, ref float w, int n, out float s0, out float s1, out float s2, out float s3)
        {
            ref float w0 = ref w;
            ref float w1 = ref Unsafe.Add(ref w, n);
            ref float w2 = ref Unsafe.Add(ref w, 2 * n);
            ref float w3 = ref Unsafe.Add(ref w, 3 * n);
            int i = 0;
            s0 = s1 = s2 = s3 = 0f;
            if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
            {
                Vector<float> a0 = Vector<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
                for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                {
                    Vector<float> xv = Vector.LoadUnsafe(ref x, (nuint)i);
                    a0 = Vector.FusedMultiplyAdd(xv, Vector.LoadUnsafe(ref w0, (nuint)i), a0);
                    a1 = Vector.FusedMultiplyAdd(xv, Vector.LoadUnsafe(ref w1, (nuint)i), a1);
                    a2 = Vector.FusedMultiplyAdd(xv, Vector.LoadUnsafe(ref w2, (nuint)i), a2);
                    a3 = Vector.FusedMultiplyAdd(xv, Vector.LoadUnsafe(ref w3, (nuint)i), a3);
                }

                s0 = Vector.Sum(a0);
                s1 = Vector.Sum(a1);
                s2 = Vector.Sum(a2);
                s3 = Vector.Sum(a3);
            }

            for (; i < n; i++)
            {
                float xi = Unsafe.Add(ref x, i);
                s0 += xi * Unsafe.Add(ref w0, i);
                s1 += xi * Unsafe.Add(ref w1, i);
                s2 += xi * Unsafe.Add(ref w2, i);
                s3 += xi * Unsafe.Add(ref w3, i);
            }
        }
    }
}
