namespace StaticAttention.Benchmarks;

// The module shapes the benchmarks time, declared as a user would declare them.

/// <summary>ViT-B/16 attention: B1 N197 C768 H12, fused qkv with bias, proj with bias.</summary>
[MultiHeadAttention(Heads = 12, ModelDim = 768, Tokens = 197, QkvBias = true, OutputBias = true)]
public partial class VitBAttention;

/// <summary>AIM / TimeSformer temporal attention: B196 T8 C768 H12, biases and a relative position bias table.</summary>
[MultiHeadAttention(Heads = 12, ModelDim = 768, Tokens = 8, QkvBias = true, OutputBias = true, RelativePositionBias = true)]
public partial class TemporalAttention;

/// <summary>The classic Wq/Wk/Wv/fc module's shape as fused self-attention without a mask: B4 N128 C512 H8, biases.</summary>
[MultiHeadAttention(Heads = 8, ModelDim = 512, Tokens = 128, QkvBias = true, OutputBias = true)]
public partial class ClassicAttention;

/// <summary>A small layer, where per-call overhead dominates: B1 N16 C64 H4, biases.</summary>
[MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 16, QkvBias = true, OutputBias = true)]
public partial class SmallAttention;

/// <summary>
/// The core temporal shape (B196 H12 T8 D64) as a layer without projections: its written-out attention kernel
/// (<c>CoreTemporalAttention.AttentionKernel</c>) is what <c>core_temporal</c> times, on separate q, k, v buffers.
/// </summary>
[MultiHeadAttention(Heads = 12, ModelDim = 768, Tokens = 8, Projections = Projections.None)]
public partial class CoreTemporalAttention;
