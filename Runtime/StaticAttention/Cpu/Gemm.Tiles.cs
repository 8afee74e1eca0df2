using System;

namespace StaticAttention.Internal.Cpu
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
    /// core's FMA peak with their operands in L1; the defaults are chosen for the whole GEMM.
    /// </summary>
    internal enum GemmTile
    {
        /// <summary>Vector512 alternative: 16 of the 32 zmm registers accumulate; MR = 8 divides the common row counts (16, 1568, 512).</summary>
        V512x8x32,

        /// <summary>
        /// Vector512 default, 24 accumulators: each panel load serves 12 rows instead of 8 (a third less panel traffic from
        /// L2), for more padding rows on small inputs and three row pointers reloaded from the stack; faster than 8×32 on
        /// the benchmark projections.
        /// </summary>
        V512x12x32,

        /// <summary>Vector256 default (BLIS Haswell shape): 12 accumulators + 2 panel vectors + 1 broadcast in 16 ymm registers.</summary>
        V256x6x16,

        /// <summary>Vector256 alternative: 12 accumulators, 3 panel loads and 4 broadcasts per k step.</summary>
        V256x4x24,
    }

    /// <summary>Facts about the tiles, and the default choice per width.</summary>
    internal static class GemmTiles
    {
        /// <summary>The deepest k-block: a row group of 12 rows (12·512 floats, 24 KB) stays in a 32 KB L1 beside the panel stream.</summary>
        public const int MaxBlockDepth = KernelLimits.GemmMaxBlockDepth;

        /// <summary>
        /// Input features per k-block for <paramref name="inFeatures"/> of them: all of them up to <see cref="MaxBlockDepth"/>,
        /// beyond that equal blocks of at most that many (768: two of 384), so that few partial sums go back to memory and
        /// no k-block is short. The source generator computes the same for the <c>IGemmShape</c> it writes.
        /// </summary>
        public static int BlockDepthFor(int inFeatures)
        {
            int blocks = (inFeatures + MaxBlockDepth - 1) / MaxBlockDepth;
            return (inFeatures + blocks - 1) / blocks;
        }

        /// <summary>The tile used for <paramref name="width"/>.</summary>
        public static GemmTile For(VectorWidth width) => width == VectorWidth.Vector512 ? GemmTile.V512x12x32 : GemmTile.V256x6x16;

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
