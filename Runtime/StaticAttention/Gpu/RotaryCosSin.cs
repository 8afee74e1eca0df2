using System;

namespace StaticAttention.Internal.Gpu
{
    /// <summary>
    /// The rotary embedding's angles as the GPU kernel reads them: for every position <c>p</c> and pair <c>i</c> of the
    /// rotated features, <c>cos</c> and <c>sin</c> of <c>p · θ^(-2i/r)</c> side by side, computed in double precision and
    /// rounded once to float.
    /// </summary>
    internal static class RotaryCosSin
    {
        /// <summary>The table <c>[positions, r/2, 2]</c>: element <c>(p·r/2 + i)·2</c> is the cosine, the next one the sine.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The dimensions are not positive and even, or the positions negative.</exception>
        public static float[] Table(float theta, int rotaryDims, int positions)
        {
            if (rotaryDims <= 0 || rotaryDims % 2 != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(rotaryDims), rotaryDims, "The rotary dimensions must be positive and even.");
            }

            ArgumentOutOfRangeException.ThrowIfNegative(positions);
            int half = rotaryDims / 2;
            var table = new float[positions * half * 2];
            for (int i = 0; i < half; i++)
            {
                double frequency = Math.Pow(theta, -2.0 * i / rotaryDims);
                for (int p = 0; p < positions; p++)
                {
                    double angle = p * frequency;
                    table[(p * half + i) * 2] = (float)Math.Cos(angle);
                    table[(p * half + i) * 2 + 1] = (float)Math.Sin(angle);
                }
            }

            return table;
        }
    }
}
