namespace StaticAttention
{
    /// <summary>
    /// The kernel limits the source generator and the runtime must agree on. This file is compiled into both (the
    /// generator links it), so each limit is written once.
    /// </summary>
    internal static class KernelLimits
    {
        /// <summary>The most query and key tokens a written-out short attention kernel (<c>IShortAttentionKernel</c>) is emitted for.</summary>
        public const int ShortKernelMaxTokens = 32;

        /// <summary>The widest head a written-out short attention kernel is emitted for.</summary>
        public const int ShortKernelMaxHeadDim = 128;

        /// <summary>The deepest k-block of the packed GEMM: a row group of 12 rows (12·512 floats, 24 KB) stays in a 32 KB L1 beside the panel stream.</summary>
        public const int GemmMaxBlockDepth = 512;
    }
}
