using System;

namespace StaticAttention.Generator.Model
{
    /// <summary>
    /// The tile sizes of a layer's ILGPU kernels, derived from its <see cref="LayerModel"/> alone (so it caches with it):
    /// which attention kernel runs, how its threads split the work, and the shared memory it needs.
    /// </summary>
    /// <param name="Supported">Whether the layer gets GPU members: the small kernel always fits, the flash kernel up to a head width of 128.</param>
    /// <param name="Small">Whether the small-sequence kernel runs: queries and keys both ≤ 32, one warp per (batch, head), no shared memory.</param>
    /// <param name="QueryTile">Flash kernel: query rows per group (64, or 32 above a head width of 64).</param>
    /// <param name="KeyTile">Flash kernel: keys per tile (32, or 16 above a head width of 64).</param>
    /// <param name="RowsPerThread">Flash kernel: query rows each thread scores and accumulates (<see cref="QueryTile"/> / 16).</param>
    /// <param name="KeysPerThread">Flash kernel: keys of a tile each thread scores (<see cref="KeyTile"/> / 8).</param>
    /// <param name="ColumnChunks">Flash kernel: four-column chunks of the output each thread owns, <c>ceil(HeadDim / 32)</c>.</param>
    /// <param name="LanesPerRow">Small kernel: lanes that share one query row, each summing every <c>LanesPerRow</c>-th column.</param>
    /// <param name="SharedFloats">Shared memory of the attention kernel, in floats.</param>
    internal sealed record GpuPlan(bool Supported, bool Small, int QueryTile, int KeyTile, int RowsPerThread, int KeysPerThread, int ColumnChunks,
        int LanesPerRow, int SharedFloats)
    {
        /// <summary>Threads per warp on NVIDIA hardware (and ILGPU's CPU accelerator with its NVIDIA preset).</summary>
        public const int WarpSize = 32;

        /// <summary>Threads of an attention group: four warps.</summary>
        public const int Threads = 128;

        /// <summary>Flash kernel: threads that share a query row, each scoring every eighth key of the tile.</summary>
        public const int KeyThreads = 8;

        /// <summary>Flash kernel: threads along the query rows, each owning every sixteenth row of the tile.</summary>
        public const int RowThreads = Threads / KeyThreads;

        /// <summary>ILGPU's shared memory per group, in floats (48 KB).</summary>
        public const int SharedFloatLimit = 48 * 1024 / 4;

        /// <summary>Threads of a projection GEMM group: 16×16, whatever the tiling.</summary>
        public const int GemmThreads = 256;

        /// <summary>
        /// The projection GEMM for many rows: 128×128 output tiles, 8×8 outputs per thread, k-steps of 16 (the runtime's
        /// <c>GemmLaunch.WideTile</c>).
        /// </summary>
        public static readonly GemmTiling WideGemm = new("", 128, 8, 16, false) { Unrolled = true };

        /// <summary>
        /// The projection GEMM for few rows: 64×64 output tiles, 4×4 outputs per thread, k-steps of 16, K split over grid
        /// Z (the runtime's <c>GemmLaunch.NarrowTile</c> and <c>NarrowStep</c>).
        /// </summary>
        public static readonly GemmTiling NarrowGemm = new("Narrow", 64, 4, 16, true);

        /// <summary>A tiling of the projection GEMM; each thread loads <see cref="Pieces"/> four-float pieces of each operand per k-step.</summary>
        /// <param name="Suffix">Appended to the kernel's name.</param>
        /// <param name="Tile">Output rows and columns per group.</param>
        /// <param name="PerThread">Output rows and columns per thread (a multiple of 4).</param>
        /// <param name="Step">K per shared tile.</param>
        /// <param name="Split">Whether grid Z splits K (the splits add into the output).</param>
        internal sealed record GemmTiling(string Suffix, int Tile, int PerThread, int Step, bool Split)
        {
            /// <summary>Floats per k-row of the transposed input tile: the tile's rows and 4 of padding against bank conflicts.</summary>
            public int TransposedStride => Tile + 4;

            /// <summary>Whether the k-step's products are written out per k (constant shared offsets, no loop), not a loop over k.</summary>
            public bool Unrolled { get; init; }

            /// <summary>Four-float pieces of each operand a thread loads per k-step.</summary>
            public int Pieces => Tile * Step / 4 / GemmThreads;

            /// <summary>Input rows between a thread's pieces of the input tile.</summary>
            public int InputRowsPerPiece => GemmThreads / (Step / 4);

            /// <summary>K-rows between a thread's pieces of the weight tile.</summary>
            public int WeightRowsPerPiece => GemmThreads / (Tile / 4);
        }

        /// <summary>Flash kernel: the head width rounded up to whole four-float chunks (the padding columns staged as zeros).</summary>
        public int PaddedHeadDim { get; private init; }

        /// <summary>Flash kernel: row stride of the query and key tiles in shared memory, an odd number of four-float chunks so the eight key threads' rows fall in distinct banks.</summary>
        public int RowStride { get; private init; }

        /// <summary>Flash kernel: row stride of the value tile, the output columns of all eight key threads: <c>32·ColumnChunks</c>.</summary>
        public int ValueStride => ColumnChunks * 4 * KeyThreads;

        /// <summary>Flash kernel: row stride of the probabilities <c>p[key, row]</c> in shared memory, padded against bank conflicts on writes.</summary>
        public int PStride => QueryTile + 4;

        /// <summary>
        /// Why the layer gets no GPU members when that is not its shared memory: rotary needs projected, self-attention q
        /// and k to rotate in place (other rotary layers are diagnostics, so this only guards the emitter).
        /// </summary>
        public string? Unsupported { get; private init; }

        public static GpuPlan For(LayerModel l)
        {
            int d = l.HeadDim;
            if (l.Decoder.HasRotary && (l.Projections == Projections.None || !l.SelfAttention))
                return new GpuPlan(false, false, 0, 0, 0, 0, 0, 0, 0) { Unsupported = "rotary embedding needs projected self-attention q and k" };

            // Small kernel: each warp holds one (batch, head) in registers, its query rows side by side (padded to a power of
            // two) and each row's head width split over the lanes that remain.
            if (l.QueryTokens <= WarpSize && l.KeyTokens <= WarpSize)
            {
                int rows = 1;
                while (rows < l.QueryTokens) rows *= 2;
                return new GpuPlan(true, true, 0, 0, 0, 0, 0, WarpSize / rows, 0);
            }

            // Flash kernel: 64 query rows × 32 keys per step (32 × 16 above a head width of 64); q, the key tile, the value
            // tile and p of the tile's rows in shared memory.
            bool wide = d > 64;
            return Flash(d, wide ? 32 : 64, wide ? 16 : 32);
        }

        /// <summary>
        /// The flash kernel for few groups (<c>GpuAttentionNarrow</c>): query tiles of 32 rows (two per thread), so twice
        /// the groups each do half the work; chosen per call when the full tiles would not give every multiprocessor a
        /// group. Null when the layer's tiles have 32 rows already (or it runs the small kernel).
        /// </summary>
        public GpuPlan? Narrow => Supported && !Small && QueryTile > 32 ? Flash(PaddedHeadDim, 32, KeyTile) : null;

        private static GpuPlan Flash(int d, int queryTile, int keyTile)
        {
            int padded = (d + 3) / 4 * 4;
            int rowStride = padded / 4 % 2 == 0 ? padded + 4 : padded;
            int chunks = (d + 31) / 32;
            var plan = new GpuPlan(d <= 128, false, queryTile, keyTile, queryTile / RowThreads, keyTile / KeyThreads, chunks, 0, 0)
            {
                PaddedHeadDim = padded,
                RowStride = rowStride,
            };
            int shared = queryTile * rowStride + keyTile * rowStride + keyTile * plan.ValueStride + keyTile * plan.PStride;
            return plan with { SharedFloats = shared, Supported = d <= 128 && shared <= SharedFloatLimit };
        }
    }
}
