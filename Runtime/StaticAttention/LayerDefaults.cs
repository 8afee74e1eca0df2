using System;

namespace StaticAttention
{
    /// <summary>
    /// The defaults the attribute leaves to the library, computed once for the source generator and the runtime (the
    /// generator links this file), so a generated layer and a spec built at run time resolve them to the same bits.
    /// </summary>
    internal static class LayerDefaults
    {
        /// <summary>The rotary base θ when none is given (Llama, GPT-NeoX, GPT-J).</summary>
        public const float RotaryBase = 10000f;

        /// <summary>The score scale when none is given: <c>1/sqrt(headDim)</c>, in double precision and rounded once to float.</summary>
        public static float Scale(int headDim) => (float)(1.0 / Math.Sqrt(headDim));

        /// <summary>
        /// The ALiBi slopes of BLOOM's <c>build_alibi_tensor</c>, head by head: for the largest power of two <c>p ≤ heads</c>,
        /// <c>m_h = 2^(-8(h+1)/p)</c> for <c>h &lt; p</c>; the remaining heads take every other slope of <c>2p</c> heads,
        /// <c>2^(-4(2k+1)/p)</c> for <c>k = 0, 1, ...</c>. Computed in double precision and rounded once to float.
        /// </summary>
        public static float[] AlibiSlopes(int heads)
        {
            if (heads <= 0) throw new ArgumentOutOfRangeException(nameof(heads), heads, "Heads must be positive.");
            int p = 1;
            while (p * 2 <= heads) p *= 2;
            var slopes = new float[heads];
            for (int h = 0; h < heads; h++)
            {
                double exponent = h < p ? -8.0 * (h + 1) / p : -4.0 * (2 * (h - p) + 1) / p;
                slopes[h] = (float)Math.Pow(2.0, exponent);
            }
            return slopes;
        }
    }
}
