using System;

namespace StaticAttention.Cpu
{
    /// <summary>A microkernel: an MR×NR register tile over MR input rows and a k-major panel of B (NR wide).</summary>
    internal unsafe interface IMicroKernel
    {
        /// <summary>Rows of the tile (input rows, broadcast one at a time).</summary>
        static abstract int MR { get; }

        /// <summary>Columns of the tile (output features, a whole number of vectors).</summary>
        static abstract int NR { get; }

        /// <summary>The vector width the kernel is written with.</summary>
        static abstract VectorWidth Width { get; }

        /// <summary>
        /// <c>c[r·ldc + j] = init[r·initStride + j] + Σ_{k &lt; kc} a[r·lda + k] · b[k·NR + j]</c> for r &lt; MR, j &lt; NR, each sum
        /// taken in increasing k with one fused multiply-add per step. <paramref name="init"/> may equal <paramref name="c"/>
        /// (accumulate) or be a bias row with stride 0.
        /// </summary>
        static abstract void Run(float* a, nint lda, float* b, nint kc, float* init, nint initStride, float* c, nint ldc);
    }

    /// <summary>
    /// The register tiles a <see cref="PackedMatrix"/> can be packed for (MR rows × NR output features). All reach the
    /// core's FMA peak with their operands in L1 (measured on Zen 4); the defaults are chosen for the whole GEMM.
    /// </summary>
    internal enum GemmTile
    {
        /// <summary>Vector512 default: 16 of the 32 zmm registers accumulate; MR = 8 divides the common row counts (16, 1568, 512).</summary>
        V512x8x32,

        /// <summary>Vector512, 24 accumulators: less panel traffic than 8×32, but more padding rows on small inputs and three row pointers spilled.</summary>
        V512x12x32,

        /// <summary>Vector256 default (BLIS Haswell shape): 12 accumulators + 2 panel vectors + 1 broadcast in 16 ymm registers.</summary>
        V256x6x16,

        /// <summary>Vector256 alternative: 12 accumulators, 3 panel loads and 4 broadcasts per k step.</summary>
        V256x4x24,
    }

    /// <summary>Facts about the tiles, and the default choice per width.</summary>
    internal static class GemmTiles
    {
        /// <summary>Input features per k-block: a row group (MR·KC) stays in L1, the B block (KC·NC) in L2.</summary>
        public const int DefaultBlockDepth = 256;

        /// <summary>The tile used for <paramref name="width"/>.</summary>
        public static GemmTile For(VectorWidth width) => width == VectorWidth.Vector512 ? GemmTile.V512x8x32 : GemmTile.V256x6x16;

        public static VectorWidth Width(this GemmTile tile) => tile switch
        {
            GemmTile.V256x6x16 or GemmTile.V256x4x24 => VectorWidth.Vector256,
            _ => VectorWidth.Vector512,
        };

        public static int NR(this GemmTile tile) => tile switch
        {
            GemmTile.V256x6x16 => 16,
            GemmTile.V256x4x24 => 24,
            _ => 32,
        };

        public static int MR(this GemmTile tile) => tile switch
        {
            GemmTile.V256x6x16 => 6,
            GemmTile.V512x8x32 => 8,
            GemmTile.V512x12x32 => 12,
            GemmTile.V256x4x24 => 4,
            _ => throw new ArgumentOutOfRangeException(nameof(tile)),
        };
    }
}
