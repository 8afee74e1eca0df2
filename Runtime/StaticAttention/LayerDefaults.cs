using System;

namespace StaticAttention
{
    /// <summary>
    /// The defaults the attribute leaves to the library, computed once for the source generator and the runtime (the
    /// generator links this file), so a generated layer and a spec built at run time resolve them to the same bits.
    /// </summary>
    internal static class LayerDefaults
    {
        /// <summary>The score scale when none is given: <c>1/sqrt(headDim)</c>, in double precision and rounded once to float.</summary>
        public static float Scale(int headDim) => (float)(1.0 / Math.Sqrt(headDim));
    }
}
