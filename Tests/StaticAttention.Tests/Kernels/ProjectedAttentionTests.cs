using StaticAttention.Internal.Cpu;
using StaticAttention.Internal.Threading;

namespace StaticAttention.Tests.Kernels;

/// <summary>
/// <see cref="AttentionCore.ForwardProjected{TShape}"/>: per (batch item, key/value head) projection and attention where
/// the flash kernel runs, else the projection into qkv and then the core. Either way the context has the bits of the two
/// calls in turn (<c>Gemm.Forward</c>, then <c>AttentionCore.Forward</c> over the qkv columns), on both widths and any
/// thread count, and agrees with the plain loop; the scratch tells which way a call went.
/// </summary>
public sealed class ProjectedAttentionTests
{
    /// <summary>
    /// C 64, width 192, one k-block: H 2, KvHeads 2, HeadDim 32 (case "TwoHeads"), or H 4, KvHeads 4, HeadDim 16 (case
    /// "NarrowHeads": whole panels of the Vector256 tile, 16 columns, only).
    /// </summary>
    private readonly struct Width192 : IGemmShape
    {
        public static int Inner => 64;
        public static int Width => 192;
        public static int Panels32 => 6;
        public static int Remainder32 => 0;
        public static int Panels16 => 12;
        public static int Remainder16 => 0;
        public static int BlockDepth => 64;
        public static int DepthBlocks => 1;
        public static int LastDepth => 64;
    }

    /// <summary>C 600 (two k-blocks of 300), H 4, KvHeads 2 (grouped), HeadDim 32: width 256.</summary>
    private readonly struct Grouped : IGemmShape
    {
        public static int Inner => 600;
        public static int Width => 256;
        public static int Panels32 => 8;
        public static int Remainder32 => 0;
        public static int Panels16 => 16;
        public static int Remainder16 => 0;
        public static int BlockDepth => 300;
        public static int DepthBlocks => 2;
        public static int LastDepth => 300;
    }

    /// <summary>C 48, H 2, KvHeads 2, HeadDim 24: no tile's panels hold a head, so always the two calls.</summary>
    private readonly struct OddHeads : IGemmShape
    {
        public static int Inner => 48;
        public static int Width => 144;
        public static int Panels32 => 4;
        public static int Remainder32 => 16;
        public static int Panels16 => 9;
        public static int Remainder16 => 0;
        public static int BlockDepth => 48;
        public static int DepthBlocks => 1;
        public static int LastDepth => 48;
    }

    private static readonly WorkerPool Pool = new(1);

    /// <summary>(shape, wide, batch, tokens, mask, bias, threads) cases; the shape as a name, the mask as its enum value.</summary>
    public static TheoryData<string, bool, int, int, int, bool, int> Cases()
    {
        var data = new TheoryData<string, bool, int, int, int, bool, int>();
        AttentionMask[] masks =
        [
            AttentionMask.None, AttentionMask.Causal, AttentionMask.ValidLengths, AttentionMask.ValidLengthsPerQuery,
            AttentionMask.KeepMask, AttentionMask.KeyPaddingMask | AttentionMask.Causal,
        ];
        int i = 0;
        foreach (string shape in new[] { "TwoHeads", nameof(Grouped), "NarrowHeads", nameof(OddHeads) })
        {
            foreach (bool wide in new[] { true, false })
            {
                foreach (int tokens in new[] { 16, 17, 50, 128, 256, 257 })
                {
                    // Batch 4 with two kv heads gives 8 (item, kv head) pairs: per head on one thread and on two; batch 2 on one only.
                    AttentionMask mask = masks[i % masks.Length];
                    data.Add(shape, wide, i % 4 < 2 ? 4 : 2, tokens, (int)mask, i % 3 == 0, 1 + i % 2);
                    i++;
                }
            }
        }

        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void ContextHasTheBitsOfTheProjectionThenTheCore(string shape, bool wide, int batch, int tokens, int mask, bool bias, int threads)
    {
        switch (shape)
        {
            case "TwoHeads": Check<Width192>(2, 2, 32, wide, batch, tokens, (AttentionMask)mask, bias, threads); break;
            case nameof(Grouped): Check<Grouped>(4, 2, 32, wide, batch, tokens, (AttentionMask)mask, bias, threads); break;
            case "NarrowHeads": Check<Width192>(4, 4, 16, wide, batch, tokens, (AttentionMask)mask, bias, threads); break;
            default: Check<OddHeads>(2, 2, 24, wide, batch, tokens, (AttentionMask)mask, bias, threads); break;
        }
    }

    private static void Check<TShape>(int heads, int kvHeads, int d, bool wide, int batch, int tokens, AttentionMask maskKind, bool bias, int threads)
        where TShape : struct, IGemmShape
    {
        var random = new Random(HashCode.Combine(typeof(TShape).Name, wide, batch, tokens, maskKind, bias, threads));
        int c = TShape.Inner, width = TShape.Width, rows = batch * tokens;
        float[] x = Values(rows * c, random, 1f);
        float[] weight = Values(width * c, random, 1f / MathF.Sqrt(c)), qkvBias = Values(width, random, 0.1f);
        float[] table = bias ? Values((2 * tokens - 1) * heads, random, 0.5f) : [];
        int[] lengths = (maskKind & ~AttentionMask.Causal) switch
        {
            AttentionMask.ValidLengths => Enumerable.Range(0, batch).Select(_ => random.Next(0, tokens + 1)).ToArray(),
            AttentionMask.ValidLengthsPerQuery => Enumerable.Range(0, rows).Select(_ => random.Next(0, tokens + 1)).ToArray(),
            _ => [],
        };
        bool[] mask = (maskKind & ~AttentionMask.Causal) switch
        {
            AttentionMask.KeepMask => Enumerable.Range(0, rows * tokens).Select(_ => random.NextDouble() < 0.8).ToArray(),
            AttentionMask.KeyPaddingMask => Enumerable.Range(0, batch * tokens).Select(_ => random.NextDouble() < 0.2).ToArray(),
            _ => [],
        };
        float scale = 1f / MathF.Sqrt(d);
        GemmTile tile = wide ? GemmTile.V512x12x32 : GemmTile.V256x6x16;
        PackedMatrix packed = PackedMatrix.Pack(weight, qkvBias, width, c, tile, GemmTiles.BlockDepthFor(c));

        // The two calls in turn.
        var qkv = new float[rows * width];
        var expected = new float[rows * heads * d];
        using (CpuKernel.Force(wide ? VectorWidth.Vector512 : VectorWidth.Vector256))
        {
            Gemm.Forward<TShape>(x, rows, packed, qkv, Pool, threads);
            AttentionCore.Forward(
                qkv, width, qkv.AsSpan(heads * d), qkv.AsSpan((heads + kvHeads) * d), width, batch, heads, kvHeads, d, tokens, tokens, scale,
                maskKind, lengths, mask, table, expected, default, Pool, threads);
        }

        // The call under test, its scratch filled with a sentinel.
        var scratch = new float[rows * width];
        Array.Fill(scratch, float.NaN);
        var context = new float[rows * heads * d];
        using (CpuKernel.Force(wide ? VectorWidth.Vector512 : VectorWidth.Vector256))
        {
            AttentionCore.ForwardProjected<TShape>(
                x, packed, scratch, batch, heads, kvHeads, d, tokens, scale, maskKind, lengths, mask, table, context, default, Pool, threads);
        }

        Assert.Equal(expected, context);

        // Per head exactly where the flash kernel runs, the head's columns are whole panels, and each thread gets 4 pairs.
        bool perHead = tokens > 16 && tokens <= 256 && d % (wide ? 32 : 16) == 0 && batch * kvHeads >= 4 * threads;
        Assert.Equal(perHead, float.IsNaN(scratch[0]) && float.IsNaN(scratch[^1]));
        if (!perHead) Assert.Equal(qkv, scratch);

        // Right, not merely equal: the plain loop over the projection.
        var simple = new float[expected.Length];
        SimpleAttention.Forward(
            qkv, width, qkv.AsSpan(heads * d), qkv.AsSpan((heads + kvHeads) * d), width, batch, heads, kvHeads, d, tokens, tokens, scale,
            maskKind, lengths, mask, table, simple, default, new float[AttentionCore.ScratchLength(tokens)]);
        for (int i = 0; i < simple.Length; i++)
        {
            Assert.True(Math.Abs(simple[i] - context[i]) <= 1e-4f * Math.Max(1f, Math.Abs(simple[i])), $"[{i}]: {context[i]} vs {simple[i]}");
        }
    }

    [Fact]
    public void AShapeOfAnotherWidthIsRejectedWithTheNumbers()
    {
        PackedMatrix packed = PackedMatrix.Pack(new float[192 * 64], default, 192, 64);
        var e = Assert.Throws<ArgumentException>(() => AttentionCore.ForwardProjected<Width192>(
            new float[64 * 20], packed, new float[192 * 20], 1, 3, 3, 32, 20, 1f, AttentionMask.None, default, default, default,
            new float[96 * 20], default, null, 1));
        Assert.Contains("192 columns wide", e.Message);
        Assert.Contains("(heads 3 + 2 · kvHeads 3) · headDim 32 is 288", e.Message);
    }

    [Fact]
    public void ShortSpansAreRejectedBeforeAnythingRuns()
    {
        PackedMatrix packed = PackedMatrix.Pack(new float[192 * 64], default, 192, 64);
        var x = Assert.Throws<ArgumentException>(() => AttentionCore.ForwardProjected<Width192>(
            new float[64 * 20 - 1], packed, new float[192 * 20], 1, 2, 2, 32, 20, 1f, AttentionMask.None, default, default, default,
            new float[64 * 20], default, null, 1));
        Assert.Equal("x", x.ParamName);
        Assert.Contains("at least 1280 elements ([batch 1 · tokens 20, Inner 64])", x.Message);

        var context = Assert.Throws<ArgumentException>(() => AttentionCore.ForwardProjected<Width192>(
            new float[64 * 20], packed, new float[192 * 20], 1, 2, 2, 32, 20, 1f, AttentionMask.None, default, default, default,
            new float[64 * 20 - 1], default, null, 1));
        Assert.Equal("context", context.ParamName);

        var scratch = Assert.Throws<ArgumentException>(() => AttentionCore.ForwardProjected<Width192>(
            new float[64 * 20], packed, new float[192 * 20 - 1], 1, 2, 2, 32, 20, 1f, AttentionMask.None, default, default, default,
            new float[64 * 20], default, null, 1));
        Assert.Equal("qkv", scratch.ParamName);
        Assert.Contains("at least 3840 elements", scratch.Message);
    }

    private static float[] Values(int count, Random random, float scale)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1) * scale;
        return values;
    }
}
