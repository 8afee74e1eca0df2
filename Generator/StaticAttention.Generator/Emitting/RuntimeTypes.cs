namespace StaticAttention.Generator.Emitting
{
    /// <summary>
    /// The runtime types generated code names, fully qualified, in one place. What users call lives under
    /// <c>StaticAttention</c>; what only generated code calls lives under <c>StaticAttention.Internal</c>, hidden from
    /// IntelliSense and no compatibility promise.
    /// </summary>
    internal static class RuntimeTypes
    {
        /// <summary>The runtime's root namespace.</summary>
        public const string Runtime = "global::StaticAttention";

        /// <summary>The namespace of what only generated code calls.</summary>
        public const string Internal = Runtime + ".Internal";

        public const string AttentionLayerSpec = Runtime + ".AttentionLayerSpec";
        public const string MaskEnum = Runtime + ".AttentionMask";
        public const string ProjectionsEnum = Runtime + ".Projections";
        public const string RotaryEnum = Runtime + ".RotaryEmbedding";
        public const string AttentionWeights = Runtime + ".Weights.AttentionWeights";
        public const string Tensor = Runtime + ".Tensors.Tensor";

        public const string Guard = Internal + ".Guard";
        public const string Gemm = Internal + ".Cpu.Gemm";
        public const string IGemmShape = Internal + ".Cpu.IGemmShape";
        public const string AttentionCore = Internal + ".Cpu.AttentionCore";
        public const string IShortAttentionKernel = Internal + ".Cpu.IShortAttentionKernel";
        public const string FastExp = Internal + ".Cpu.FastExp";
        public const string PackedProjections = Internal + ".Cpu.PackedProjections";
        public const string ScratchBuffer = Internal + ".Cpu.ScratchBuffer";
        public const string WorkerPool = Internal + ".Threading.WorkerPool";
        public const string RotaryTable = Internal + ".Cpu.RotaryTable";
        public const string IDecoderScoreTerms = Internal + ".Cpu.IDecoderScoreTerms";
        public const string DecoderAttention = Internal + ".Cpu.DecoderAttention";
        public const string KeyValueCache = Runtime + ".KeyValueCache";

        public const string AcceleratorSession = Runtime + ".Gpu.AcceleratorSession";
        public const string DeviceSession = Internal + ".Gpu.DeviceSession";
        public const string DeviceScratch = Internal + ".Gpu.DeviceScratch";
        public const string DeviceTransfer = Internal + ".Gpu.DeviceTransfer";
        public const string DeviceWeights = Internal + ".Gpu.DeviceWeights";
        public const string GemmLaunch = Internal + ".Gpu.GemmLaunch";
        public const string Float4 = Internal + ".Gpu.Float4";
        public const string RowValues8 = Internal + ".Gpu.RowValues8";

        /// <summary>The attribute every generated type carries, naming the generator and its version.</summary>
        public static readonly string GeneratedCode =
            "[global::System.CodeDom.Compiler.GeneratedCode(\"StaticAttention.Generator\", \"" +
            typeof(RuntimeTypes).Assembly.GetName().Version!.ToString(3) + "\")]";
    }
}
