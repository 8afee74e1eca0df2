using System;

namespace StaticAttention.Generator.Model
{
    /// <summary>
    /// The tile sizes of a layer's ILGPU kernels, derived from its <see cref="LayerModel"/> alone (so it caches with it):
    /// which attention kernel runs, how a group splits its query rows among warps, and the shared memory each needs.
    /// </summary>
    /// <param name="Supported">Whether the kernels fit ILGPU's 48 KB of shared memory per group (head widths up to 128 do).</param>
    /// <param name="Small">Whether the small-sequence kernel runs: queries and keys both ≤ 32, one warp per (batch, head).</param>
    /// <param name="Warps">Flash kernel: warps per group.</param>
    /// <param name="RowsPerWarp">Flash kernel: query rows each warp owns.</param>
    /// <param name="ColumnsPerLane">Output columns per lane: <c>ceil(HeadDim / 32)</c>.</param>
    /// <param name="SharedFloats">Shared memory of the attention kernel, in floats.</param>
    internal sealed record GpuPlan(bool Supported, bool Small, int Warps, int RowsPerWarp, int ColumnsPerLane, int SharedFloats)
    {
        /// <summary>Threads per warp on NVIDIA hardware (and ILGPU's CPU accelerator with its NVIDIA preset).</summary>
        public const int WarpSize = 32;

        /// <summary>Keys per tile of the flash kernel: one per lane.</summary>
        public const int KeyTile = WarpSize;

        /// <summary>ILGPU's shared memory per group, in floats (48 KB).</summary>
        public const int SharedFloatLimit = 48 * 1024 / 4;

        /// <summary>Output tile of the projection GEMM: 32×32, computed by 64 threads with 4×4 register tiles each.</summary>
        public const int GemmTile = 32;

        /// <summary>Threads of a projection GEMM group.</summary>
        public const int GemmThreads = 64;

        /// <summary>Flash kernel: query rows per group.</summary>
        public int QueryTile => Warps * RowsPerWarp;

        /// <summary>Row stride of a value tile in shared memory: whole lanes' worth of columns, <c>32·ColumnsPerLane</c>.</summary>
        public int ValueStride => ColumnsPerLane * WarpSize;

        public static GpuPlan For(LayerModel l)
        {
            int d = l.HeadDim;
            int columnsPerLane = (d + WarpSize - 1) / WarpSize;
            int valueStride = columnsPerLane * WarpSize;

            // Small kernel: the whole (batch, head) in shared memory: q [Nq, D], k [Nk, D+1], v [Nk, 32·U], one row of p.
            int smallFloats = l.QueryTokens * d + l.KeyTokens * (d + 1) + l.KeyTokens * valueStride + WarpSize;
            if (l.QueryTokens <= WarpSize && l.KeyTokens <= WarpSize && smallFloats <= SharedFloatLimit)
                return new GpuPlan(true, true, 1, l.QueryTokens, columnsPerLane, smallFloats);

            // Flash kernel: up to four warps of eight rows (four above a head width of 64); the query tile, a key tile
            // [32, D+1], a value tile [32, 32·U] and p of every row against the key tile.
            int rowsPerWarp = Math.Min(d <= 64 ? 8 : 4, l.QueryTokens);
            int warps = Math.Min(4, (l.QueryTokens + rowsPerWarp - 1) / rowsPerWarp);
            int flashFloats = warps * rowsPerWarp * (d + WarpSize) + KeyTile * (d + 1) + KeyTile * valueStride;
            return new GpuPlan(flashFloats <= SharedFloatLimit, false, warps, rowsPerWarp, columnsPerLane, flashFloats);
        }
    }
}
