using System.Runtime.CompilerServices;
using StaticAttention.Internal.Cpu.Vectors;

namespace StaticAttention.Internal.Cpu.Attention
{
    /// <summary>Reductions over a row of scores shared by the row-major kernels' softmax steps.</summary>
    internal static unsafe class ScoreRows
    {
        /// <summary>The maximum of <paramref name="length"/> scores (a multiple of W; the native max: a NaN may be dropped).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Max<TV, TOps>(float* s, int length)
            where TV : struct
            where TOps : struct, IFloatVectorOps<TV>
        {
            int W = TOps.Count;
            TV mv = TOps.Load(s);
            for (int j = W; j < length; j += W)
            {
                mv = TOps.MaxNative(mv, TOps.Load(s + j));
            }

            return TOps.HorizontalMax(mv);
        }

        /// <summary>Whether any of the <paramref name="length"/> scores at <paramref name="s"/> is NaN (which a native max may drop).</summary>
        public static bool HasNaN(float* s, int length)
        {
            for (int j = 0; j < length; j++)
            {
                if (float.IsNaN(s[j])) return true;
            }

            return false;
        }
    }
}
