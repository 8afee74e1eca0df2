using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace StaticAttention.Internal.Gpu
{
    /// <summary>
    /// Eight values a warp of a generated kernel reduces together (the small-sequence kernel's partial scores of eight
    /// keys): one <c>Warp.ShuffleXor</c> per butterfly step carries all of them (ILGPU splits a
    /// struct into 32-bit shuffles on a GPU; on its CPU accelerator it is one exchange instead of 8).
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public struct RowValues8
    {
        /// <summary>Row 0's value.</summary>
        public float Row0;

        /// <summary>Row 1's value.</summary>
        public float Row1;

        /// <summary>Row 2's value.</summary>
        public float Row2;

        /// <summary>Row 3's value.</summary>
        public float Row3;

        /// <summary>Row 4's value.</summary>
        public float Row4;

        /// <summary>Row 5's value.</summary>
        public float Row5;

        /// <summary>Row 6's value.</summary>
        public float Row6;

        /// <summary>Row 7's value.</summary>
        public float Row7;

        /// <summary>The rows' values.</summary>
        public RowValues8(float row0, float row1, float row2, float row3, float row4, float row5, float row6, float row7)
        {
            Row0 = row0;
            Row1 = row1;
            Row2 = row2;
            Row3 = row3;
            Row4 = row4;
            Row5 = row5;
            Row6 = row6;
            Row7 = row7;
        }

        /// <summary>The row-wise maximum (NaN propagates, as <see cref="System.MathF.Max(float, float)"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static RowValues8 Max(RowValues8 a, RowValues8 b) =>
            new(System.MathF.Max(a.Row0, b.Row0), System.MathF.Max(a.Row1, b.Row1), System.MathF.Max(a.Row2, b.Row2), System.MathF.Max(a.Row3, b.Row3), System.MathF.Max(a.Row4, b.Row4), System.MathF.Max(a.Row5, b.Row5), System.MathF.Max(a.Row6, b.Row6), System.MathF.Max(a.Row7, b.Row7));

        /// <summary>The row-wise sum.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static RowValues8 Add(RowValues8 a, RowValues8 b) =>
            new(a.Row0 + b.Row0, a.Row1 + b.Row1, a.Row2 + b.Row2, a.Row3 + b.Row3, a.Row4 + b.Row4, a.Row5 + b.Row5, a.Row6 + b.Row6, a.Row7 + b.Row7);
    }
}
