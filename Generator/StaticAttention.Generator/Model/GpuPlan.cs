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

        /// <summary>Threads of a projection GEMM group: 16×16, whatever the tiling.</summary>
        public const int GemmThreads = 256;

        /// <summary>
        /// The projection GEMM for many rows: 128×128 output tiles, 8×8 outputs per thread, k-steps of 8 (the runtime's
        /// <c>GemmLaunch.WideTile</c>).
        /// </summary>
        public static readonly GemmTiling WideGemm = new("", 128, 8, 8, false);

        /// <summary>
        /// The projection GEMM for few rows: 64×64 output tiles, 4×4 outputs per thread, k-steps of 16, K split over grid
        /// Z (the runtime's <c>GemmLaunch.NarrowTile</c> and <c>NarrowStep</c>).
        /// </summary>
        public static readonly GemmTiling NarrowGemm = new("Narrow", 64, 4, 16, true);

        /// <summary>A tiling of the projection GEMM; each thread loads one four-float piece of each operand per k-step.</summary>
        /// <param name="Suffix">Appended to the kernel's name.</param>
        /// <param name="Tile">Output rows and columns per group.</param>
        /// <param name="PerThread">Output rows and columns per thread (a multiple of 4).</param>
        /// <param name="Step">K per shared tile.</param>
        /// <param name="Split">Whether grid Z splits K (the splits add into the output).</param>
        internal sealed record GemmTiling(string Suffix, int Tile, int PerThread, int Step, bool Split)
        {
            /// <summary>Floats per k-row of the transposed input tile: the tile's rows and 4 of padding against bank conflicts.</summary>
            public int TransposedStride => Tile + 4;
        }

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
