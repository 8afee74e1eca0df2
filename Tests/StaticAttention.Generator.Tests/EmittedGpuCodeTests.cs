using Microsoft.CodeAnalysis;
using StaticAttention.Generator.Tests.Snapshots;

namespace StaticAttention.Generator.Tests;

/// <summary>
/// The GPU path of layers whose attention runs through the flash kernel (the other snapshots use the small-sequence
/// kernel), and of decoder layers (rotary, window, softcap, ALiBi): snapshots of the whole emitted file, a clean
/// compilation, and the members the GPU path adds. A layer
/// whose kernels would not fit ILGPU's shared memory gets no GPU members at all.
/// </summary>
public sealed class EmittedGpuCodeTests
{
    [Fact]
    public void FlashAttention_padded_rows_key_padding_causal_and_weights()
    {
        string text = AssertCompiles(
            """
            using StaticAttention;

            namespace Samples.Attention;

            [MultiHeadAttention(Heads = 2, ModelDim = 64, Tokens = 50, QkvBias = true, OutputBias = true,
                Mask = AttentionMask.KeyPaddingMask | AttentionMask.Causal, ReturnWeights = true)]
            public partial class FlashAttention;
            """,
            "Samples.Attention.FlashAttention.g.cs",
            "Samples.Attention.FlashAttention");
        Snapshot.Match(text, "FlashAttention");

        // 50 query rows in one padded tile of 64 (16 threads × 4 rows), 50 keys in two tiles of 32 (8 threads × 4 keys).
        Assert.Contains("new global::ILGPU.Index3D(1, Heads, batch), new global::ILGPU.Index3D(128, 1, 1)", text);
        Assert.Contains("if (key3 >= 50) s33 = float.NegativeInfinity; // past the last key", text);
        Assert.Contains("if (key0 > i0) s00 = float.NegativeInfinity; // causal", text);
        Assert.Contains("global::StaticAttention.Internal.Gpu.Float4", text);
    }

    [Fact]
    public void FlashCrossAttention_wide_grouped_heads_with_per_query_lengths()
    {
        string text = AssertCompiles(
            """
            using StaticAttention;

            namespace Samples.Attention;

            [MultiHeadAttention(Heads = 4, KvHeads = 2, HeadDim = 80, ModelDim = 100, QueryTokens = 40, KeyTokens = 64,
                QuerySize = 72, KeySize = 48, ValueSize = 40, Projections = Projections.Separate,
                Mask = AttentionMask.ValidLengthsPerQuery)]
            public partial class FlashCrossAttention;
            """,
            "Samples.Attention.FlashCrossAttention.g.cs",
            "Samples.Attention.FlashCrossAttention");
        Snapshot.Match(text, "FlashCrossAttention");

        // Head width 80: tiles of 32 rows × 16 keys, two rows per thread, three four-column chunks (the last partly idle); 64 keys: no padding.
        Assert.Contains("global::StaticAttention.Internal.Gpu.Float4", text);
        Assert.Contains("if (4 * tx + 64 < 80)", text);
        Assert.DoesNotContain("past the last key", text);
        Assert.Contains("int g = h / 2;", text);
        // K = 72 is not a whole number of the narrow kernel's 16-deep steps, the output N = 100 not of 64- or 128-wide
        // tiles: those edges are checked (N = 100 is whole four-float vectors, so per vector).
        Assert.Contains("aK < 72", text);
        Assert.Contains("bK < 72", text);
        Assert.Contains("col0 + bq < 100", text);
        Assert.Contains("if (col0 + tx * 4 < 100)", text);
    }

    [Fact]
    public void MistralAttention_rotary_sliding_window_and_grouped_heads()
    {
        string text = AssertCompiles(
            """
            using StaticAttention;

            namespace Samples.Attention;

            [MultiHeadAttention(Heads = 8, KvHeads = 2, HeadDim = 64, ModelDim = 512, Tokens = 256, Projections = Projections.Separate,
                Mask = AttentionMask.Causal, Rotary = RotaryEmbedding.RotateHalf, RotaryBase = 1000000f, SlidingWindow = 96)]
            public partial class MistralAttention;
            """,
            "Samples.Attention.MistralAttention.g.cs",
            "Samples.Attention.MistralAttention");
        Snapshot.Match(text, "MistralAttention");

        // Rotary: a kernel over q's 8 and k's 2 heads, 32 pairs each, 256 tokens, between the projections and the attention.
        Assert.Contains("private static void GpuRotary(", text);
        Assert.Contains("int token = pair / 320, head = pair / 32 % 10, i = pair % 32;", text);
        Assert.Contains("device.Rotary(", text);
        Assert.Contains("parameters.RotaryTable", text);
        // The window: a literal bound, and key tiles before the tile's first row's window skipped (64-row and 32-row tiles).
        Assert.Contains("if (i0 - key0 >= 96) s00 = float.NegativeInfinity; // sliding window", text);
        Assert.Contains("int keyStart = global::System.Math.Max(0, firstRow - 95) / 32 * 32;", text);
        Assert.Contains("for (int k0 = keyStart; k0 < keyEnd; k0 += 32)", text);
        Assert.DoesNotContain("alibi", text);
        Assert.DoesNotContain("softcap", text);
    }

    [Fact]
    public void GemmaBloomAttention_softcap_and_alibi_in_the_small_kernel()
    {
        string text = AssertCompiles(
            """
            using StaticAttention;

            namespace Samples.Attention;

            [MultiHeadAttention(Heads = 6, ModelDim = 48, Tokens = 12, QkvBias = true, Mask = AttentionMask.Causal, Softcap = 50f, Alibi = true)]
            public partial class SoftcapAlibiAttention;
            """,
            "Samples.Attention.SoftcapAlibiAttention.g.cs",
            "Samples.Attention.SoftcapAlibiAttention");
        Snapshot.Match(text, "SoftcapAlibiAttention");

        // BLOOM's six slopes (2^-2, 2^-4, 2^-6, 2^-8, then 2^-1, 2^-3) times log2(e), as literals; softcap 50 in base 2.
        Assert.Contains("float alibi = h == 0 ? 0.36067376f", text);
        Assert.Contains(": h == 4 ? 0.7213475f", text);
        Assert.Contains("s3 += alibi * (3 - i); // ALiBi", text);
        Assert.Contains("s0 = 72.13475f - 144.2695f / (global::ILGPU.IntrinsicMath.CPUOnly.Exp2(s0 * 0.04f) + 1f); // softcap 50f·tanh(s / 50f)", text);
        Assert.DoesNotContain("GpuRotary", text);
        Assert.DoesNotContain("sliding window", text);
    }

    [Fact]
    public void A_head_too_wide_for_shared_memory_gets_no_gpu_members()
    {
        string text = AssertCompiles(
            """
            using StaticAttention;

            namespace Samples.Attention;

            [MultiHeadAttention(Heads = 1, ModelDim = 512, Tokens = 64)]
            public partial class WideHead;
            """,
            "Samples.Attention.WideHead.g.cs",
            "Samples.Attention.WideHead");
        Assert.DoesNotContain("UseAccelerator", text);
        Assert.DoesNotContain("TryForwardOnAccelerator", text);
        Assert.Contains("// No GPU path for this layer: its attention kernel would need 134144 bytes of shared memory per group,", text);
    }

    private static string AssertCompiles(string source, string hintName, string metadataName)
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        Assert.True(run.GeneratorDiagnostics.IsEmpty, GeneratorRun.Describe(run.GeneratorDiagnostics));
        string text = run.SingleSource(hintName);
        run.AssertCompilesCleanly();
        Assert.NotNull(run.OutputCompilation.GetTypeByMetadataName(metadataName));
        return text;
    }
}
