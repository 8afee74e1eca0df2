using Microsoft.CodeAnalysis;
using StaticAttention.Generator.Tests.Snapshots;

namespace StaticAttention.Generator.Tests;

/// <summary>
/// The code emitted for representative layers: compared with its checked-in snapshot
/// (<c>Snapshots/{Layer}.verified.cs</c>), compiled with the user's code with no warning or error, and checked against
/// the generated-class contract of DESIGN.md (dimension constants, <c>Load</c> overloads, <c>Forward</c> parameters).
/// Each layer's source also calls the generated API the way a user would, so a contract break fails to compile.
/// </summary>
public sealed class EmittedCodeTests
{
    [Fact]
    public void TemporalAttention_seed_A_fused_with_biases_and_relative_position_bias()
    {
        AssertValidLayer(
            "TemporalAttention",
            """
            using StaticAttention;

            namespace Samples.Attention;

            [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, Projections = Projections.Fused, QkvBias = true, OutputBias = true, RelativePositionBias = true)]
            public partial class TemporalAttention;

            internal static class Usage
            {
                public static void Run(float[] x)
                {
                    var layer = TemporalAttention.Load("aim.safetensors", prefix: "blocks.0.temporal_attn.");
                    var output = new float[x.Length / TemporalAttention.Tokens / TemporalAttention.ModelDim * TemporalAttention.Tokens * TemporalAttention.ModelDim];
                    layer.Forward(x: x, output: output);
                }
            }
            """,
            "Samples.Attention.TemporalAttention.g.cs",
            Dimensions(heads: 4, modelDim: 64, queryTokens: 8, keyTokens: 8, selfAttention: true),
            ["x: System.ReadOnlySpan<float>", "output: System.Span<float>"]);
    }

    [Fact]
    public void TemporalAttentionNoProjections_seed_A_splits_x_into_heads()
    {
        AssertValidLayer(
            "TemporalAttentionNoProjections",
            """
            using StaticAttention;

            namespace Samples.Attention;

            [MultiHeadAttention(Heads = 2, ModelDim = 32, Tokens = 16, Projections = Projections.None, RelativePositionBias = true)]
            public partial class TemporalAttentionNoProjections;

            internal static class Usage
            {
                public static void Run(System.IO.Stream weights, float[] x, float[] output)
                {
                    var layer = TemporalAttentionNoProjections.Load(weights);
                    layer.Forward(x, output);
                }
            }
            """,
            "Samples.Attention.TemporalAttentionNoProjections.g.cs",
            Dimensions(heads: 2, modelDim: 32, queryTokens: 16, keyTokens: 16, selfAttention: true),
            ["x: System.ReadOnlySpan<float>", "output: System.Span<float>"]);
    }

    [Fact]
    public void D2lAttention_seed_B_separate_projections_with_own_input_sizes_and_valid_lengths()
    {
        AssertValidLayer(
            "D2lAttention",
            """
            using StaticAttention;

            namespace Samples.Attention;

            [MultiHeadAttention(Heads = 5, ModelDim = 40, QueryTokens = 4, KeyTokens = 6, QuerySize = 24, KeySize = 16, ValueSize = 12, Projections = Projections.Separate, Mask = AttentionMask.ValidLengths)]
            public partial class D2lAttention;

            internal static class Usage
            {
                public static void Run(float[] query, float[] key, float[] value, int[] validLengths)
                {
                    var layer = D2lAttention.Load("d2l.safetensors");
                    var output = new float[validLengths.Length * D2lAttention.QueryTokens * D2lAttention.ModelDim];
                    layer.Forward(query: query, key: key, value: value, validLengths: validLengths, output: output);
                }
            }
            """,
            "Samples.Attention.D2lAttention.g.cs",
            Dimensions(heads: 5, modelDim: 40, queryTokens: 4, keyTokens: 6, querySize: 24, keySize: 16, valueSize: 12),
            [
                "query: System.ReadOnlySpan<float>", "key: System.ReadOnlySpan<float>", "value: System.ReadOnlySpan<float>",
                "validLengths: System.ReadOnlySpan<int>", "output: System.Span<float>",
            ]);
    }

    [Fact]
    public void ClassicAttention_keep_mask_returning_weights()
    {
        AssertValidLayer(
            "ClassicAttention",
            """
            using StaticAttention;

            namespace Samples.Attention;

            [MultiHeadAttention(Heads = 6, ModelDim = 48, QueryTokens = 10, KeyTokens = 10, Projections = Projections.Separate, QkvBias = true, OutputBias = true, Mask = AttentionMask.KeepMask, ReturnWeights = true)]
            public partial class ClassicAttention;

            internal static class Usage
            {
                public static void Run(ClassicAttention layer, float[] q, float[] k, float[] v, bool[] keep)
                {
                    const int batch = 2;
                    var output = new float[batch * ClassicAttention.QueryTokens * ClassicAttention.ModelDim];
                    var weights = new float[batch * ClassicAttention.Heads * ClassicAttention.QueryTokens * ClassicAttention.KeyTokens];
                    layer.Forward(q, k, v, mask: keep, output: output, weights: weights);
                }
            }
            """,
            "Samples.Attention.ClassicAttention.g.cs",
            Dimensions(heads: 6, modelDim: 48, queryTokens: 10, keyTokens: 10),
            [
                "query: System.ReadOnlySpan<float>", "key: System.ReadOnlySpan<float>", "value: System.ReadOnlySpan<float>",
                "mask: System.ReadOnlySpan<bool>", "output: System.Span<float>", "weights: System.Span<float>",
            ]);
    }

    [Fact]
    public void TorchAttention_key_padding_mask_and_causal_returning_weights()
    {
        AssertValidLayer(
            "TorchAttention",
            """
            using StaticAttention;

            namespace Samples.Attention;

            [MultiHeadAttention(Heads = 4, ModelDim = 32, Tokens = 7, QkvBias = true, OutputBias = true, Mask = AttentionMask.KeyPaddingMask | AttentionMask.Causal, ReturnWeights = true)]
            public partial class TorchAttention;

            internal static class Usage
            {
                public static void Run(TorchAttention layer, float[] x, bool[] keyPaddingMask, float[] output, float[] weights) =>
                    layer.Forward(x: x, mask: keyPaddingMask, output: output, weights: weights);
            }
            """,
            "Samples.Attention.TorchAttention.g.cs",
            Dimensions(heads: 4, modelDim: 32, queryTokens: 7, keyTokens: 7, selfAttention: true),
            [
                "x: System.ReadOnlySpan<float>", "mask: System.ReadOnlySpan<bool>", "output: System.Span<float>",
                "weights: System.Span<float>",
            ]);
    }

    [Fact]
    public void GroupedQueryAttention_kv_heads_with_explicit_head_dim_and_causal_mask()
    {
        AssertValidLayer(
            "GroupedQueryAttention",
            """
            using StaticAttention;

            namespace Samples.Attention;

            [MultiHeadAttention(Heads = 8, KvHeads = 2, HeadDim = 8, ModelDim = 64, Tokens = 12, Projections = Projections.Separate, Mask = AttentionMask.Causal)]
            public partial class GroupedQueryAttention;

            internal static class Usage
            {
                public static void Run(GroupedQueryAttention layer, float[] x, float[] output) => layer.Forward(x: x, output: output);
            }
            """,
            "Samples.Attention.GroupedQueryAttention.g.cs",
            Dimensions(heads: 8, modelDim: 64, queryTokens: 12, keyTokens: 12, kvHeads: 2, headDim: 8, selfAttention: true),
            ["x: System.ReadOnlySpan<float>", "output: System.Span<float>"]);
    }

    [Fact]
    public void NestedAttention_in_a_partial_class_and_struct()
    {
        AssertValidLayer(
            "NestedAttention",
            """
            using StaticAttention;

            namespace Samples.Attention;

            public partial class Encoder
            {
                internal partial struct Block
                {
                    [MultiHeadAttention(Heads = 2, ModelDim = 16, Tokens = 4, OutputBias = true)]
                    public partial class NestedAttention;

                    public static void Run(NestedAttention layer, float[] x, float[] output) => layer.Forward(x: x, output: output);
                }
            }
            """,
            "Samples.Attention.Encoder+Block+NestedAttention.g.cs",
            Dimensions(heads: 2, modelDim: 16, queryTokens: 4, keyTokens: 4, selfAttention: true),
            ["x: System.ReadOnlySpan<float>", "output: System.Span<float>"],
            metadataName: "Samples.Attention.Encoder+Block+NestedAttention");
    }

    [Fact]
    public void GlobalAttention_in_the_global_namespace_multi_query_with_custom_scale()
    {
        AssertValidLayer(
            "GlobalAttention",
            """
            using StaticAttention;

            [MultiHeadAttention(Heads = 4, KvHeads = 1, ModelDim = 32, Tokens = 5, Projections = Projections.Separate, Scale = 0.5f)]
            public partial class GlobalAttention;

            internal static class Usage
            {
                public static void Run(GlobalAttention layer, float[] x, float[] output) => layer.Forward(x: x, output: output);
            }
            """,
            "GlobalAttention.g.cs",
            Dimensions(heads: 4, modelDim: 32, queryTokens: 5, keyTokens: 5, kvHeads: 1, selfAttention: true),
            ["x: System.ReadOnlySpan<float>", "output: System.Span<float>"],
            metadataName: "GlobalAttention");
    }

    [Fact]
    public void LlamaDecoderAttention_rotary_grouped_query_with_a_cache()
    {
        AssertValidLayer(
            "LlamaDecoderAttention",
            """
            using StaticAttention;

            namespace Samples.Attention;

            // Llama-3.2-1B: num_attention_heads 32, num_key_value_heads 8, head_dim 64, hidden_size 2048, rope_theta 500000.
            [MultiHeadAttention(Heads = 32, KvHeads = 8, HeadDim = 64, ModelDim = 2048, Tokens = 512, Mask = AttentionMask.Causal,
                Rotary = RotaryEmbedding.RotateHalf, RotaryBase = 500000f, CacheTokens = 1024)]
            public partial class LlamaDecoderAttention;

            internal static class Usage
            {
                public static void Run(LlamaDecoderAttention layer, float[] prompt, float[] next, float[] y, float[] y1)
                {
                    using LlamaDecoderAttention.Cache cache = layer.CreateCache(batch: 1);
                    layer.Forward(x: prompt, cache: cache, output: y);
                    layer.Forward(x: next, cache: cache, output: y1);
                    System.Console.WriteLine($"{cache.Length} of {cache.Capacity} ({LlamaDecoderAttention.CacheTokens}, {LlamaDecoderAttention.RotaryDims})");
                    cache.Reset();
                }
            }
            """,
            "Samples.Attention.LlamaDecoderAttention.g.cs",
            Dimensions(heads: 32, modelDim: 2048, queryTokens: 512, keyTokens: 512, kvHeads: 8, headDim: 64, selfAttention: true),
            ["x: System.ReadOnlySpan<float>", "output: System.Span<float>"]);
    }

    [Fact]
    public void DecoderScoreTermsAttention_separate_projections_interleaved_partial_rotary_window_softcap_and_alibi()
    {
        AssertValidLayer(
            "DecoderScoreTermsAttention",
            """
            using StaticAttention;

            namespace Samples.Attention;

            [MultiHeadAttention(Heads = 6, KvHeads = 2, HeadDim = 8, ModelDim = 48, Tokens = 16, Projections = Projections.Separate, QkvBias = true,
                Mask = AttentionMask.Causal, Rotary = RotaryEmbedding.Interleaved, RotaryDims = 4, SlidingWindow = 5, Softcap = 30f, Alibi = true,
                CacheTokens = 32)]
            public partial class DecoderScoreTermsAttention;

            internal static class Usage
            {
                public static void Run(DecoderScoreTermsAttention layer, float[] x, float[] output)
                {
                    layer.Forward(x: x, output: output);
                    using var cache = layer.CreateCache(batch: 2);
                    layer.Forward(x, cache, output);
                }
            }
            """,
            "Samples.Attention.DecoderScoreTermsAttention.g.cs",
            Dimensions(heads: 6, modelDim: 48, queryTokens: 16, keyTokens: 16, kvHeads: 2, headDim: 8, selfAttention: true),
            ["x: System.ReadOnlySpan<float>", "output: System.Span<float>"]);
    }

    [Fact]
    public void Another_layers_cache_does_not_compile()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticAttention;

            namespace Samples.Attention;

            [MultiHeadAttention(Heads = 2, ModelDim = 16, Tokens = 4, Mask = AttentionMask.Causal, CacheTokens = 8)]
            public partial class FirstDecoder;

            [MultiHeadAttention(Heads = 2, ModelDim = 16, Tokens = 4, Mask = AttentionMask.Causal, CacheTokens = 8)]
            public partial class SecondDecoder;

            internal static class Usage
            {
                public static void Run(FirstDecoder first, SecondDecoder second, float[] x, float[] output)
                {
                    FirstDecoder.Cache cache = first.CreateCache(batch: 1);
                    second.Forward(x, cache, output);
                }
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        // The two layers have the same shapes, but each cache is its own type: CS1503, cannot convert FirstDecoder.Cache.
        Diagnostic error = Assert.Single(run.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("CS1503", error.Id);
        Assert.Contains("FirstDecoder.Cache", error.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Invalid_layer_generates_no_source()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticAttention;

            namespace Samples.Attention;

            [MultiHeadAttention(Heads = 4, ModelDim = 30, Tokens = 8)]
            public partial class InvalidAttention;
            """);

        Assert.Equal("SA0001", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.Empty(run.GeneratedSources);
        run.AssertNoErrorInGeneratedCode();
    }

    [Fact]
    public void Only_the_valid_layer_of_two_gets_code()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticAttention;

            namespace Samples.Attention;

            [MultiHeadAttention(Heads = 4, ModelDim = 30, Tokens = 8)]
            public partial class InvalidAttention;

            [MultiHeadAttention(Heads = 2, ModelDim = 16, Tokens = 4)]
            public partial class ValidAttention;
            """);

        Assert.Equal("SA0001", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.Equal("Samples.Attention.ValidAttention.g.cs", Assert.Single(run.LayerSources).HintName);
        run.AssertNoErrorInGeneratedCode();
    }

    [Fact]
    public void Emitted_code_is_deterministic()
    {
        const string source = """
            using StaticAttention;

            namespace Samples.Attention;

            [MultiHeadAttention(Heads = 6, ModelDim = 48, QueryTokens = 10, KeyTokens = 10, Projections = Projections.Separate, Mask = AttentionMask.KeepMask, ReturnWeights = true)]
            public partial class ClassicAttention;
            """;

        string first = GeneratorHarness.Run(source).SingleSource("Samples.Attention.ClassicAttention.g.cs");
        string second = GeneratorHarness.Run(source).SingleSource("Samples.Attention.ClassicAttention.g.cs");

        Assert.Equal(first, second);
    }

    // Helpers --------------------------------------------------------------------------------------------------------

    /// <summary>
    /// Generates <paramref name="source"/>'s single layer; checks: no diagnostics, one file named
    /// <paramref name="hintName"/> matching snapshot <paramref name="name"/>, a clean compilation, the dimension
    /// constants, both <c>Load</c> overloads and the <c>Forward</c> parameters.
    /// </summary>
    private static void AssertValidLayer(
        string name,
        string source,
        string hintName,
        IReadOnlyDictionary<string, int> constants,
        string[] forwardParameters,
        string? metadataName = null)
    {
        GeneratorRun run = GeneratorHarness.Run(source);

        Assert.True(run.GeneratorDiagnostics.IsEmpty, GeneratorRun.Describe(run.GeneratorDiagnostics));
        string text = run.SingleSource(hintName);
        Snapshot.Match(text, name);
        run.AssertCompilesCleanly();

        INamedTypeSymbol layer = run.OutputCompilation.GetTypeByMetadataName(metadataName ?? "Samples.Attention." + name)
            ?? throw new InvalidOperationException($"Type {name} not found.");
        AssertConstants(layer, constants);
        AssertLoad(layer);
        AssertForward(layer, forwardParameters);
    }

    /// <summary>The contract's constants: all nine dimensions, and <c>Tokens</c> exactly for self-attention.</summary>
    private static Dictionary<string, int> Dimensions(
        int heads, int modelDim, int queryTokens, int keyTokens,
        int? querySize = null, int? keySize = null, int? valueSize = null, int? kvHeads = null, int? headDim = null,
        bool selfAttention = false)
    {
        var constants = new Dictionary<string, int>
        {
            ["Heads"] = heads,
            ["KvHeads"] = kvHeads ?? heads,
            ["HeadDim"] = headDim ?? modelDim / heads,
            ["ModelDim"] = modelDim,
            ["QueryTokens"] = queryTokens,
            ["KeyTokens"] = keyTokens,
            ["QuerySize"] = querySize ?? modelDim,
            ["KeySize"] = keySize ?? modelDim,
            ["ValueSize"] = valueSize ?? modelDim,
        };
        if (selfAttention)
        {
            constants["Tokens"] = queryTokens;
        }

        return constants;
    }

    private static void AssertConstants(INamedTypeSymbol layer, IReadOnlyDictionary<string, int> expected)
    {
        foreach ((string name, int value) in expected)
        {
            IFieldSymbol field = Assert.Single(layer.GetMembers(name).OfType<IFieldSymbol>());
            Assert.True(field.IsConst && field.DeclaredAccessibility == Accessibility.Public, $"{name} is not a public const.");
            Assert.Equal(SpecialType.System_Int32, field.Type.SpecialType);
            Assert.True(value.Equals(field.ConstantValue), $"{layer.Name}.{name} is {field.ConstantValue}, expected {value}.");
        }

        if (!expected.ContainsKey("Tokens"))
        {
            Assert.True(layer.GetMembers("Tokens").IsEmpty, $"Cross-attention layer {layer.Name} should not declare Tokens.");
        }
    }

    private static void AssertLoad(INamedTypeSymbol layer)
    {
        string[] overloads = layer.GetMembers("Load")
            .OfType<IMethodSymbol>()
            .Where(m => m.IsStatic && m.DeclaredAccessibility == Accessibility.Public)
            .Select(m => $"{m.ReturnType.ToDisplayString()} Load({string.Join(", ", m.Parameters.Select(Describe))})")
            .Order(StringComparer.Ordinal)
            .ToArray();
        string type = layer.ToDisplayString();

        Assert.Equal(
            [
                $"{type} Load(checkpoint: StaticAttention.Weights.SafetensorsCheckpoint, prefix: string = \"\")",
                $"{type} Load(file: StaticAttention.Weights.SafetensorsFile, prefix: string = \"\")",
                $"{type} Load(path: string, prefix: string = \"\")",
                $"{type} Load(stream: System.IO.Stream, prefix: string = \"\")",
            ],
            overloads);
    }

    private static void AssertForward(INamedTypeSymbol layer, string[] expected)
    {
        IMethodSymbol[] overloads = [.. layer.GetMembers("Forward").OfType<IMethodSymbol>()];
        Assert.All(overloads, forward =>
        {
            Assert.Equal(Accessibility.Public, forward.DeclaredAccessibility);
            Assert.False(forward.IsStatic, "Forward should be an instance method (the layer holds its weights).");
        });

        // A layer with a cache also has Forward(x, cache, output), appending to its own cache type.
        IMethodSymbol[] cached = [.. overloads.Where(m => m.Parameters.Any(p => p.Name == "cache"))];
        if (layer.GetMembers("CacheTokens").Length > 0)
        {
            IMethodSymbol cachedForward = Assert.Single(cached);
            Assert.Equal(["x: System.ReadOnlySpan<float>", $"cache: {layer.ToDisplayString()}.Cache", "output: System.Span<float>"], cachedForward.Parameters.Select(Describe));
            Assert.Equal("StaticAttention.KeyValueCache", ((INamedTypeSymbol)cachedForward.Parameters[1].Type).BaseType!.ToDisplayString());
            overloads = [.. overloads.Except(cached, SymbolEqualityComparer.Default).Cast<IMethodSymbol>()];
        }
        else
        {
            Assert.Empty(cached);
        }

        // The span API of the contract.
        IMethodSymbol span = Assert.Single(overloads, m => m.Parameters[0].Type.Name == "ReadOnlySpan");
        Assert.Equal(expected, span.Parameters.Select(Describe));

        // The typed surface: one overload writing into a given output tensor (the span parameters' names, float spans
        // as tensors), and one returning a new output tensor (the same without output).
        // The device overload (GPU path) takes ILGPU views under the span overload's names.
        IMethodSymbol device = Assert.Single(overloads, m => m.Parameters[0].Type.Name == "ArrayView");
        Assert.Equal(span.Parameters.Select(p => p.Name), device.Parameters.Select(p => p.Name));

        IMethodSymbol[] typed = [.. overloads.Where(m => !SymbolEqualityComparer.Default.Equals(m, span) && !SymbolEqualityComparer.Default.Equals(m, device))];
        Assert.Equal(2, typed.Length);
        IMethodSymbol writing = Assert.Single(typed, m => m.ReturnsVoid);
        IMethodSymbol returning = Assert.Single(typed, m => !m.ReturnsVoid);
        Assert.Equal(span.Parameters.Select(p => p.Name), writing.Parameters.Select(p => p.Name));
        Assert.Equal(span.Parameters.Select(p => p.Name).Where(n => n != "output"), returning.Parameters.Select(p => p.Name));
        Assert.Equal("Tensor", returning.ReturnType.Name);
        Assert.All(
            writing.Parameters.Where(p => p.Name is "x" or "query" or "key" or "value" or "output"),
            p => Assert.Equal("StaticAttention.Tensors", p.Type.ContainingNamespace.ToDisplayString()));
    }

    private static string Describe(IParameterSymbol parameter) =>
        $"{parameter.Name}: {parameter.Type.ToDisplayString()}" +
        (parameter.HasExplicitDefaultValue ? $" = \"{parameter.ExplicitDefaultValue}\"" : "");
}
