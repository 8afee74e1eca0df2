using System;

namespace StaticAttention.Internal.Cpu
{
    /// <summary>Blocks of a projection's columns on the calling thread: one head group's q, k and v inside an attention job.</summary>
    public static unsafe partial class Gemm
    {
        /// <summary>
        /// Three ranges of output columns of <c>input · Wᵀ + bias</c>, [first_r, first_r + columns_r) for r = 0, 1, 2, side by
        /// side (range 0's columns, then range 1's, then range 2's) from <paramref name="output"/> on with row stride
        /// <paramref name="outputStride"/>, for <paramref name="rows"/> contiguous rows of <c>TShape.Inner</c> floats, on the
        /// calling thread. The ranges run in one pass, so that each row group's inputs are read once per k-block for all
        /// of them. Each element is computed as in <see cref="Forward{TShape}"/> (same kernel, same k-blocks in the same order),
        /// so the bits are the same. The caller has checked the shape against <paramref name="weights"/> and that every range
        /// is whole panels (<see cref="ColumnsArePanels"/>).
        /// </summary>
        internal static void ForwardColumns<TShape>(
            float* input, int rows, PackedMatrix weights, int first0, int columns0, int first1, int columns1, int first2, int columns2,
            float* output, nint outputStride)
            where TShape : struct, IGemmShape
        {
            var ranges = new ColumnRanges(first0, columns0, first1, columns1, first2, columns2);
            switch (weights.Tile)
            {
                case GemmTile.V512x8x32: RunColumns<Kernel512x8x32, TShape>(input, rows, weights, ranges, output, outputStride); break;
                case GemmTile.V512x12x32: RunColumns<Kernel512x12x32, TShape>(input, rows, weights, ranges, output, outputStride); break;
                case GemmTile.V256x6x16: RunColumns<Kernel256x6x16, TShape>(input, rows, weights, ranges, output, outputStride); break;
                default: RunColumns<Kernel256x4x24, AnyShape>(input, rows, weights, ranges, output, outputStride); break;
            }

            GC.KeepAlive(weights);
        }

        /// <summary>Whether every block of <paramref name="width"/> columns starting at a multiple of it is whole panels of <paramref name="weights"/>' tile.</summary>
        internal static bool ColumnsArePanels(PackedMatrix weights, int width) => width % weights.Tile.NR() == 0;

        /// <summary>The three column ranges of <see cref="ForwardColumns{TShape}"/>.</summary>
        private readonly record struct ColumnRanges(int First0, int Columns0, int First1, int Columns1, int First2, int Columns2);

        private static void RunColumns<TKernel, TShape>(float* x, int rows, PackedMatrix w, ColumnRanges ranges, float* y, nint outputStride)
            where TKernel : struct, IMicroKernel
            where TShape : struct, IGemmShape
        {
            int nr = TKernel.NR;
            int groups = (rows + TKernel.MR - 1) / TKernel.MR;

            // Output panels count from range 0's first weight panel; range 1's output panels follow range 0's, and range 2's
            // follow range 1's: at each of those two points the weight panel jumps to the range's first.
            int firstPanel = ranges.First0 / nr;
            int end0 = firstPanel + ranges.Columns0 / nr, end1 = end0 + ranges.Columns1 / nr;
            int panels = (ranges.Columns0 + ranges.Columns1 + ranges.Columns2) / nr;
            int skip1 = ranges.First1 / nr - end0;
            var job = new Job<TKernel, TShape>
            {
                Input = x, InputStride = w.InFeatures, Rows = rows, Output = y, OutputStride = outputStride,
                Packed = w.Data, Bias = w.Bias, InFeatures = w.InFeatures, OutFeatures = w.OutFeatures, PaddedOut = w.PaddedOut,
                BlockDepth = w.BlockDepth, KBlocks = w.KBlocks, Groups = groups,
                Panels = firstPanel + panels, GroupsPerBlock = groups, PanelsPerGroup = panels, ColumnGroups = 1, FirstPanel = firstPanel,
                SkipFrom1 = end0, Skip1 = skip1, SkipFrom2 = end1, Skip2 = ranges.First2 / nr - end1 - skip1,
            };
            job.Execute(0);
        }
    }
}
