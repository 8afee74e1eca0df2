using System.Runtime.CompilerServices;

namespace StaticAttention.Gpu
{
    /// <summary>
    /// The values of up to 4 query rows that a warp of a generated flash kernel owns (row maxima, row sums), shuffled
    /// across the warp together: one <c>Warp.ShuffleXor</c> per butterfly step carries all of them (ILGPU splits a
    /// struct into 32-bit shuffles on a GPU; on its CPU accelerator it is one exchange instead of 4).
    /// </summary>
    public struct RowValues4
    {
        /// <summary>Row 0's value.</summary>
        public float Row0;

        /// <summary>Row 1's value.</summary>
        public float Row1;

        /// <summary>Row 2's value.</summary>
        public float Row2;

        /// <summary>Row 3's value.</summary>
        public float Row3;

        /// <summary>The rows' values.</summary>
        public RowValues4(float row0, float row1, float row2, float row3)
        {
            Row0 = row0;
            Row1 = row1;
            Row2 = row2;
            Row3 = row3;
        }

        /// <summary>The row-wise maximum (NaN propagates, as <see cref="System.MathF.Max(float, float)"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static RowValues4 Max(RowValues4 a, RowValues4 b) =>
            new(System.MathF.Max(a.Row0, b.Row0), System.MathF.Max(a.Row1, b.Row1), System.MathF.Max(a.Row2, b.Row2), System.MathF.Max(a.Row3, b.Row3));

        /// <summary>The row-wise sum.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static RowValues4 Add(RowValues4 a, RowValues4 b) =>
            new(a.Row0 + b.Row0, a.Row1 + b.Row1, a.Row2 + b.Row2, a.Row3 + b.Row3);
    }
}
