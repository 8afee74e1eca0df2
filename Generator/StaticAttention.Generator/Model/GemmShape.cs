namespace StaticAttention.Generator.Model
{
    /// <summary>
    /// One projection of a layer as the packed GEMM runs it, <c>[rows, Inner] · [Width, Inner]ᵀ</c>, with the tile counts
    /// the generator writes into its <c>IGemmShape</c> struct. The tile sizes mirror the runtime's <c>GemmTiles</c>:
    /// panels of 32 output features (Vector512) or 16 (Vector256), k-blocks of all input features up to 512, else of
    /// equal parts of at most 512 (<c>GemmTiles.BlockDepthFor</c>).
    /// </summary>
    /// <param name="TypeName">The nested struct's name, for example <c>QkvShape</c>.</param>
    /// <param name="What">The product in words, for the comment: <c>qkv = x · Wqkvᵀ</c>.</param>
    /// <param name="InnerName">Where K comes from: <c>QuerySize</c>.</param>
    /// <param name="WidthName">Where N comes from: <c>(Heads + 2·KvHeads)·HeadDim</c>.</param>
    /// <param name="Packed">The <c>PackedProjections</c> member holding the matrix: <c>Fused</c>.</param>
    internal readonly record struct GemmShape(string TypeName, string What, string InnerName, string WidthName, string Packed, int Inner, int Width)
    {
        /// <summary>Input features per k-block, as the runtime's <c>GemmTiles.BlockDepthFor(Inner)</c> packs them.</summary>
        public int BlockDepth => (Inner + DepthBlocks - 1) / DepthBlocks;

        public int Panels32 => Width / 32;

        public int Remainder32 => Width % 32;

        public int Panels16 => Width / 16;

        public int Remainder16 => Width % 16;

        public int DepthBlocks => (Inner + KernelLimits.GemmMaxBlockDepth - 1) / KernelLimits.GemmMaxBlockDepth;

        public int LastDepth => Inner - (DepthBlocks - 1) * BlockDepth;
    }
}
