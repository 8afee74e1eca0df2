using System.ComponentModel;

namespace StaticAttention.Internal.Cpu
{
    /// <summary>
    /// The static shape of one projection, <c>[rows, Inner] · [Width, Inner]ᵀ</c>, for <see cref="Gemm.Forward{TShape}"/>:
    /// the sizes and the tile counts its loops run, as constants. The source generator writes one per projection of a
    /// layer, as a <c>readonly struct</c> whose members return literals; the JIT compiles <see cref="Gemm.Forward{TShape}"/>
    /// once per such struct with those values folded in, so the loop bounds are constants and the branches for edge
    /// panels or a short last k-block are gone where the shape has none. Rows (batch·tokens) stay dynamic.
    /// </summary>
    /// <remarks>
    /// The counts must agree with the sizes: <c>Panels32·32 + Remainder32 = Width</c> with <c>Remainder32 &lt; 32</c>,
    /// likewise for 16, and <c>(DepthBlocks - 1)·BlockDepth + LastDepth = Inner</c> with <c>0 &lt; LastDepth ≤ BlockDepth</c>,
    /// where <c>BlockDepth</c> is the k-block depth of
    /// <see cref="PackedMatrix.Pack(System.ReadOnlySpan{float}, System.ReadOnlySpan{float}, int, int)"/> for <c>Inner</c>
    /// (all of <c>Inner</c> up to 512, else equal blocks of at most 512).
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public interface IGemmShape
    {
        /// <summary>K: input features, the length of an input row (and its stride).</summary>
        static abstract int Inner { get; }

        /// <summary>N: output features, the length of an output row (and its stride).</summary>
        static abstract int Width { get; }

        /// <summary>Full panels of 32 output features (the Vector512 tile): <c>Width / 32</c>.</summary>
        static abstract int Panels32 { get; }

        /// <summary>Output features in the last, partial panel of 32: <c>Width % 32</c> (0: none).</summary>
        static abstract int Remainder32 { get; }

        /// <summary>Full panels of 16 output features (the Vector256 tile): <c>Width / 16</c>.</summary>
        static abstract int Panels16 { get; }

        /// <summary>Output features in the last, partial panel of 16: <c>Width % 16</c> (0: none).</summary>
        static abstract int Remainder16 { get; }

        /// <summary>Input features per k-block: <c>Inner</c> up to 512, else <c>⌈Inner / ⌈Inner / 512⌉⌉</c>.</summary>
        static abstract int BlockDepth { get; }

        /// <summary>k-blocks: <c>⌈Inner / BlockDepth⌉</c>.</summary>
        static abstract int DepthBlocks { get; }

        /// <summary>Input features in the last k-block: <c>Inner - (DepthBlocks - 1)·BlockDepth</c>.</summary>
        static abstract int LastDepth { get; }
    }
}
