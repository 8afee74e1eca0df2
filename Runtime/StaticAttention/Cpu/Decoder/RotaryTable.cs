using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticAttention.Internal.Cpu
{
    /// <summary>
    /// The cosines and sines of a rotary position embedding, <c>pos·θ^(-2i/r)</c> for every position in
    /// <c>[0, Positions)</c> and pair <c>i</c> in <c>[0, r/2)</c>, computed once in double precision (rounded to float) when a
    /// layer is loaded; <see cref="Apply"/> rotates projected q or k rows with them.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class RotaryTable
    {
        // [Positions, r/2] each.
        private readonly float[] _cos;
        private readonly float[] _sin;

        private RotaryTable(RotaryEmbedding kind, int rotaryDims, int positions, float[] cos, float[] sin)
        {
            Kind = kind;
            RotaryDims = rotaryDims;
            Positions = positions;
            _cos = cos;
            _sin = sin;
        }

        /// <summary>How the features of a head pair up.</summary>
        public RotaryEmbedding Kind { get; }

        /// <summary><c>r</c>: the leading features of each head that rotate.</summary>
        public int RotaryDims { get; }

        /// <summary>The positions the table covers, <c>[0, Positions)</c>.</summary>
        public int Positions { get; }

        /// <summary>Computes the table of <paramref name="kind"/> with base <paramref name="theta"/> for <paramref name="positions"/> positions.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a rotation, <paramref name="rotaryDims"/> is not
        /// positive and even, <paramref name="theta"/> is not positive and finite, or <paramref name="positions"/> is not positive.</exception>
        public static RotaryTable Create(RotaryEmbedding kind, float theta, int rotaryDims, int positions)
        {
            if (kind is not (RotaryEmbedding.RotateHalf or RotaryEmbedding.Interleaved))
            {
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "A rotary table needs RotateHalf or Interleaved.");
            }

            if (rotaryDims <= 0 || rotaryDims % 2 != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(rotaryDims), rotaryDims, $"The rotary dims must be positive and even, but are {rotaryDims}.");
            }

            if (!(theta > 0) || float.IsPositiveInfinity(theta))
            {
                throw new ArgumentOutOfRangeException(nameof(theta), theta, $"The rotary base must be positive and finite, but is {theta}.");
            }

            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(positions);
            int half = rotaryDims / 2;
            long length = (long)positions * half;
            if (length > Array.MaxLength)
            {
                throw new ArgumentOutOfRangeException(nameof(positions), positions, $"A table of {positions} positions and {half} pairs is too large.");
            }

            var cos = new float[length];
            var sin = new float[length];
            var frequency = new double[half];
            for (int i = 0; i < half; i++)
            {
                frequency[i] = Math.Pow(theta, -2.0 * i / rotaryDims);
            }

            for (int p = 0; p < positions; p++)
            {
                for (int i = 0; i < half; i++)
                {
                    double angle = p * frequency[i];
                    cos[p * half + i] = (float)Math.Cos(angle);
                    sin[p * half + i] = (float)Math.Sin(angle);
                }
            }

            return new RotaryTable(kind, rotaryDims, positions, cos, sin);
        }

        /// <summary>
        /// Rotates, in place, <paramref name="heads"/> heads of width <paramref name="headDim"/> that start at column
        /// <paramref name="firstColumn"/> of each of <paramref name="rows"/> rows, <paramref name="rowStride"/> apart. Rows are
        /// <c>[batch·tokensPerItem]</c>: row <c>r</c> is at position <c>firstPosition + r % tokensPerItem</c>.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">A size is negative or not positive, <see cref="RotaryDims"/> exceeds
        /// <paramref name="headDim"/>, or the positions run past <see cref="Positions"/>.</exception>
        /// <exception cref="ArgumentException"><paramref name="buffer"/> is too short for the rows, or the heads overlap the next row.</exception>
        public void Apply(Span<float> buffer, int rows, int rowStride, int firstColumn, int heads, int headDim, int tokensPerItem, int firstPosition)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(rows);
            ArgumentOutOfRangeException.ThrowIfNegative(firstColumn);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokensPerItem);
            ArgumentOutOfRangeException.ThrowIfNegative(firstPosition);
            if (headDim < RotaryDims)
            {
                throw new ArgumentOutOfRangeException(nameof(headDim), headDim, $"The head width {headDim} is less than the table's {RotaryDims} rotary dims.");
            }

            if ((long)firstPosition + tokensPerItem > Positions)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(firstPosition), firstPosition,
                    $"Positions {firstPosition} to {(long)firstPosition + tokensPerItem - 1} ({tokensPerItem} tokens from {firstPosition}) run past the rotary table's {Positions} positions.");
            }

            long width = (long)heads * headDim;
            if (rows == 0) return;
            if (rowStride < firstColumn + width || (long)(rows - 1) * rowStride + firstColumn + width > buffer.Length)
            {
                throw new ArgumentException(
                    $"{rows} rows of stride {rowStride} with {heads} heads of {headDim} from column {firstColumn} need {(long)(rows - 1) * rowStride + firstColumn + width} elements (and a stride of at least {firstColumn + width}), but the buffer has {buffer.Length}.",
                    nameof(buffer));
            }

            int half = RotaryDims / 2;
            ref float cos = ref MemoryMarshal.GetArrayDataReference(_cos);
            ref float sin = ref MemoryMarshal.GetArrayDataReference(_sin);
            ref float start = ref MemoryMarshal.GetReference(buffer);
            for (int r = 0; r < rows; r++)
            {
                int table = (firstPosition + r % tokensPerItem) * half;
                ref float row = ref Unsafe.Add(ref start, (nint)r * rowStride + firstColumn);
                for (int h = 0; h < heads; h++)
                {
                    ref float head = ref Unsafe.Add(ref row, (nint)h * headDim);
                    if (Kind == RotaryEmbedding.RotateHalf)
                    {
                        RotateHalf(ref head, ref Unsafe.Add(ref cos, table), ref Unsafe.Add(ref sin, table), half);
                    }
                    else
                    {
                        RotateInterleaved(ref head, ref Unsafe.Add(ref cos, table), ref Unsafe.Add(ref sin, table), half);
                    }
                }
            }
        }

        /// <summary>x[i], x[i + half] ← x[i]·cos − x[i + half]·sin, x[i + half]·cos + x[i]·sin.</summary>
        private static void RotateHalf(ref float x, ref float cos, ref float sin, int half)
        {
            int i = 0;
            ref float y = ref Unsafe.Add(ref x, half);
            for (; i + Vector256<float>.Count <= half; i += Vector256<float>.Count)
            {
                Vector256<float> a = Vector256.LoadUnsafe(ref x, (nuint)i);
                Vector256<float> b = Vector256.LoadUnsafe(ref y, (nuint)i);
                Vector256<float> c = Vector256.LoadUnsafe(ref cos, (nuint)i);
                Vector256<float> s = Vector256.LoadUnsafe(ref sin, (nuint)i);
                (a * c - b * s).StoreUnsafe(ref x, (nuint)i);
                (b * c + a * s).StoreUnsafe(ref y, (nuint)i);
            }

            for (; i < half; i++)
            {
                float a = Unsafe.Add(ref x, i), b = Unsafe.Add(ref y, i), c = Unsafe.Add(ref cos, i), s = Unsafe.Add(ref sin, i);
                Unsafe.Add(ref x, i) = a * c - b * s;
                Unsafe.Add(ref y, i) = b * c + a * s;
            }
        }

        /// <summary>x[2i], x[2i + 1] ← x[2i]·cos − x[2i + 1]·sin, x[2i + 1]·cos + x[2i]·sin.</summary>
        private static void RotateInterleaved(ref float x, ref float cos, ref float sin, int half)
        {
            for (int i = 0; i < half; i++)
            {
                ref float a = ref Unsafe.Add(ref x, 2 * i);
                ref float b = ref Unsafe.Add(ref x, 2 * i + 1);
                float c = Unsafe.Add(ref cos, i), s = Unsafe.Add(ref sin, i);
                float x1 = a, x2 = b;
                a = x1 * c - x2 * s;
                b = x2 * c + x1 * s;
            }
        }
    }
}
