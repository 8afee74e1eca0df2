using System;
using System.ComponentModel;
using ILGPU;
using ILGPU.Runtime;

namespace StaticAttention.Internal.Gpu
{
    /// <summary>
    /// The run-time choices of a generated projection GEMM: wide tiles (128×128) when they fill the device at least once,
    /// else narrow tiles (64×64) with K split among up to enough groups to fill it four times (the splits add into an output
    /// zeroed first); and copies for views that 16-byte accesses cannot use in place.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class GemmLaunch
    {
        /// <summary>Output rows and columns of a wide tile.</summary>
        public const int WideTile = 128;

        /// <summary>Output rows and columns of a narrow tile.</summary>
        public const int NarrowTile = 64;

        /// <summary>K of one narrow k-step: every split's share of K is a multiple of it.</summary>
        public const int NarrowStep = 16;

        /// <summary>The least K a split gets: two narrow k-steps.</summary>
        public const int MinimumSplitDepth = 2 * NarrowStep;

        /// <summary>Narrow groups a split GEMM aims at per multiprocessor: enough resident warps to hide each k-step's latency.</summary>
        private const int GroupsPerMultiprocessor = 4;

        /// <summary>Whether <c>[rows, n]</c> has at least one wide tile per multiprocessor.</summary>
        public static bool Wide(int rows, int n, int multiprocessors) =>
            (long)Tiles(rows, WideTile) * Tiles(n, WideTile) >= multiprocessors;

        /// <summary>
        /// The K each narrow group sums, a multiple of <see cref="NarrowStep"/>: all of <paramref name="k"/> when the
        /// narrow tiles fill the device four times, else a share so that the splits (grid Z: <c>ceil(k / depth)</c>) do.
        /// </summary>
        public static int SplitDepth(int rows, int n, int k, int multiprocessors)
        {
            long tiles = (long)Tiles(rows, NarrowTile) * Tiles(n, NarrowTile);
            long wanted = Math.Max(1, (GroupsPerMultiprocessor * (long)multiprocessors + tiles - 1) / Math.Max(tiles, 1));
            int splits = (int)Math.Min(wanted, Math.Max(1, k / MinimumSplitDepth));
            int depth = (k + splits - 1) / splits;
            return (depth + NarrowStep - 1) / NarrowStep * NarrowStep;
        }

        /// <summary>Tiles of <paramref name="tile"/> along an extent of <paramref name="length"/>.</summary>
        public static int Tiles(int length, int tile) => (length + tile - 1) / tile;

        /// <summary>Whether a float view starts on a 16-byte boundary of its buffer (its buffer's start is aligned).</summary>
        public static bool IsVectorAligned(ArrayView<float> view) => (ByteOffset(view) & 15) == 0;

        // Through the interface, generically: no boxing.
        private static long ByteOffset<TView>(TView view) where TView : IContiguousArrayView => view.IndexInBytes;

        /// <summary><paramref name="view"/> itself when it is 16-byte aligned, else a copy of it in a scratch slot.</summary>
        public static ArrayView<float> Aligned(ArrayView<float> view, DeviceScratch scratch, int slot)
        {
            if (IsVectorAligned(view)) return view;
            ArrayView<float> copy = scratch.Floats(slot, view.Length);
            view.CopyTo(copy);
            return copy;
        }

        /// <summary>Where a GEMM writes <paramref name="output"/>: itself when it is 16-byte aligned, else a scratch slot (see <see cref="CopyBack"/>).</summary>
        public static ArrayView<float> AlignedTarget(ArrayView<float> output, DeviceScratch scratch, int slot) =>
            IsVectorAligned(output) ? output : scratch.Floats(slot, output.Length);

        /// <summary>Copies what was written into <see cref="AlignedTarget"/>'s scratch to <paramref name="output"/>; nothing when it was written in place.</summary>
        public static void CopyBack(ArrayView<float> written, ArrayView<float> output)
        {
            if (!IsVectorAligned(output)) written.CopyTo(output);
        }
    }
}
