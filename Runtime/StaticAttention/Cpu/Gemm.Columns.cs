using System;

namespace StaticAttention.Cpu
{
    /// <summary>A block of a projection's columns on the calling thread: one head's q, k and v inside an attention job.</summary>
    public static unsafe partial class Gemm
    {
        /// <summary>
        /// Output columns [<paramref name="firstColumn"/>, <paramref name="firstColumn"/> + <paramref name="columns"/>) of
        /// <c>input · Wᵀ + bias</c> for <paramref name="rows"/> contiguous rows of <c>TShape.Inner</c> floats, written from
        /// <paramref name="output"/> on with row stride <paramref name="outputStride"/>, on the calling thread. Each element
        /// is computed as in <see cref="Forward{TShape}"/> (same kernel, same k-blocks in the same order), so the bits are the
        /// same. The caller has checked the shape against <paramref name="weights"/> and that the columns are whole panels
        /// (<see cref="ColumnsArePanels"/>).
        /// </summary>
        internal static void ForwardColumns<TShape>(float* input, int rows, PackedMatrix weights, int firstColumn, int columns, float* output, nint outputStride)
            where TShape : struct, IGemmShape
        {
            switch (weights.Tile)
            {
                case GemmTile.V512x8x32: RunColumns<Kernel512x8x32, TShape>(input, rows, weights, firstColumn, columns, output, outputStride); break;
                case GemmTile.V512x12x32: RunColumns<Kernel512x12x32, TShape>(input, rows, weights, firstColumn, columns, output, outputStride); break;
                case GemmTile.V256x6x16: RunColumns<Kernel256x6x16, TShape>(input, rows, weights, firstColumn, columns, output, outputStride); break;
                default: RunColumns<Kernel256x4x24, AnyShape>(input, rows, weights, firstColumn, columns, output, outputStride); break;
            }

            GC.KeepAlive(weights);
        }

        /// <summary>Whether every block of <paramref name="width"/> columns starting at a multiple of it is whole panels of <paramref name="weights"/>' tile.</summary>
        internal static bool ColumnsArePanels(PackedMatrix weights, int width) => width % weights.Tile.NR() == 0;

        private static void RunColumns<TKernel, TShape>(float* x, int rows, PackedMatrix w, int firstColumn, int columns, float* y, nint outputStride)
            where TKernel : struct, IMicroKernel
            where TShape : struct, IGemmShape
        {
            int groups = (rows + TKernel.MR - 1) / TKernel.MR;
            int firstPanel = firstColumn / TKernel.NR;
            int panels = columns / TKernel.NR;
            var job = new Job<TKernel, TShape>
            {
                Input = x, InputStride = w.InFeatures, Rows = rows, Output = y, OutputStride = outputStride,
                Packed = w.Data, Bias = w.Bias, InFeatures = w.InFeatures, OutFeatures = w.OutFeatures, PaddedOut = w.PaddedOut,
                BlockDepth = w.BlockDepth, KBlocks = w.KBlocks, Groups = groups,
                Panels = firstPanel + panels, GroupsPerBlock = groups, PanelsPerGroup = panels, ColumnGroups = 1, FirstPanel = firstPanel,
            };
            job.Execute(0);
        }
    }
}
