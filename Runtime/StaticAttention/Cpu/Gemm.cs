using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using StaticAttention.Internal.Threading;

namespace StaticAttention.Internal.Cpu
{
    /// <summary>
    /// A packed, register-blocked single-precision GEMM for <c>nn.Linear</c> projections:
    /// <c>output = input · Wᵀ + bias</c> with W prepacked in a <see cref="PackedMatrix"/>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Loops, outermost first (Goto/BLIS style): tasks of (row block × panel group); k-blocks of
    /// <see cref="PackedMatrix.BlockDepth"/> input features; groups of MR input rows; NR-wide weight panels. The microkernel
    /// keeps an MR×NR tile of the output in registers for one k-block, broadcasting input values straight from the rows
    /// (they stay in L1 across the panels, so packing them would only add a copy) and loading one panel row per k step. The first
    /// k-block starts from the bias, later ones from the partial sums stored in the output. Partial tiles run in full on
    /// zero-padded copies and keep only their valid part.
    /// </para>
    /// <para>
    /// Every output element is <c>bias</c> plus the products in increasing k, one fused multiply-add each, whatever the tile
    /// or task it falls in, so results are bitwise the same for any number of threads.
    /// </para>
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static unsafe partial class Gemm
    {
        /// <summary>Most input rows one task computes.</summary>
        private const int MaxBlockRows = 96;

        /// <summary>Most output features one task covers: its B block, KC × this, stays in L2.</summary>
        private const int MaxGroupColumns = 256;

        /// <summary>With several threads, aim for at least this many tasks per thread, for balance.</summary>
        private const int TasksPerThread = 8;

        /// <summary>Least work worth a thread: about 20 µs.</summary>
        private const double MinFlopsPerThread = 2e6;

        /// <summary>This thread's copy of a partial row group (pinned; allocated once, grown only for a deeper k-block).</summary>
        [ThreadStatic]
        private static float[]? t_edgeBuffer;

        /// <summary>
        /// Computes <c>output[r·outputStride + o] = bias[o] + Σ_i input[r·inputStride + i] · W[o, i]</c> for
        /// r &lt; <paramref name="rows"/>, o &lt; <see cref="PackedMatrix.OutFeatures"/> (i &lt; <see cref="PackedMatrix.InFeatures"/>).
        /// Elements of <paramref name="output"/> between rows (beyond <see cref="PackedMatrix.OutFeatures"/> within a stride)
        /// are left as they were. <paramref name="input"/> and <paramref name="output"/> must not overlap.
        /// </summary>
        /// <param name="input">Row-major input rows; row r starts at <c>r·inputStride</c>.</param>
        /// <param name="rows">Number of rows (0 does nothing).</param>
        /// <param name="inputStride">Distance between input rows, at least <see cref="PackedMatrix.InFeatures"/>.</param>
        /// <param name="weights">The packed weight and bias.</param>
        /// <param name="output">Row-major output rows; row r starts at <c>r·outputStride</c>.</param>
        /// <param name="outputStride">Distance between output rows, at least <see cref="PackedMatrix.OutFeatures"/>.</param>
        /// <param name="pool">Threads to split the work over; null runs on the caller.</param>
        /// <param name="maxDegreeOfParallelism">Most threads to use (caller included); 1 runs on the caller.</param>
        /// <exception cref="ArgumentException">A stride is too small, a span too short, or <paramref name="rows"/> or
        /// <paramref name="maxDegreeOfParallelism"/> out of range.</exception>
        public static void Forward(
            ReadOnlySpan<float> input, int rows, int inputStride, PackedMatrix weights,
            Span<float> output, int outputStride, WorkerPool? pool = null, int maxDegreeOfParallelism = 1)
        {
            ArgumentNullException.ThrowIfNull(weights);
            Validate(input.Length, rows, inputStride, weights, output.Length, outputStride, maxDegreeOfParallelism);
            if (rows == 0) return;

            int degree = Degree(rows, weights, pool, maxDegreeOfParallelism);
            fixed (float* x = input)
            fixed (float* y = output)
            {
                if (rows <= SmallRowsMax)
                {
                    RunSmallRows(x, rows, inputStride, weights, y, outputStride, pool, degree);
                    GC.KeepAlive(weights);
                    return;
                }

                switch (weights.Tile)
                {
                    case GemmTile.V512x8x32: Run<Kernel512x8x32, AnyShape>(x, rows, inputStride, weights, y, outputStride, pool, degree); break;
                    case GemmTile.V512x12x32: Run<Kernel512x12x32, AnyShape>(x, rows, inputStride, weights, y, outputStride, pool, degree); break;
                    case GemmTile.V256x6x16: Run<Kernel256x6x16, AnyShape>(x, rows, inputStride, weights, y, outputStride, pool, degree); break;
                    default: Run<Kernel256x4x24, AnyShape>(x, rows, inputStride, weights, y, outputStride, pool, degree); break;
                }
            }

            GC.KeepAlive(weights);
        }

        /// <summary>
        /// <see cref="Forward(ReadOnlySpan{float}, int, int, PackedMatrix, Span{float}, int, WorkerPool?, int)"/> for a
        /// static shape: contiguous rows (<c>inputStride = TShape.Inner</c>, <c>outputStride = TShape.Width</c>), and the
        /// panel and k-block counts taken from <typeparamref name="TShape"/>, so that the JIT compiles the loops for that
        /// shape with constant bounds and without the edge branches it does not have. Same results, bit for bit.
        /// </summary>
        /// <typeparam name="TShape">The projection's shape, as the source generator writes it.</typeparam>
        /// <param name="input">Row-major input <c>[rows, TShape.Inner]</c> (or longer).</param>
        /// <param name="rows">Number of rows (0 does nothing).</param>
        /// <param name="weights">The packed weight and bias; its sizes must be the shape's.</param>
        /// <param name="output">Row-major output <c>[rows, TShape.Width]</c> (or longer).</param>
        /// <param name="pool">Threads to split the work over; null runs on the caller.</param>
        /// <param name="maxDegreeOfParallelism">Most threads to use (caller included); 1 runs on the caller.</param>
        /// <exception cref="ArgumentException"><paramref name="weights"/> was packed for other sizes (or another k-block depth)
        /// than <typeparamref name="TShape"/>, the shape's counts contradict its sizes, a span is too short, or
        /// <paramref name="rows"/> or <paramref name="maxDegreeOfParallelism"/> is out of range.</exception>
        public static void Forward<TShape>(
            ReadOnlySpan<float> input, int rows, PackedMatrix weights, Span<float> output, WorkerPool? pool = null, int maxDegreeOfParallelism = 1)
            where TShape : struct, IGemmShape
        {
            ArgumentNullException.ThrowIfNull(weights);
            Validate<TShape>(input.Length, rows, weights, output.Length, maxDegreeOfParallelism);
            if (rows == 0) return;

            int degree = Degree(rows, weights, pool, maxDegreeOfParallelism);
            fixed (float* x = input)
            fixed (float* y = output)
            {
                if (rows <= SmallRowsMax)
                {
                    RunSmallRows(x, rows, TShape.Inner, weights, y, TShape.Width, pool, degree);
                    GC.KeepAlive(weights);
                    return;
                }

                switch (weights.Tile)
                {
                    case GemmTile.V512x8x32: Run<Kernel512x8x32, TShape>(x, rows, TShape.Inner, weights, y, TShape.Width, pool, degree); break;
                    case GemmTile.V512x12x32: Run<Kernel512x12x32, TShape>(x, rows, TShape.Inner, weights, y, TShape.Width, pool, degree); break;
                    case GemmTile.V256x6x16: Run<Kernel256x6x16, TShape>(x, rows, TShape.Inner, weights, y, TShape.Width, pool, degree); break;

                    // A tile of 24 (tests and tuning only): the shape's counts are for panels of 32 and 16.
                    default: Run<Kernel256x4x24, AnyShape>(x, rows, TShape.Inner, weights, y, TShape.Width, pool, degree); break;
                }
            }

            GC.KeepAlive(weights);
        }

        /// <summary>The checks of <see cref="Forward{TShape}"/>: the shape against the weights, then the sizes and spans.</summary>
        internal static void Validate<TShape>(int inputLength, int rows, PackedMatrix weights, int outputLength, int maxDegreeOfParallelism)
            where TShape : struct, IGemmShape
        {
            CheckShape<TShape>(weights);
            Validate(inputLength, rows, TShape.Inner, weights, outputLength, TShape.Width, maxDegreeOfParallelism);
        }

        /// <summary>Throws unless <paramref name="weights"/> and the counts of <typeparamref name="TShape"/> fit its sizes.</summary>
        private static void CheckShape<TShape>(PackedMatrix weights)
            where TShape : struct, IGemmShape
        {
            if (weights.InFeatures != TShape.Inner || weights.OutFeatures != TShape.Width || weights.BlockDepth != TShape.BlockDepth)
            {
                throw new ArgumentException(
                    $"weights is packed as [OutFeatures {weights.OutFeatures}, InFeatures {weights.InFeatures}] in k-blocks of {weights.BlockDepth}, " +
                    $"but the shape {typeof(TShape).Name} is [Width {TShape.Width}, Inner {TShape.Inner}] in k-blocks of {TShape.BlockDepth}.",
                    nameof(weights));
            }

            int kc = TShape.BlockDepth;
            if (kc != GemmTiles.BlockDepthFor(TShape.Inner)
                || TShape.Panels32 * 32 + TShape.Remainder32 != TShape.Width || (uint)TShape.Remainder32 >= 32
                || TShape.Panels16 * 16 + TShape.Remainder16 != TShape.Width || (uint)TShape.Remainder16 >= 16
                || TShape.DepthBlocks < 1 || TShape.LastDepth < 1 || TShape.LastDepth > kc || (TShape.DepthBlocks - 1) * kc + TShape.LastDepth != TShape.Inner)
            {
                throw new ArgumentException(
                    $"The shape {typeof(TShape).Name} contradicts itself: Width {TShape.Width} = {TShape.Panels32}·32 + {TShape.Remainder32} = " +
                    $"{TShape.Panels16}·16 + {TShape.Remainder16}, Inner {TShape.Inner} = ({TShape.DepthBlocks} - 1)·{kc} + {TShape.LastDepth} with " +
                    $"BlockDepth {kc} = {GemmTiles.BlockDepthFor(TShape.Inner)} (at most {GemmTiles.MaxBlockDepth}) must hold.",
                    nameof(TShape));
            }
        }

        /// <summary>Threads for a call: waking a worker costs microseconds, so each gets at least MinFlopsPerThread of work.</summary>
        private static int Degree(int rows, PackedMatrix weights, WorkerPool? pool, int maxDegreeOfParallelism)
        {
            double flops = 2.0 * rows * weights.InFeatures * weights.OutFeatures;
            return pool is null ? 1 : (int)Math.Min(Math.Min(maxDegreeOfParallelism, pool.MaxDegreeOfParallelism), Math.Max(1, flops / MinFlopsPerThread));
        }

        private static void Validate(int inputLength, int rows, int inputStride, PackedMatrix weights, int outputLength, int outputStride, int maxDegreeOfParallelism)
        {
            if (rows < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), rows, "rows must not be negative.");
            }

            if (inputStride < weights.InFeatures)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(inputStride), inputStride, $"inputStride must be at least InFeatures {weights.InFeatures}, but is {inputStride}.");
            }

            if (outputStride < weights.OutFeatures)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(outputStride), outputStride, $"outputStride must be at least OutFeatures {weights.OutFeatures}, but is {outputStride}.");
            }

            if (maxDegreeOfParallelism < 1)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "maxDegreeOfParallelism must be at least 1.");
            }

            if (rows == 0) return;
            long inputNeeded = (long)(rows - 1) * inputStride + weights.InFeatures;
            if (inputLength < inputNeeded)
            {
                throw new ArgumentException(
                    $"input must have at least {inputNeeded} elements ((rows {rows} - 1) · inputStride {inputStride} + InFeatures {weights.InFeatures}), but has {inputLength}.",
                    "input");
            }

            long outputNeeded = (long)(rows - 1) * outputStride + weights.OutFeatures;
            if (outputLength < outputNeeded)
            {
                throw new ArgumentException(
                    $"output must have at least {outputNeeded} elements ((rows {rows} - 1) · outputStride {outputStride} + OutFeatures {weights.OutFeatures}), but has {outputLength}.",
                    "output");
            }
        }

        private static void Run<TKernel, TShape>(float* x, int rows, int inputStride, PackedMatrix w, float* y, int outputStride, WorkerPool? pool, int degree)
            where TKernel : struct, IMicroKernel
            where TShape : struct, IGemmShape
        {
            int groups = (rows + TKernel.MR - 1) / TKernel.MR;
            int panels = w.Panels;
            int groupsPerBlock = Math.Max(1, MaxBlockRows / TKernel.MR);
            int panelsPerGroup = Math.Max(1, MaxGroupColumns / TKernel.NR);
            int rowBlocks = Ceiling(groups, groupsPerBlock);
            int columnGroups = Ceiling(panels, panelsPerGroup);

            // Several threads: cut finer until each has a few tasks, panel groups first (a task re-reads its input rows
            // cheaply from cache; a smaller row block means its weight block is fetched from L3 more often).
            if (degree > 1)
            {
                while ((long)rowBlocks * columnGroups < (long)TasksPerThread * degree && (panelsPerGroup > 1 || groupsPerBlock > 1))
                {
                    if (panelsPerGroup > 1 && (panelsPerGroup * TKernel.NR >= groupsPerBlock * TKernel.MR || groupsPerBlock == 1))
                    {
                        panelsPerGroup = Ceiling(panelsPerGroup, 2);
                    }
                    else
                    {
                        groupsPerBlock = Ceiling(groupsPerBlock, 2);
                    }

                    rowBlocks = Ceiling(groups, groupsPerBlock);
                    columnGroups = Ceiling(panels, panelsPerGroup);
                }
            }

            // Even out the blocks (which may leave fewer of them).
            groupsPerBlock = Ceiling(groups, rowBlocks);
            panelsPerGroup = Ceiling(panels, columnGroups);
            rowBlocks = Ceiling(groups, groupsPerBlock);
            columnGroups = Ceiling(panels, panelsPerGroup);

            var job = new Job<TKernel, TShape>
            {
                Input = x,
                InputStride = inputStride,
                Rows = rows,
                Output = y,
                OutputStride = outputStride,
                Packed = w.Data,
                Bias = w.Bias,
                InFeatures = w.InFeatures,
                OutFeatures = w.OutFeatures,
                PaddedOut = w.PaddedOut,
                BlockDepth = w.BlockDepth,
                KBlocks = w.KBlocks,
                Groups = groups,
                Panels = panels,
                GroupsPerBlock = groupsPerBlock,
                PanelsPerGroup = panelsPerGroup,
                ColumnGroups = columnGroups,
            };

            int tasks = rowBlocks * columnGroups;
            pool.RunOrInline(ref job, tasks, degree);
        }

        private static int Ceiling(int a, int b) => (a + b - 1) / b;

        /// <summary>
        /// One (row block × panel group) of the output, computed over all k-blocks. With a static <typeparamref name="TShape"/>
        /// the k-block count, the depth of each k-block and the panels with fewer valid columns are constants; with
        /// <see cref="AnyShape"/> they come from the fields.
        /// </summary>
        private struct Job<TKernel, TShape> : IParallelJob
            where TKernel : struct, IMicroKernel
            where TShape : struct, IGemmShape
        {
            public float* Input;
            public nint InputStride;
            public int Rows;
            public float* Output;
            public nint OutputStride;
            public float* Packed;
            public float* Bias;
            public int InFeatures;
            public int OutFeatures;
            public int PaddedOut;
            public int BlockDepth;
            public int KBlocks;
            public int Groups;
            public int Panels;
            public int GroupsPerBlock;
            public int PanelsPerGroup;
            public int ColumnGroups;

            /// <summary>The panel whose columns land at <see cref="Output"/> (0, except for <see cref="ForwardColumns{TShape}"/>).</summary>
            public int FirstPanel;

            /// <summary>
            /// For <see cref="ForwardColumns{TShape}"/>'s three column ranges (0 otherwise): panel p of the output reads weight
            /// panel p + (p ≥ SkipFrom1 ? Skip1 : 0) + (p ≥ SkipFrom2 ? Skip2 : 0).
            /// </summary>
            public int SkipFrom1, Skip1, SkipFrom2, Skip2;

            // Compiled fully optimised on first use: a kernel must not run its first second of calls as tier-0 code.
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public readonly void Execute(int index)
            {
                int mr = TKernel.MR, nr = TKernel.NR;

                // A static shape makes these constants (AnyShape: from the fields): the k-blocks, the full-depth block, the
                // panels holding all NR columns and the columns of the last one (0: every panel is full).
                bool known = TShape.Inner > 0;
                int kBlocks = known ? TShape.DepthBlocks : KBlocks;
                int blockDepth = known ? TShape.BlockDepth : BlockDepth;
                int fullPanels = known ? (nr == 32 ? TShape.Panels32 : TShape.Panels16) : OutFeatures / nr;
                int lastColumns = known ? (nr == 32 ? TShape.Remainder32 : TShape.Remainder16) : OutFeatures % nr;
                nint inputStride = known ? TShape.Inner : InputStride;
                nint outputStride = OutputStride;

                int rowBlock = index / ColumnGroups;
                int columnGroup = index - rowBlock * ColumnGroups;
                int g0 = rowBlock * GroupsPerBlock, g1 = Math.Min(Groups, g0 + GroupsPerBlock);
                int p0 = FirstPanel + columnGroup * PanelsPerGroup, p1 = Math.Min(Panels, p0 + PanelsPerGroup);
                float* tile = stackalloc float[TKernel.MR * TKernel.NR];

                // The last, partial row group reads its rows from a zero-padded copy, so the kernel always runs MR rows.
                int edgeRows = Rows - (g1 - 1) * mr;
                float* edge = edgeRows < mr ? EdgeBuffer(mr * blockDepth) : null;

                for (int kb = 0; kb < kBlocks; kb++)
                {
                    int k0 = kb * blockDepth;
                    int kc = known ? (kb == kBlocks - 1 ? TShape.LastDepth : blockDepth) : Math.Min(blockDepth, InFeatures - k0);
                    float* bBlock = Packed + (nint)k0 * PaddedOut;

                    // Row groups outer, panels inner: the group's input rows (MR × kc floats) stay in L1 while the
                    // task's B block (kc × its panels) streams from L2.
                    for (int g = g0; g < g1; g++)
                    {
                        int r = g * mr;
                        int validRows = Math.Min(mr, Rows - r);
                        float* aRows = Input + r * inputStride + k0;
                        nint lda = inputStride;
                        if (validRows < mr)
                        {
                            for (int i = 0; i < validRows; i++)
                            {
                                new ReadOnlySpan<float>(aRows + i * lda, kc).CopyTo(new Span<float>(edge + i * blockDepth, kc));
                            }

                            aRows = edge;
                            lda = blockDepth;
                        }

                        float* cRow = Output + r * outputStride;
                        for (int p = p0; p < p1; p++)
                        {
                            float* c = cRow + (p - FirstPanel) * nr;
                            int wp = p + (p >= SkipFrom1 ? Skip1 : 0) + (p >= SkipFrom2 ? Skip2 : 0); // p itself, but in ForwardColumns
                            float* bPanel = bBlock + (nint)wp * kc * nr;
                            bool fullColumns = lastColumns == 0 || wp < fullPanels;
                            if (validRows == mr && fullColumns)
                            {
                                if (kb == 0) TKernel.Run(aRows, lda, bPanel, kc, Bias + wp * nr, 0, c, outputStride);
                                else TKernel.Run(aRows, lda, bPanel, kc, c, outputStride, c, outputStride);
                                continue;
                            }

                            // An edge tile: compute it whole in a scratch tile (rows and B columns are zero-padded),
                            // then copy the valid part; the arithmetic per element is the same as in full tiles.
                            int validColumns = fullColumns ? nr : lastColumns;
                            float* init = Bias + wp * nr;
                            nint initStride = 0;
                            if (kb > 0)
                            {
                                CopyTile(c, outputStride, tile, nr, validRows, validColumns);
                                init = tile;
                                initStride = nr;
                            }

                            if (typeof(TKernel) == typeof(Kernel512x12x32) && validRows <= 8)
                            {
                                // At most 8 rows left under the 12-row tile: the 8-row tile over the same panels (the same
                                // operations per element) leaves 4 fewer padding rows to compute.
                                Kernel512x8x32.Run(aRows, lda, bPanel, kc, init, initStride, tile, nr);
                            }
                            else
                            {
                                TKernel.Run(aRows, lda, bPanel, kc, init, initStride, tile, nr);
                            }

                            CopyTile(tile, nr, c, outputStride, validRows, validColumns);
                        }
                    }
                }
            }
        }

        /// <summary>The shape of a call without a static one: <see cref="Job{TKernel, TShape}"/> reads every size from its fields.</summary>
        private readonly struct AnyShape : IGemmShape
        {
            public static int Inner => 0;

            public static int Width => 0;

            public static int Panels32 => 0;

            public static int Remainder32 => 0;

            public static int Panels16 => 0;

            public static int Remainder16 => 0;

            public static int BlockDepth => 0;

            public static int DepthBlocks => 0;

            public static int LastDepth => 0;
        }

        private static void CopyTile(float* src, nint srcStride, float* dst, nint dstStride, int rows, int columns)
        {
            for (int r = 0; r < rows; r++)
            {
                new ReadOnlySpan<float>(src + r * srcStride, columns).CopyTo(new Span<float>(dst + r * dstStride, columns));
            }
        }

        /// <summary>This thread's buffer for a partial row group: <paramref name="length"/> floats, zero past what is copied in.</summary>
        private static float* EdgeBuffer(int length)
        {
            float[]? buffer = t_edgeBuffer;
            if (buffer is null || buffer.Length < length)
            {
                buffer = GC.AllocateArray<float>(Math.Max(length, 16 * GemmTiles.MaxBlockDepth), pinned: true);
                t_edgeBuffer = buffer;
            }
            else
            {
                buffer.AsSpan(0, length).Clear();
            }

            return (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        }
    }
}
