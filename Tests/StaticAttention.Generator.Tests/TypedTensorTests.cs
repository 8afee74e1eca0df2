using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticAttention.Generator.Tests.Snapshots;

namespace StaticAttention.Generator.Tests;

/// <summary>
/// The typed surface: one file of dimension markers per compilation (deduplicated, sorted, as visible as the layers
/// need, reused from a referenced assembly), and wiring of typed tensors that the compiler checks.
/// </summary>
public sealed class TypedTensorTests
{
    private const string TwoLayers = """
        using StaticAttention;
        using StaticAttention.Dimensions;
        using StaticAttention.Tensors;

        namespace Samples.Typed;

        [MultiHeadAttention(Heads = 12, ModelDim = 768, Tokens = 8)]
        public partial class Temporal;

        [MultiHeadAttention(Heads = 12, ModelDim = 768, QueryTokens = 16, KeyTokens = 8, KeySize = 384, ValueSize = 384, Projections = Projections.Separate)]
        internal partial class Cross;

        internal static class Wiring
        {
            public static Tensor<D16, D768> Run(Temporal temporal, Cross cross, Tensor<D8, D768> x, Tensor<D16, D768> queries, Tensor<D8, D384> memory)
            {
                using Tensor<D8, D768> encoded = temporal.Forward(x);
                using Tensor<D8, D768> again = temporal.Forward(encoded);
                return cross.Forward(queries, memory, memory);
            }
        }
        """;

    [Fact]
    public void Dimensions_file_lists_each_size_once_in_order()
    {
        GeneratorRun run = GeneratorHarness.Run(TwoLayers);

        Assert.Empty(run.GeneratorDiagnostics);
        Snapshot.Match(run.DimensionsSource!, "Dimensions");
        run.AssertCompilesCleanly();
    }

    [Fact]
    public void Markers_are_internal_when_no_layer_is_visible_outside_the_assembly()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticAttention;
            namespace Samples;
            public static class Outer
            {
                [MultiHeadAttention(Heads = 2, ModelDim = 8, Tokens = 4)]
                internal partial class Hidden;
            }
            """.Replace("public static class Outer", "public static partial class Outer"));

        Assert.Contains("internal readonly struct D4 ", run.DimensionsSource);
        Assert.DoesNotContain("public readonly struct", run.DimensionsSource);
        run.AssertCompilesCleanly();
    }

    [Fact]
    public void No_markers_without_a_valid_layer()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticAttention;
            [MultiHeadAttention(Heads = 5, ModelDim = 8, Tokens = 4)]
            public partial class Broken;
            """);

        Assert.Null(run.DimensionsSource);
    }

    [Theory]
    [InlineData("temporal.Forward(queries)", "CS1503")] // (16, 768) where (8, 768) is expected
    [InlineData("cross.Forward(x, memory, memory)", "CS1503")] // (8, 768) as the (16, 768) query
    [InlineData("cross.Forward(queries, x, memory)", "CS1503")] // (8, 768) as the (8, 384) key
    [InlineData("temporal.Forward(cross.Forward(queries, memory, memory))", "CS1503")] // a (16, 768) output into an (8, 768) layer
    public void Wiring_a_tensor_of_another_shape_does_not_compile(string call, string id)
    {
        string source = TwoLayers.Replace("return cross.Forward(queries, memory, memory);", $"_ = {call};\n        return queries;");
        GeneratorRun run = GeneratorHarness.Run(source);

        Diagnostic error = Assert.Single(run.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(id, error.Id);
        Assert.Same(run.UserTree, error.Location.SourceTree);
        run.AssertNoErrorInGeneratedCode();
    }

    [Fact]
    public void A_referenced_assembly_s_public_markers_are_reused_so_layers_wire_across_assemblies()
    {
        GeneratorRun library = GeneratorHarness.Run("""
            using StaticAttention;
            namespace Library;
            [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8)]
            public partial class Encoder;
            """);
        library.AssertCompilesCleanly();
        using var stream = new MemoryStream();
        Assert.True(library.OutputCompilation.Emit(stream, cancellationToken: TestContext.Current.CancellationToken).Success);
        MetadataReference reference = MetadataReference.CreateFromImage(stream.ToArray());

        CSharpCompilation app = CSharpCompilation.Create(
            "App",
            [GeneratorHarness.Parse("""
                using StaticAttention;
                using StaticAttention.Dimensions;
                using StaticAttention.Tensors;
                namespace App;
                [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, QuerySize = 32, Projections = Projections.Separate)]
                public partial class Decoder;
                public static class Pipeline
                {
                    public static Tensor<D8, D64> Run(Library.Encoder encoder, Decoder decoder, Tensor<D8, D32> x)
                    {
                        using Tensor<D8, D64> h = decoder.Forward(x);
                        return encoder.Forward(h);
                    }
                }
                """, "App.cs")],
            [.. GeneratorHarness.References, reference],
            GeneratorHarness.CompilationOptions);
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), app);

        // D8 and D64 come from Library; only D32 is new.
        Assert.Contains("struct D32 ", run.DimensionsSource);
        Assert.DoesNotContain("struct D8 ", run.DimensionsSource);
        Assert.DoesNotContain("struct D64 ", run.DimensionsSource);
        run.AssertCompilesCleanly();
    }

    [Fact]
    public void Stack_gets_a_constructor_and_a_typed_Forward_through_its_layers()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticAttention;
            using StaticAttention.Dimensions;
            using StaticAttention.Tensors;

            namespace Samples.Typed;

            [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, QuerySize = 32, Projections = Projections.Separate)]
            public partial class Up;

            [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8, Mask = AttentionMask.Causal)]
            public partial class Block;

            [LayerStack(typeof(Up), typeof(Block), typeof(Block))]
            public partial class Encoder;

            internal static class Use
            {
                public static Tensor<D8, D64> Run(Up up, Block a, Block b, Tensor<D8, D32> x) => new Encoder(up, a, b).Forward(x);
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Snapshot.Match(Assert.Single(run.GeneratedSources, s => s.HintName == "Samples.Typed.Encoder.g.cs").SourceText.ToString(), "Encoder");
        run.AssertCompilesCleanly();
    }

    [Fact]
    public void Stack_nested_in_generic_types_is_declared_inside_them_and_named_by_its_metadata_name()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticAttention;
            using StaticAttention.Dimensions;
            using StaticAttention.Tensors;

            namespace Samples.Typed;

            [MultiHeadAttention(Heads = 4, ModelDim = 64, Tokens = 8)]
            public partial class Block;

            public partial record Model<TConfig>
            {
                internal partial struct Part<T>
                {
                    [LayerStack(typeof(Block), typeof(Block))]
                    public partial class Encoder;

                    public static Tensor<D8, D64> Run(Block a, Block b, Tensor<D8, D64> x) => new Encoder(a, b).Forward(x);
                }
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        string source = Assert.Single(run.GeneratedSources, s => s.HintName == "Samples.Typed.Model`1+Part`1+Encoder.g.cs").SourceText.ToString();
        Assert.Contains("partial record Model<TConfig>", source, StringComparison.Ordinal);
        Assert.Contains("partial struct Part<T>", source, StringComparison.Ordinal);
        run.AssertCompilesCleanly();
    }
}
