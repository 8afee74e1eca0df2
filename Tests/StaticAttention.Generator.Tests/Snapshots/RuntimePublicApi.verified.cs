public sealed class StaticAttention.AttentionLayerSpec : IEquatable<AttentionLayerSpec>
    public AttentionLayerSpec <Clone>$()
    public AttentionMask Mask { get; init; }
    public Projections Projections { get; init; }
    public RotaryEmbedding Rotary { get; init; }
    public bool Alibi { get; init; }
    public bool Equals(AttentionLayerSpec other)
    public bool OutputBias { get; init; }
    public bool QkvBias { get; init; }
    public bool RelativePositionBias { get; init; }
    public bool ReturnWeights { get; init; }
    public bool SelfAttention { get; init; }
    public float RotaryBase { get; init; }
    public float Scale { get; init; }
    public float Softcap { get; init; }
    public int CacheTokens { get; init; }
    public int FusedWidth { get; }
    public int HeadDim { get; init; }
    public int Heads { get; init; }
    public int KeySize { get; init; }
    public int KeyTokens { get; init; }
    public int KvHeads { get; init; }
    public int KvWidth { get; }
    public int ModelDim { get; init; }
    public int QuerySize { get; init; }
    public int QueryTokens { get; init; }
    public int QueryWidth { get; }
    public int RelativePositionRows { get; }
    public int RotaryDims { get; init; }
    public int SlidingWindow { get; init; }
    public int ValueSize { get; init; }
    public override bool Equals(object obj)
    public override int GetHashCode()
    public override string ToString()
    public static AttentionLayerSpec Create(string layerName, int heads, int modelDim, int queryTokens, int keyTokens, int kvHeads = 0, int headDim = 0, int querySize = 0, int keySize = 0, int valueSize = 0, Projections projections = Fused, bool qkvBias = false, bool outputBias = false, bool relativePositionBias = false, AttentionMask mask = None, bool returnWeights = false, float scale = 0, bool selfAttention = false, RotaryEmbedding rotary = None, float rotaryBase = 0, int rotaryDims = 0, int slidingWindow = 0, float softcap = 0, bool alibi = false, int cacheTokens = 0)
    public static bool op_Equality(AttentionLayerSpec left, AttentionLayerSpec right)
    public static bool op_Inequality(AttentionLayerSpec left, AttentionLayerSpec right)
    public string LayerName { get; init; }
public enum StaticAttention.AttentionMask
    Causal = 16
    KeepMask = 4
    KeyPaddingMask = 8
    None = 0
    ValidLengths = 1
    ValidLengthsPerQuery = 2
public sealed class StaticAttention.Gpu.AcceleratorSession : IDisposable
    public Accelerator Accelerator { get; }
    public bool IsDisposed { get; }
    public void Dispose()
[EditorBrowsable(Never)] public static class StaticAttention.Internal.Cpu.AttentionCore
    public const int ShortKernelMaxHeadDim = 128
    public const int ShortKernelMaxTokens = 32
    public static int ScratchLength(int keyTokens)
    public static void Forward(ReadOnlySpan<float> q, int qRowStride, ReadOnlySpan<float> k, ReadOnlySpan<float> v, int kvRowStride, int batch, int heads, int kvHeads, int headDim, int queryTokens, int keyTokens, float scale, AttentionMask maskKind, ReadOnlySpan<int> validLengths, ReadOnlySpan<bool> mask, ReadOnlySpan<float> relativePositionBias, Span<float> context, Span<float> weights, Span<float> scratch)
    public static void Forward(ReadOnlySpan<float> q, int qRowStride, ReadOnlySpan<float> k, ReadOnlySpan<float> v, int kvRowStride, int batch, int heads, int kvHeads, int headDim, int queryTokens, int keyTokens, float scale, AttentionMask maskKind, ReadOnlySpan<int> validLengths, ReadOnlySpan<bool> mask, ReadOnlySpan<float> relativePositionBias, Span<float> context, Span<float> weights, Span<float> scratch, WorkerPool pool, int maxDegreeOfParallelism)
    public static void Forward(ReadOnlySpan<float> q, int qRowStride, ReadOnlySpan<float> k, ReadOnlySpan<float> v, int kvRowStride, int batch, int heads, int kvHeads, int headDim, int queryTokens, int keyTokens, float scale, AttentionMask maskKind, ReadOnlySpan<int> validLengths, ReadOnlySpan<bool> mask, ReadOnlySpan<float> relativePositionBias, Span<float> context, Span<float> weights, WorkerPool pool, int maxDegreeOfParallelism)
    public static void ForwardProjected<TShape>(ReadOnlySpan<float> x, PackedMatrix qkvWeights, Span<float> qkv, int batch, int heads, int kvHeads, int headDim, int tokens, float scale, AttentionMask maskKind, ReadOnlySpan<int> validLengths, ReadOnlySpan<bool> mask, ReadOnlySpan<float> relativePositionBias, Span<float> context, Span<float> weights, WorkerPool pool, int maxDegreeOfParallelism)
    public static void ForwardShort<TKernel>(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, int batch, ReadOnlySpan<float> relativePositionBias, Span<float> context, WorkerPool pool = null, int maxDegreeOfParallelism = 1)
[EditorBrowsable(Never)] public static class StaticAttention.Internal.Cpu.CpuKernel
    public static VectorWidth Width { get; }
[EditorBrowsable(Never)] public static class StaticAttention.Internal.Cpu.FastExp
    public static Vector256<float> Exp(Vector256<float> x)
    public static Vector256<float> Exp2(Vector256<float> x)
    public static Vector256<float> Exp2NonPositive(Vector256<float> x)
    public static Vector512<float> Exp(Vector512<float> x)
    public static Vector512<float> Exp2(Vector512<float> x)
    public static Vector512<float> Exp2NonPositive(Vector512<float> x)
    public static float Exp(float x)
    public static float Exp2(float x)
[EditorBrowsable(Never)] public static class StaticAttention.Internal.Cpu.Gemm
    public static void Forward(ReadOnlySpan<float> input, int rows, int inputStride, PackedMatrix weights, Span<float> output, int outputStride, WorkerPool pool = null, int maxDegreeOfParallelism = 1)
    public static void Forward<TShape>(ReadOnlySpan<float> input, int rows, PackedMatrix weights, Span<float> output, WorkerPool pool = null, int maxDegreeOfParallelism = 1)
[EditorBrowsable(Never)] public interface StaticAttention.Internal.Cpu.IGemmShape
    public static int BlockDepth { get; }
    public static int DepthBlocks { get; }
    public static int Inner { get; }
    public static int LastDepth { get; }
    public static int Panels16 { get; }
    public static int Panels32 { get; }
    public static int Remainder16 { get; }
    public static int Remainder32 { get; }
    public static int Width { get; }
[EditorBrowsable(Never)] public interface StaticAttention.Internal.Cpu.IShortAttentionKernel
    public static abstract void Run256(ref float qT, ref float k, ref float v, ref float bias, ref float p, ref float context)
    public static abstract void Run512(ref float qT, ref float k, ref float v, ref float bias, ref float p, ref float context)
    public static bool RelativePositionBias { get; }
    public static int HeadDim { get; }
    public static int Heads { get; }
    public static int KeyTokens { get; }
    public static int KeyValueStride { get; }
    public static int KvHeads { get; }
    public static int QueryStride { get; }
    public static int QueryTokens { get; }
[EditorBrowsable(Never)] public sealed class StaticAttention.Internal.Cpu.PackedMatrix
    public VectorWidth Width { get; }
    public int InFeatures { get; }
    public int OutFeatures { get; }
    public static PackedMatrix Pack(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int outFeatures, int inFeatures)
[EditorBrowsable(Never)] public sealed class StaticAttention.Internal.Cpu.PackedProjections
    public PackedMatrix Fused { get; }
    public PackedMatrix Key { get; }
    public PackedMatrix Output { get; }
    public PackedMatrix Query { get; }
    public PackedMatrix Value { get; }
    public static PackedProjections Create(AttentionLayerSpec spec, AttentionWeights weights)
[EditorBrowsable(Never)] public sealed class StaticAttention.Internal.Cpu.ScratchBuffer
    public ScratchBuffer()
    public float[] Rent(int length)
    public void Return(float[] buffer)
[EditorBrowsable(Never)] public enum StaticAttention.Internal.Cpu.VectorWidth
    Vector256 = 256
    Vector512 = 512
[EditorBrowsable(Never)] public sealed class StaticAttention.Internal.Gpu.DeviceScratch : IDisposable
    public ArrayView<float> Floats(int slot, long length)
    public ArrayView<int> Ints(int slot, long length)
    public DeviceScratch(Accelerator accelerator, int floatSlots, int intSlots)
    public int[] HostInts(int length)
    public void Dispose()
[EditorBrowsable(Never)] public sealed class StaticAttention.Internal.Gpu.DeviceSession : IDisposable
    public Accelerator Accelerator { get; }
    public AcceleratorSession Handle { get; }
    public DeviceScratch Scratch { get; }
    public DeviceSession(Accelerator accelerator, AttentionLayerSpec spec, AttentionWeights weights, int floatSlots, int intSlots)
    public DeviceWeights Weights { get; }
    public bool IsDisposed { get; }
    public bool TryEnter()
    public const int MinThreadsPerGroup = 128
    public const int WarpSize = 32
    public int Multiprocessors { get; }
    public static InvalidOperationException AlreadyOnAccelerator(string layerName, Accelerator current)
    public static InvalidOperationException NotOnAccelerator(string layerName)
    public void Dispose()
    public void Enter(string layerName)
    public void Exit()
[EditorBrowsable(Never)] public static class StaticAttention.Internal.Gpu.DeviceTransfer
    public static void Download(ArrayView<float> source, Span<float> target)
    public static void Upload<T>(ReadOnlySpan<T> source, ArrayView<T> target)
    public static void UploadMask(ReadOnlySpan<bool> source, int[] staging, ArrayView<int> target)
[EditorBrowsable(Never)] public sealed class StaticAttention.Internal.Gpu.DeviceWeights : IDisposable
    public Accelerator Accelerator { get; }
    public ArrayView<float> Input { get; }
    public ArrayView<float> InputBias { get; }
    public ArrayView<float> Key { get; }
    public ArrayView<float> KeyBias { get; }
    public ArrayView<float> Output { get; }
    public ArrayView<float> OutputBias { get; }
    public ArrayView<float> Query { get; }
    public ArrayView<float> QueryBias { get; }
    public ArrayView<float> RelativePositionBiasTable { get; }
    public ArrayView<float> RotaryTable { get; }
    public ArrayView<float> Value { get; }
    public ArrayView<float> ValueBias { get; }
    public DeviceWeights(Accelerator accelerator, AttentionLayerSpec spec, AttentionWeights weights)
    public void Dispose()
[EditorBrowsable(Never)] public struct StaticAttention.Internal.Gpu.Float4
    public Float4(float x, float y, float z, float w)
    public float W
    public float X
    public float Y
    public float Z
    public static Float4 Add(Float4 a, Float4 b)
    public static Float4 Max(Float4 a, Float4 b)
[EditorBrowsable(Never)] public static class StaticAttention.Internal.Gpu.GemmLaunch
    public const int MinimumSplitDepth = 32
    public const int NarrowStep = 16
    public const int NarrowTile = 64
    public const int WideTile = 128
    public static ArrayView<float> Aligned(ArrayView<float> view, DeviceScratch scratch, int slot)
    public static ArrayView<float> AlignedTarget(ArrayView<float> output, DeviceScratch scratch, int slot)
    public static bool IsVectorAligned(ArrayView<float> view)
    public static bool Wide(int rows, int n, int multiprocessors)
    public static int SplitDepth(int rows, int n, int k, int multiprocessors)
    public static int Tiles(int length, int tile)
    public static void CopyBack(ArrayView<float> written, ArrayView<float> output)
[EditorBrowsable(Never)] public struct StaticAttention.Internal.Gpu.RowValues8
    public RowValues8(float row0, float row1, float row2, float row3, float row4, float row5, float row6, float row7)
    public float Row0
    public float Row1
    public float Row2
    public float Row3
    public float Row4
    public float Row5
    public float Row6
    public float Row7
    public static RowValues8 Add(RowValues8 a, RowValues8 b)
    public static RowValues8 Max(RowValues8 a, RowValues8 b)
[EditorBrowsable(Never)] public static class StaticAttention.Internal.Guard
    public static int Batch(int length, int perItem, string paramName)
    public static int Batch(long length, int perItem, string paramName)
    public static int Positive(int value, string paramName)
    public static int ScratchLength(int batch, int perItem, int fixedLength, string paramName)
    public static int ScratchLength(int batch, int perItem, string paramName)
    public static void Length(int actual, int batch, int perItem, string paramName, string shape)
    public static void Length(long actual, int batch, int perItem, string paramName, string shape)
    public static void ValidLengths(ReadOnlySpan<int> validLengths, int keyTokens, string paramName)
[EditorBrowsable(Never)] public interface StaticAttention.Internal.Threading.IParallelJob
    public void Execute(int index)
[EditorBrowsable(Never)] public sealed class StaticAttention.Internal.Threading.WorkerPool : IDisposable
    public WorkerPool(int workers)
    public int MaxDegreeOfParallelism { get; }
    public static WorkerPool Shared { get; }
    public void Dispose()
    public void Run<TJob>(ref TJob job, int count, int maxDegreeOfParallelism = 2147483647)
public sealed class StaticAttention.LayerStackAttribute : Attribute
    public LayerStackAttribute(Type[] layers)
    public Type[] Layers { get; }
public sealed class StaticAttention.MultiHeadAttentionAttribute : Attribute
    public AttentionMask Mask { get; set; }
    public MultiHeadAttentionAttribute()
    public Projections Projections { get; set; }
    public RotaryEmbedding Rotary { get; set; }
    public bool Alibi { get; set; }
    public bool OutputBias { get; set; }
    public bool QkvBias { get; set; }
    public bool RelativePositionBias { get; set; }
    public bool ReturnWeights { get; set; }
    public float RotaryBase { get; set; }
    public float Scale { get; set; }
    public float Softcap { get; set; }
    public int CacheTokens { get; set; }
    public int HeadDim { get; set; }
    public int Heads { get; set; }
    public int KeySize { get; set; }
    public int KeyTokens { get; set; }
    public int KvHeads { get; set; }
    public int ModelDim { get; set; }
    public int QuerySize { get; set; }
    public int QueryTokens { get; set; }
    public int RotaryDims { get; set; }
    public int SlidingWindow { get; set; }
    public int Tokens { get; set; }
    public int ValueSize { get; set; }
public enum StaticAttention.Projections
    Fused = 0
    None = 2
    Separate = 1
public static class StaticAttention.Reference.ReferenceAttention
    public static void Forward(AttentionLayerSpec spec, AttentionWeights weights, int batch, ReadOnlySpan<float> query, ReadOnlySpan<float> key, ReadOnlySpan<float> value, ReadOnlySpan<int> validLengths, ReadOnlySpan<bool> mask, Span<float> output, Span<float> attentionWeights)
public enum StaticAttention.RotaryEmbedding
    Interleaved = 2
    None = 0
    RotateHalf = 1
public interface StaticAttention.Tensors.IDimension
    public static int Value { get; }
public sealed class StaticAttention.Tensors.Tensor<TTokens, TFeatures> : IDisposable
    public Span<float> Item(int index)
    public Span<float> Span { get; }
    public Tensor(int batch)
    public float[] ToArray()
    public int Batch { get; }
    public int Length { get; }
    public override string ToString()
    public static Tensor<TTokens, TFeatures> FromSpan(ReadOnlySpan<float> source)
    public static int Features { get; }
    public static int ItemLength { get; }
    public static int Tokens { get; }
    public string Shape { get; }
    public void CopyTo(Span<float> destination)
    public void Dispose()
public sealed class StaticAttention.Weights.AttentionWeights
    public AttentionWeights()
    public float[] Fused { get; init; }
    public float[] FusedBias { get; init; }
    public float[] Key { get; init; }
    public float[] KeyBias { get; init; }
    public float[] Output { get; init; }
    public float[] OutputBias { get; init; }
    public float[] Query { get; init; }
    public float[] QueryBias { get; init; }
    public float[] RelativePositionBiasTable { get; init; }
    public float[] Value { get; init; }
    public float[] ValueBias { get; init; }
    public static AttentionWeights Load(SafetensorsCheckpoint checkpoint, string prefix, AttentionLayerSpec spec)
    public static AttentionWeights Load(SafetensorsFile file, string prefix, AttentionLayerSpec spec)
    public static AttentionWeights Load(Stream stream, string prefix, AttentionLayerSpec spec)
    public static AttentionWeights Load(string path, string prefix, AttentionLayerSpec spec)
    public string Convention { get; init; }
public sealed class StaticAttention.Weights.SafetensorsCheckpoint : IDisposable
    public IReadOnlyList<string> ShardPaths { get; }
    public IReadOnlyList<string> TensorNames { get; }
    public SafetensorsFile FileOf(string name)
    public SafetensorsTensor GetTensor(string name)
    public bool Contains(string name)
    public const string IndexFileName = "model.safetensors.index.json"
    public const string SingleFileName = "model.safetensors"
    public float[] ReadFloat32(string name)
    public static SafetensorsCheckpoint Open(string path)
    public string Path { get; }
    public void Dispose()
public enum StaticAttention.Weights.SafetensorsDType
    BF16 = 10
    Bool = 0
    C64 = 16
    F16 = 9
    F32 = 11
    F64 = 12
    F8E4M3 = 13
    F8E5M2 = 14
    F8E8M0 = 15
    I16 = 4
    I32 = 6
    I64 = 8
    I8 = 2
    U16 = 3
    U32 = 5
    U64 = 7
    U8 = 1
public static class StaticAttention.Weights.SafetensorsDTypes
    public static bool IsFloat32Convertible(SafetensorsDType dtype)
    public static bool TryParse(string text, out SafetensorsDType dtype)
    public static int SizeInBytes(SafetensorsDType dtype)
    public static string ToHeaderString(SafetensorsDType dtype)
public sealed class StaticAttention.Weights.SafetensorsFile : IDisposable
    public IReadOnlyList<SafetensorsTensor> Tensors { get; }
    public SafetensorsTensor GetTensor(string name)
    public bool TryGetTensor(string name, out SafetensorsTensor tensor)
    public bool[] ReadBool(SafetensorsTensor tensor)
    public const long MaxHeaderBytes = 100000000
    public float[] ReadFloat32(SafetensorsTensor tensor)
    public long Length { get; }
    public long[] ReadInt64(SafetensorsTensor tensor)
    public static SafetensorsFile Open(string path)
    public static SafetensorsFile Read(Stream stream)
    public void Dispose()
    public void ReadFloat32(SafetensorsTensor tensor, Span<float> destination)
public sealed class StaticAttention.Weights.SafetensorsTensor
    public ImmutableArray<int> Shape { get; }
    public SafetensorsDType DType { get; }
    public bool HasShape(ReadOnlySpan<int> expected)
    public long ByteLength { get; }
    public long DataBegin { get; }
    public long DataEnd { get; }
    public long ElementCount { get; }
    public override string ToString()
    public string Name { get; }
    public string ShapeText { get; }
public static class StaticAttention.Weights.SafetensorsWriter
    public static void Write(Stream stream, IEnumerable<ValueTuple<string, int[], float[]>> tensors)
    public static void Write(string path, IEnumerable<ValueTuple<string, int[], float[]>> tensors)
