using System.Globalization;
using Microsoft.CodeAnalysis;
using StaticAttention.Generator.Diagnostics;

namespace StaticAttention.Generator.Tests;

/// <summary>
/// One test per diagnostic of docs/diagnostics.md: the exact ID, formatted message and location (the span marked
/// <c>{|SA0001:...|}</c> in the source), reported on the user's tree, with no code generated for the invalid layer.
/// </summary>
public sealed class DiagnosticTests
{
    // SA0001 -------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(5, 64, 4)]
    [InlineData(4, 30, 3)] // 3 and 5 are equally near: the smaller wins
    [InlineData(7, 48, 6)] // 6 and 8 are equally near
    [InlineData(100, 64, 64)]
    public void SA0001_ModelDim_not_divisible_by_Heads_is_reported_on_Heads(int heads, int modelDim, int suggestion) =>
        AssertDiagnostics(
            Layer($"ModelDim = {modelDim}, {{|SA0001:Heads = {heads}|}}, Tokens = 8"),
            $"ModelDim {modelDim} is not divisible by Heads {heads}; choose Heads that divides ModelDim (for example {suggestion}) or set HeadDim");

    // SA0002 -------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("Heads", "0")]
    [InlineData("ModelDim", "-64")]
    [InlineData("QueryTokens", "0")]
    [InlineData("KeyTokens", "-1")]
    [InlineData("QuerySize", "0")]
    [InlineData("KeySize", "-16")]
    [InlineData("ValueSize", "0")]
    [InlineData("KvHeads", "-2")]
    [InlineData("HeadDim", "0")]
    public void SA0002_non_positive_size_is_reported_on_that_argument(string name, string value)
    {
        string[] arguments =
        [
            "Heads = 4", "ModelDim = 64", "QueryTokens = 8", "KeyTokens = 8", "QuerySize = 64", "KeySize = 64",
            "ValueSize = 64", "KvHeads = 4", "HeadDim = 16", "Projections = Projections.Separate",
        ];
        int index = Array.FindIndex(arguments, a => a.StartsWith(name + " =", StringComparison.Ordinal));
        arguments[index] = $"{{|SA0002:{name} = {value}|}}";

        AssertDiagnostics(Layer(string.Join(", ", arguments)), $"{name} must be positive, but is {value}");
    }

    [Fact]
    public void SA0002_non_positive_Tokens_is_reported_on_Tokens_and_counts_as_given() =>
        AssertDiagnostics(
            Layer("Heads = 4, ModelDim = 64, {|SA0002:Tokens = 0|}"),
            "Tokens must be positive, but is 0");

    [Fact]
    public void SA0002_is_reported_for_each_non_positive_argument_and_dependent_rules_are_not_checked() =>
        AssertDiagnostics(
            Layer("{|SA0002:Heads = 0|}, {|SA0002:ModelDim = -8|}, Tokens = 8, KvHeads = 3"),
            "Heads must be positive, but is 0",
            "ModelDim must be positive, but is -8");

    // SA0003 -------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("ModelDim = 64, Tokens = 8", "Heads")]
    [InlineData("Heads = 4, Tokens = 8", "ModelDim")]
    [InlineData("Tokens = 8", "Heads and ModelDim")]
    public void SA0003_missing_required_argument_is_reported_on_the_attribute_name(string arguments, string missing) =>
        AssertDiagnostics(
            Source($"[{{|SA0003:MultiHeadAttention|}}({arguments})]\npublic partial class Layer;"),
            $"[MultiHeadAttention] on 'Layer' needs {missing}");

    [Fact]
    public void SA0003_and_SA0006_are_both_reported_on_a_bare_attribute() =>
        AssertDiagnostics(
            Source("[{|SA0003,SA0006:MultiHeadAttention|}]\npublic partial class Layer;"),
            "[MultiHeadAttention] on 'Layer' needs Heads and ModelDim",
            "[MultiHeadAttention] on 'Layer' needs Tokens (self-attention) or both QueryTokens and KeyTokens (cross-attention); none is given");

    // SA0004 -------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(8, 3)]
    [InlineData(4, 8)]
    public void SA0004_Heads_not_divisible_by_KvHeads_is_reported_on_KvHeads(int heads, int kvHeads) =>
        AssertDiagnostics(
            Layer($"Heads = {heads}, {{|SA0004:KvHeads = {kvHeads}|}}, ModelDim = 64, Tokens = 8, Projections = Projections.Separate"),
            $"Heads {heads} is not divisible by KvHeads {kvHeads}; each key/value head must serve a whole group of query heads");

    // SA0005 -------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("QueryTokens")]
    [InlineData("KeyTokens")]
    public void SA0005_Tokens_with_a_cross_attention_length_is_reported_on_that_length(string name) =>
        AssertDiagnostics(
            Layer($"Heads = 4, ModelDim = 64, Tokens = 8, {{|SA0005:{name} = 8|}}"),
            $"{name} cannot be combined with Tokens: use Tokens for self-attention, or QueryTokens and KeyTokens for cross-attention");

    [Fact]
    public void SA0005_is_reported_on_each_cross_attention_length_given_with_Tokens() =>
        AssertDiagnostics(
            Layer("Heads = 4, ModelDim = 64, {|SA0005:KeyTokens = 6|}, Tokens = 8, {|SA0005:QueryTokens = 8|}"),
            "KeyTokens cannot be combined with Tokens: use Tokens for self-attention, or QueryTokens and KeyTokens for cross-attention",
            "QueryTokens cannot be combined with Tokens: use Tokens for self-attention, or QueryTokens and KeyTokens for cross-attention");

    // SA0006 -------------------------------------------------------------------------------------------------------

    private const string MissingLengths =
        "[MultiHeadAttention] on 'Layer' needs Tokens (self-attention) or both QueryTokens and KeyTokens (cross-attention); ";

    [Fact]
    public void SA0006_no_lengths_at_all_is_reported_on_the_attribute_name() =>
        AssertDiagnostics(
            Source("[{|SA0006:MultiHeadAttention|}(Heads = 4, ModelDim = 64)]\npublic partial class Layer;"),
            MissingLengths + "none is given");

    [Theory]
    [InlineData("QueryTokens")]
    [InlineData("KeyTokens")]
    public void SA0006_only_one_cross_attention_length_is_reported_on_it(string name) =>
        AssertDiagnostics(
            Layer($"Heads = 4, ModelDim = 64, {{|SA0006:{name} = 8|}}"),
            MissingLengths + $"only {name} is given");

    // SA0007 -------------------------------------------------------------------------------------------------------

    [Fact]
    public void SA0007_RelativePositionBias_in_cross_attention_is_reported_on_RelativePositionBias() =>
        AssertDiagnostics(
            Layer("Heads = 4, ModelDim = 64, QueryTokens = 8, KeyTokens = 6, {|SA0007:RelativePositionBias = true|}"),
            "RelativePositionBias needs self-attention with Tokens set; this layer has QueryTokens 8 and KeyTokens 6");

    // SA0008 -------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("AttentionMask.Causal")]
    [InlineData("AttentionMask.KeyPaddingMask | AttentionMask.Causal")]
    public void SA0008_Causal_with_different_lengths_is_reported_on_Mask(string mask) =>
        AssertDiagnostics(
            Layer($"Heads = 4, ModelDim = 64, QueryTokens = 8, KeyTokens = 6, {{|SA0008:Mask = {mask}|}}"),
            "AttentionMask.Causal needs equal query and key lengths, but QueryTokens is 8 and KeyTokens is 6");

    // SA0009 -------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("AttentionMask.ValidLengths | AttentionMask.KeepMask", "ValidLengths and KeepMask")]
    [InlineData("(AttentionMask)3", "ValidLengths and ValidLengthsPerQuery")]
    [InlineData("AttentionMask.KeyPaddingMask | AttentionMask.ValidLengthsPerQuery | AttentionMask.ValidLengths",
        "ValidLengths, ValidLengthsPerQuery and KeyPaddingMask")]
    [InlineData("AttentionMask.KeepMask | AttentionMask.KeyPaddingMask | AttentionMask.Causal", "KeepMask and KeyPaddingMask")]
    [InlineData("AttentionMask.ValidLengths | AttentionMask.ValidLengthsPerQuery | AttentionMask.KeepMask | AttentionMask.KeyPaddingMask",
        "ValidLengths, ValidLengthsPerQuery, KeepMask and KeyPaddingMask")]
    public void SA0009_several_mask_kinds_are_reported_on_Mask(string mask, string combined) =>
        AssertDiagnostics(
            Layer($"Heads = 4, ModelDim = 64, Tokens = 8, {{|SA0009:Mask = {mask}|}}"),
            $"Mask combines {combined}; choose at most one of ValidLengths, ValidLengthsPerQuery, KeepMask and KeyPaddingMask (Causal combines with any)");

    // SA0010 -------------------------------------------------------------------------------------------------------

    private const string NoProjections = "{|SA0010:Projections = Projections.None|}";

    [Theory]
    [InlineData("Heads = 2, ModelDim = 32, QueryTokens = 4, KeyTokens = 4, QuerySize = 16, " + NoProjections,
        "QuerySize = ModelDim, but QuerySize is 16 and ModelDim is 32")]
    [InlineData("Heads = 2, ModelDim = 32, QueryTokens = 4, KeyTokens = 4, KeySize = 16, " + NoProjections,
        "KeySize = ModelDim, but KeySize is 16 and ModelDim is 32")]
    [InlineData(NoProjections + ", Heads = 2, ModelDim = 32, QueryTokens = 4, KeyTokens = 4, ValueSize = 8, KeySize = 16",
        "KeySize = ModelDim, but KeySize is 16 and ModelDim is 32")]
    [InlineData("Heads = 2, ModelDim = 32, QueryTokens = 4, KeyTokens = 4, ValueSize = 64, " + NoProjections,
        "ValueSize = ModelDim, but ValueSize is 64 and ModelDim is 32")]
    [InlineData("Heads = 2, ModelDim = 32, HeadDim = 24, Tokens = 4, " + NoProjections,
        "Heads·HeadDim = ModelDim, but Heads·HeadDim is 48 and ModelDim is 32")]
    [InlineData("Heads = 8, KvHeads = 2, ModelDim = 32, Tokens = 4, " + NoProjections,
        "KvHeads = Heads, but KvHeads is 2 and Heads is 8")]
    [InlineData("Heads = 2, ModelDim = 32, Tokens = 4, " + NoProjections + ", OutputBias = true, QkvBias = true",
        "no biases, but QkvBias is true")]
    [InlineData("Heads = 2, ModelDim = 32, Tokens = 4, " + NoProjections + ", OutputBias = true",
        "no biases, but OutputBias is true")]
    public void SA0010_no_projections_with_a_shape_that_needs_one_is_reported_on_Projections(string arguments, string condition) =>
        AssertDiagnostics(
            Layer(arguments),
            $"Projections.None splits x into heads without any Linear, so it needs {condition}");

    // SA0011 -------------------------------------------------------------------------------------------------------

    private const string Cross = "Heads = 4, ModelDim = 64, QueryTokens = 8, KeyTokens = 8";

    [Theory]
    [InlineData(Cross + ", {|SA0011:KeySize = 32|}", "KeySize 32", 64)]
    [InlineData(Cross + ", {|SA0011:ValueSize = 48|}, Projections = Projections.Fused", "ValueSize 48", 64)]
    [InlineData(Cross + ", ValueSize = 48, {|SA0011:KeySize = 32|}", "KeySize 32", 64)] // KeySize is checked first
    [InlineData(Cross + ", KeySize = 64, {|SA0011:ValueSize = 32|}", "ValueSize 32", 64)]
    [InlineData(Cross + ", {|SA0011:QuerySize = 32|}", "KeySize 64", 32)] // the default differs: on QuerySize
    [InlineData(Cross + ", {|SA0011:QuerySize = 32|}, KeySize = 32", "ValueSize 64", 32)]
    public void SA0011_fused_projections_with_different_input_sizes_are_reported_on_the_differing_size(
        string arguments, string differing, int querySize) =>
        AssertDiagnostics(
            Layer(arguments),
            $"Projections.Fused uses one input matrix, so {differing} must equal QuerySize {querySize}; use Projections.Separate for different sizes");

    // SA0012 -------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("Heads = 4, ModelDim = 64, {|SA0012:QueryTokens = 40000000|}, KeyTokens = 8, Projections = Projections.Separate",
        "QueryTokens·QuerySize = 40000000·64")]
    [InlineData("Heads = 4, {|SA0012:ModelDim = 65536|}, QueryTokens = 40000, KeyTokens = 8", // the largest factor is a default
        "QueryTokens·QuerySize = 40000·65536")]
    [InlineData("Heads = 4, ModelDim = 64, QueryTokens = 8, {|SA0012:KeyTokens = 40000000|}, Projections = Projections.Separate",
        "KeyTokens·KeySize = 40000000·64")]
    [InlineData("Heads = 4, ModelDim = 64, QueryTokens = 8, KeyTokens = 1000, {|SA0012:ValueSize = 3000000|}, Projections = Projections.Separate",
        "KeyTokens·ValueSize = 1000·3000000")]
    [InlineData("Heads = 4, {|SA0012:ModelDim = 3000000|}, QueryTokens = 1000, KeyTokens = 8, QuerySize = 8, KeySize = 8, ValueSize = 8, Projections = Projections.Separate",
        "QueryTokens·ModelDim = 1000·3000000")]
    [InlineData("Heads = 64, ModelDim = 64, {|SA0012:QueryTokens = 9000|}, KeyTokens = 8000",
        "Heads·QueryTokens·KeyTokens = 64·9000·8000")]
    [InlineData("Heads = 4, ModelDim = 64, {|SA0012:HeadDim = 3000000|}, Tokens = 1", // the fused matrix; Heads+2·KvHeads = 12
        "(Heads+2·KvHeads)·HeadDim·QuerySize = 12·3000000·64")]
    [InlineData("Heads = 4, ModelDim = 1000, {|SA0012:HeadDim = 1000000|}, Tokens = 1, QuerySize = 1, KeySize = 1, ValueSize = 1",
        "ModelDim·Heads·HeadDim = 1000·4·1000000")]
    [InlineData("Heads = 4, ModelDim = 64, {|SA0012:Tokens = 40000000|}", // self-attention: the products name QueryTokens
        "QueryTokens·QuerySize = 40000000·64")]
    [InlineData("Heads = 4, ModelDim = 64, Tokens = 8, Mask = AttentionMask.Causal, {|SA0012:CacheTokens = 40000000|}", // the cache, batch aside
        "CacheTokens·KvHeads·HeadDim = 40000000·4·16")]
    [InlineData("Heads = 8, KvHeads = 2, ModelDim = 64, Tokens = 8, Mask = AttentionMask.Causal, {|SA0012:CacheTokens = 200000000|}",
        "CacheTokens·KvHeads·HeadDim = 200000000·2·8")]
    [InlineData("Heads = 1, {|SA0012:HeadDim = 50000|}, ModelDim = 1, Tokens = 46000, Rotary = RotaryEmbedding.RotateHalf", // the rotary table; RotaryDims is HeadDim
        "Tokens·RotaryDims = 46000·50000")]
    [InlineData("Heads = 1, HeadDim = 50000, ModelDim = 1, Tokens = 46000, Mask = AttentionMask.Causal, Rotary = RotaryEmbedding.RotateHalf, {|SA0012:RotaryDims = 50000|}, CacheTokens = 8",
        "max(Tokens,CacheTokens)·RotaryDims = 46000·50000")]
    public void SA0012_overflowing_size_is_reported_on_its_largest_factor(string arguments, string product) =>
        AssertDiagnostics(
            Layer(arguments),
            $"{product} does not fit in an int (at most 2147483647 elements)");

    // SA0013 -------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("-0.5f", "-0.5")]
    [InlineData("-0.001f", "-0.001")]
    [InlineData("float.NaN", "NaN")]
    [InlineData("float.PositiveInfinity", "Infinity")]
    [InlineData("float.NegativeInfinity", "-Infinity")]
    public void SA0013_invalid_scale_is_reported_on_Scale(string scale, string shown) =>
        AssertDiagnostics(
            Layer($"Heads = 4, ModelDim = 64, Tokens = 8, {{|SA0013:Scale = {scale}|}}"),
            $"Scale must be a positive finite number, or 0 for 1/sqrt(HeadDim), but is {shown}");

    // SA0014 -------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("Projections = (Projections)7", "Projections 7 is not a defined Projections value")]
    [InlineData("Projections = (Projections)(-1)", "Projections -1 is not a defined Projections value")]
    [InlineData("Mask = (AttentionMask)32", "Mask 32 is not a defined AttentionMask value")]
    [InlineData("Mask = AttentionMask.Causal | (AttentionMask)64", "Mask 80 is not a defined AttentionMask value")]
    [InlineData("Rotary = (RotaryEmbedding)3", "Rotary 3 is not a defined RotaryEmbedding value")]
    [InlineData("Rotary = (RotaryEmbedding)(-1)", "Rotary -1 is not a defined RotaryEmbedding value")]
    public void SA0014_undefined_enum_value_is_reported_on_the_argument(string argument, string message) =>
        AssertDiagnostics(
            Layer($"Heads = 4, ModelDim = 64, Tokens = 8, {{|SA0014:{argument}|}}"),
            message);

    // SA0015 - SA0018: the class -------------------------------------------------------------------------------------

    private const string ValidArguments = "Heads = 4, ModelDim = 64, Tokens = 8";

    [Fact]
    public void SA0015_non_partial_class_is_reported_on_the_class_name() =>
        AssertDiagnostics(
            Layer(ValidArguments, "public class {|SA0015:Layer|};"),
            "'Layer' has [MultiHeadAttention] but is not partial; declare it 'partial class Layer' so the generator can add the layer");

    [Fact]
    public void SA0015_class_rules_and_attribute_rules_are_reported_together() =>
        AssertDiagnostics(
            Layer("{|SA0001:Heads = 5|}, ModelDim = 64, Tokens = 8", "public sealed class {|SA0015:Layer|}\n{\n}"),
            "ModelDim 64 is not divisible by Heads 5; choose Heads that divides ModelDim (for example 4) or set HeadDim",
            "'Layer' has [MultiHeadAttention] but is not partial; declare it 'partial class Layer' so the generator can add the layer");

    [Fact]
    public void SA0016_generic_class_is_reported_on_the_class_name() =>
        AssertDiagnostics(
            Layer(ValidArguments, "public partial class {|SA0016:Layer|}<T>;"),
            "'Layer' has [MultiHeadAttention] but is generic; a layer's shapes are fixed, so its class cannot have type parameters");

    [Fact]
    public void SA0017_class_nested_in_a_non_partial_type_is_reported_on_the_class_name() =>
        AssertDiagnostics(
            Source($$"""
                public class Outer
                {
                    [MultiHeadAttention({{ValidArguments}})]
                    public partial class {|SA0017:Layer|};
                }
                """),
            "'Layer' is nested in 'Outer', which is not partial; declare 'Outer' partial so the generator can add to 'Layer'");

    [Fact]
    public void SA0017_names_the_non_partial_type_among_several_containing_types() =>
        AssertDiagnostics(
            Source($$"""
                public partial class Model
                {
                    internal struct Block
                    {
                        [MultiHeadAttention({{ValidArguments}})]
                        public partial class {|SA0017:Layer|};
                    }
                }
                """),
            "'Layer' is nested in 'Block', which is not partial; declare 'Block' partial so the generator can add to 'Layer'");

    [Fact]
    public void SA0018_static_class_is_reported_on_the_class_name() =>
        AssertDiagnostics(
            Layer(ValidArguments, "public static partial class {|SA0018:Layer|};"),
            "'Layer' has [MultiHeadAttention] but is static; a layer holds its weights, so it must be an instance class");

    // SA0015 - SA0018 on [LayerStack]: the same class rules, naming the stack's attribute --------------------------

    [Fact]
    public void SA0015_non_partial_stack_is_reported_on_the_class_name() =>
        AssertStackDiagnostics(
            Stack("public class {|SA0015:Stack|};"),
            "'Stack' has [LayerStack] but is not partial; declare it 'partial class Stack' so the generator can add the stack");

    [Fact]
    public void SA0016_generic_stack_is_reported_on_the_class_name() =>
        AssertStackDiagnostics(
            Stack("public partial class {|SA0016:Stack|}<T>;"),
            "'Stack' has [LayerStack] but is generic; a stack's shapes are fixed, so its class cannot have type parameters");

    [Fact]
    public void SA0017_stack_nested_in_a_non_partial_type_is_reported_on_the_class_name() =>
        AssertStackDiagnostics(
            Source($$"""
                [MultiHeadAttention({{ValidArguments}})]
                public partial class Block;

                public partial class Model
                {
                    internal struct Outer
                    {
                        [LayerStack(typeof(Block), typeof(Block))]
                        public partial class {|SA0017:Stack|};
                    }
                }
                """),
            "'Stack' is nested in 'Outer', which is not partial; declare 'Outer' partial so the generator can add to 'Stack'");

    [Fact]
    public void SA0018_static_stack_is_reported_on_the_class_name() =>
        AssertStackDiagnostics(
            Stack("public static partial class {|SA0018:Stack|};"),
            "'Stack' has [LayerStack] but is static; a stack holds its layers, so it must be an instance class");

    // SA0026 - SA0031: the decoder options ---------------------------------------------------------------------------

    [Theory]
    [InlineData("{|SA0026:SlidingWindow = 4|}", "SlidingWindow 4 needs AttentionMask.Causal in Mask, but Mask is AttentionMask.None")]
    [InlineData("{|SA0026:Alibi = true|}", "Alibi needs AttentionMask.Causal in Mask, but Mask is AttentionMask.None")]
    [InlineData("Mask = AttentionMask.None, {|SA0026:CacheTokens = 16|}", "CacheTokens 16 needs AttentionMask.Causal in Mask, but Mask is AttentionMask.None")]
    public void SA0026_window_alibi_or_cache_without_Causal_is_reported_on_that_argument(string arguments, string message) =>
        AssertDiagnostics(Layer("Heads = 4, ModelDim = 64, Tokens = 8, " + arguments), message);

    [Fact]
    public void SA0026_is_reported_on_each_option_that_needs_Causal() =>
        AssertDiagnostics(
            Layer("Heads = 4, ModelDim = 64, Tokens = 8, {|SA0026,SA0031:CacheTokens = 8|}, Mask = AttentionMask.KeyPaddingMask, {|SA0026,SA0031:SlidingWindow = 2|}"),
            "CacheTokens 8 needs AttentionMask.Causal in Mask, but Mask is AttentionMask.KeyPaddingMask",
            "CacheTokens together with AttentionMask.KeyPaddingMask is not supported in this release; remove one of them",
            "SlidingWindow 2 needs AttentionMask.Causal in Mask, but Mask is AttentionMask.KeyPaddingMask",
            "SlidingWindow together with AttentionMask.KeyPaddingMask is not supported in this release; remove one of them");

    [Theory]
    [InlineData("{|SA0027:Rotary = RotaryEmbedding.RotateHalf|}", "Rotary")]
    [InlineData("Mask = AttentionMask.Causal, {|SA0027:CacheTokens = 16|}", "CacheTokens")]
    public void SA0027_rotary_or_cache_on_cross_attention_is_reported_on_that_argument(string arguments, string name) =>
        AssertDiagnostics(
            Layer("Heads = 4, ModelDim = 64, QueryTokens = 8, KeyTokens = 8, " + arguments),
            $"{name} needs self-attention with Tokens set; this layer has QueryTokens 8 and KeyTokens 8");

    private const string RotaryDimsRule = "Rotary embeddings turn features in pairs, so RotaryDims must be an even number from 0 to HeadDim ";

    [Theory]
    [InlineData("ModelDim = 64", "{|SA0028:RotaryDims = 7|}", "16 (0 means HeadDim), but it is 7")]
    [InlineData("ModelDim = 64", "{|SA0028:RotaryDims = -2|}", "16 (0 means HeadDim), but it is -2")]
    [InlineData("ModelDim = 64", "{|SA0028:RotaryDims = 18|}", "16 (0 means HeadDim), but it is 18")]
    [InlineData("ModelDim = 64, HeadDim = 8", "{|SA0028:RotaryDims = 9|}", "8 (0 means HeadDim), but it is 9")]
    [InlineData("ModelDim = 64, HeadDim = 15", "{|SA0028:RotaryDims = 0|}", "15 (0 means HeadDim), but it is 0, which means HeadDim 15, an odd number")]
    public void SA0028_odd_negative_or_too_large_RotaryDims_is_reported_on_RotaryDims(string sizes, string rotaryDims, string rest) =>
        AssertDiagnostics(
            Layer($"Heads = 4, {sizes}, Tokens = 8, Rotary = RotaryEmbedding.Interleaved, {rotaryDims}"),
            RotaryDimsRule + rest);

    [Fact]
    public void SA0028_rotary_over_an_odd_HeadDim_is_reported_on_Rotary() =>
        AssertDiagnostics(
            Layer("Heads = 4, ModelDim = 60, Tokens = 8, {|SA0028:Rotary = RotaryEmbedding.RotateHalf|}"),
            RotaryDimsRule + "15 (0 means HeadDim), but it is unset, which means HeadDim 15, an odd number");

    [Theory]
    [InlineData("{|SA0029:RotaryDims = 8|}", "RotaryDims 8")]
    [InlineData("{|SA0029:RotaryBase = 500000f|}", "RotaryBase 500000")]
    [InlineData("Rotary = RotaryEmbedding.None, {|SA0029:RotaryBase = 10000|}", "RotaryBase 10000")]
    public void SA0029_rotary_option_without_Rotary_is_a_warning_on_that_argument_and_the_layer_is_generated(string arguments, string option) =>
        AssertWarnings(
            Layer("Heads = 4, ModelDim = 64, Tokens = 8, " + arguments),
            $"{option} has no effect because Rotary is RotaryEmbedding.None; set Rotary = RotaryEmbedding.RotateHalf (or Interleaved), or remove {option.Split(' ')[0]}");

    [Fact]
    public void SA0029_is_reported_on_each_rotary_option_and_an_odd_RotaryDims_is_still_an_error() =>
        AssertMixedDiagnostics(
            Layer("Heads = 4, ModelDim = 64, Tokens = 8, {|SA0029:RotaryBase = 1E6f|}, {|SA0028,SA0029:RotaryDims = 5|}"),
            [DiagnosticSeverity.Warning, DiagnosticSeverity.Error, DiagnosticSeverity.Warning],
            "RotaryBase 1000000 has no effect because Rotary is RotaryEmbedding.None; set Rotary = RotaryEmbedding.RotateHalf (or Interleaved), or remove RotaryBase",
            RotaryDimsRule + "16 (0 means HeadDim), but it is 5",
            "RotaryDims 5 has no effect because Rotary is RotaryEmbedding.None; set Rotary = RotaryEmbedding.RotateHalf (or Interleaved), or remove RotaryDims");

    [Theory]
    [InlineData("SlidingWindow = -1", "SlidingWindow must be 0 (no window) or positive, but is -1")]
    [InlineData("CacheTokens = -16", "CacheTokens must be 0 (no cache) or positive, but is -16")]
    [InlineData("Softcap = -5f", "Softcap must be 0 (no softcap) or a positive finite number, but is -5")]
    [InlineData("Softcap = float.NaN", "Softcap must be 0 (no softcap) or a positive finite number, but is NaN")]
    [InlineData("Softcap = float.PositiveInfinity", "Softcap must be 0 (no softcap) or a positive finite number, but is Infinity")]
    [InlineData("RotaryBase = 0", "RotaryBase must be a positive finite number, but is 0")]
    [InlineData("RotaryBase = -10000f", "RotaryBase must be a positive finite number, but is -10000")]
    [InlineData("RotaryBase = float.NaN", "RotaryBase must be a positive finite number, but is NaN")]
    [InlineData("RotaryBase = float.PositiveInfinity", "RotaryBase must be a positive finite number, but is Infinity")]
    public void SA0030_invalid_window_softcap_capacity_or_rotary_base_is_reported_on_that_argument(string argument, string message) =>
        AssertDiagnostics(
            Layer($"Heads = 4, ModelDim = 64, Tokens = 8, Mask = AttentionMask.Causal, Rotary = RotaryEmbedding.RotateHalf, {{|SA0030:{argument}|}}"),
            message);

    [Fact]
    public void SA0030_like_SA0002_holds_back_the_rules_that_depend_on_the_sizes() =>
        AssertDiagnostics(
            Layer("Heads = 5, ModelDim = 64, Tokens = 8, {|SA0030:SlidingWindow = -1|}"),
            "SlidingWindow must be 0 (no window) or positive, but is -1");

    private const string Decoder = "Heads = 4, ModelDim = 64, Tokens = 8, ";

    [Theory]
    [InlineData(Decoder + "Mask = AttentionMask.Causal, ReturnWeights = true, {|SA0031:SlidingWindow = 4|}", "SlidingWindow", "ReturnWeights = true")]
    [InlineData(Decoder + "ReturnWeights = true, {|SA0031:Softcap = 30f|}", "Softcap", "ReturnWeights = true")]
    [InlineData(Decoder + "Mask = AttentionMask.Causal, {|SA0031:CacheTokens = 8|}, ReturnWeights = true", "CacheTokens", "ReturnWeights = true")]
    [InlineData(Decoder + "RelativePositionBias = true, {|SA0031:Softcap = 50f|}", "Softcap", "RelativePositionBias = true")]
    [InlineData(Decoder + "Mask = AttentionMask.Causal, RelativePositionBias = true, {|SA0031:Alibi = true|}", "Alibi", "RelativePositionBias = true")]
    [InlineData(Decoder + "Mask = AttentionMask.KeepMask | AttentionMask.Causal, {|SA0031:Alibi = true|}", "Alibi", "AttentionMask.KeepMask")]
    [InlineData(Decoder + "Mask = AttentionMask.KeyPaddingMask, {|SA0031:Softcap = 30f|}", "Softcap", "AttentionMask.KeyPaddingMask")]
    [InlineData(Decoder + "Mask = AttentionMask.Causal | AttentionMask.ValidLengths, {|SA0031:CacheTokens = 8|}", "CacheTokens", "AttentionMask.ValidLengths")]
    [InlineData(Decoder + "Mask = AttentionMask.ValidLengthsPerQuery | AttentionMask.Causal, {|SA0031:SlidingWindow = 2|}", "SlidingWindow", "AttentionMask.ValidLengthsPerQuery")]
    [InlineData(Decoder + "Projections = Projections.None, {|SA0031:Rotary = RotaryEmbedding.RotateHalf|}", "Rotary", "Projections.None")]
    [InlineData(Decoder + "Projections = Projections.None, Mask = AttentionMask.Causal, {|SA0031:CacheTokens = 8|}", "CacheTokens", "Projections.None")]
    public void SA0031_a_combination_this_release_does_not_run_is_reported_on_the_decoder_option(string arguments, string option, string other) =>
        AssertDiagnostics(Layer(arguments), $"{option} together with {other} is not supported in this release; remove one of them");

    [Theory]
    [InlineData("Heads = 4, ModelDim = 64, Tokens = 8, Softcap = 30f")] // softcap needs no Causal
    [InlineData("Heads = 4, ModelDim = 64, QueryTokens = 8, KeyTokens = 6, KeySize = 64, Softcap = 50f")] // nor self-attention
    [InlineData("Heads = 4, ModelDim = 64, QueryTokens = 8, KeyTokens = 8, Mask = AttentionMask.Causal, SlidingWindow = 3, Alibi = true")] // causal cross-attention
    [InlineData("Heads = 8, KvHeads = 2, HeadDim = 16, ModelDim = 96, Tokens = 12, Mask = AttentionMask.Causal, QkvBias = true, OutputBias = true, " +
        "Rotary = RotaryEmbedding.RotateHalf, RotaryBase = 500000f, RotaryDims = 8, SlidingWindow = 4, Softcap = 30f, CacheTokens = 32")] // all together
    [InlineData("Heads = 6, ModelDim = 48, Tokens = 10, Mask = AttentionMask.Causal, QkvBias = true, Alibi = true, CacheTokens = 10")]
    [InlineData("Heads = 4, ModelDim = 64, Tokens = 8, Mask = AttentionMask.KeepMask, ReturnWeights = true, RelativePositionBias = true, " +
        "Rotary = RotaryEmbedding.Interleaved, RotaryDims = 16, RotaryBase = 10000f")] // rotary combines with every mask and output
    [InlineData("Heads = 2, HeadDim = 15, ModelDim = 30, Tokens = 4, Rotary = RotaryEmbedding.RotateHalf, RotaryDims = 14")] // an odd HeadDim, partly rotated
    [InlineData("Heads = 4, ModelDim = 64, Tokens = 8, Rotary = RotaryEmbedding.None, SlidingWindow = 0, Softcap = 0, Alibi = false, CacheTokens = 0")] // all off
    [InlineData("Heads = 4, ModelDim = 64, Tokens = 8, Projections = Projections.None, Mask = AttentionMask.Causal, SlidingWindow = 2, Softcap = 20f, Alibi = true")]
    public void Valid_decoder_layer_has_no_diagnostics_and_compiles(string arguments) =>
        Valid_layer_has_no_diagnostics_and_compiles(arguments);

    // Valid layers ---------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("Heads = 12, ModelDim = 768, Tokens = 8, Projections = Projections.Fused, QkvBias = true, OutputBias = true, RelativePositionBias = true")]
    [InlineData("Heads = 5, HeadDim = 8, ModelDim = 48, Tokens = 4")] // HeadDim set: ModelDim % Heads does not matter
    [InlineData("Heads = 4, ModelDim = 64, QueryTokens = 8, KeyTokens = 6, QuerySize = 32, KeySize = 32, ValueSize = 32")] // Fused, equal sizes
    [InlineData("Heads = 4, ModelDim = 64, QueryTokens = 8, KeyTokens = 6, KeySize = 64, Mask = AttentionMask.ValidLengthsPerQuery")]
    [InlineData("Heads = 4, ModelDim = 64, Tokens = 8, Scale = 0")]
    [InlineData("Heads = 4, ModelDim = 64, Tokens = 8, Scale = 0.125f, Mask = AttentionMask.KeepMask | AttentionMask.Causal")]
    [InlineData("Heads = 4, ModelDim = 64, Tokens = 8, Mask = AttentionMask.None, Projections = Projections.None")]
    public void Valid_layer_has_no_diagnostics_and_compiles(string arguments)
    {
        GeneratorRun run = GeneratorHarness.Run(Layer(arguments));

        Assert.True(run.GeneratorDiagnostics.IsEmpty, GeneratorRun.Describe(run.GeneratorDiagnostics));
        Assert.Equal("Tests.Layer.g.cs", Assert.Single(run.LayerSources).HintName);
        run.AssertCompilesCleanly();
    }

    [Fact]
    public void Descriptors_have_the_documented_ids_severities_and_help_links()
    {
        var descriptors = typeof(DiagnosticDescriptors)
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Select(f => f.GetValue(null))
            .OfType<DiagnosticDescriptor>()
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(Enumerable.Range(1, 31).Select(i => $"SA{i:D4}"), descriptors.Select(d => d.Id));
        Assert.All(descriptors, d =>
        {
            // SA0021 (a Load prefix without a trailing dot) may be intended, and SA0029 (a rotary option without Rotary)
            // is harmless; every other rule is a certain mistake.
            Assert.Equal(d.Id is "SA0021" or "SA0029" ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, d.DefaultSeverity);
            Assert.True(d.IsEnabledByDefault);
            Assert.EndsWith("docs/diagnostics.md#" + d.Id.ToLowerInvariant(), d.HelpLinkUri, StringComparison.Ordinal);
        });
    }

    // Helpers --------------------------------------------------------------------------------------------------------

    private static string Source(string body) => $$"""
        using StaticAttention;

        namespace Tests;

        {{body}}
        """;

    private static string Layer(string arguments, string declaration = "public partial class Layer;") =>
        Source($"[MultiHeadAttention({arguments})]\n{declaration}");

    /// <summary>A stack of two <c>Block</c> layers (valid), declared as <paramref name="declaration"/>.</summary>
    private static string Stack(string declaration) =>
        Source($"[MultiHeadAttention({ValidArguments})]\npublic partial class Block;\n\n[LayerStack(typeof(Block), typeof(Block))]\n{declaration}");

    /// <summary>
    /// Runs the generator over <paramref name="markup"/> and checks that it reports exactly the marked diagnostics, in
    /// the order of their spans, with <paramref name="messages"/>, as errors in the user's own tree; that it generates
    /// nothing for the invalid layer; and that no compiler error points into generated code (nor anywhere: the test
    /// sources are valid C#).
    /// </summary>
    private static void AssertDiagnostics(string markup, params string[] messages) =>
        AssertDiagnostics(markup, [], messages);

    /// <summary>
    /// As <see cref="AssertDiagnostics(string, string[])"/> with the severity of each diagnostic in span order: a layer
    /// with an error among its warnings still gets no code.
    /// </summary>
    private static void AssertMixedDiagnostics(string markup, DiagnosticSeverity[] severities, params string[] messages) =>
        AssertDiagnostics(markup, [], messages, severities);

    /// <summary>
    /// Checks that the generator reports exactly the marked diagnostics, each a warning with <paramref name="messages"/>,
    /// and still writes the layer, which compiles with no error.
    /// </summary>
    private static void AssertWarnings(string markup, params string[] messages)
    {
        MarkupSource parsed = MarkupSource.Parse(markup);
        GeneratorRun run = GeneratorHarness.Run(parsed.Source);

        AssertReported(parsed, run, messages);
        Assert.All(run.GeneratorDiagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Assert.Equal("Tests.Layer.g.cs", Assert.Single(run.LayerSources).HintName);
        Diagnostic[] errors = run.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, "The output compilation has errors:\n" + GeneratorRun.Describe(errors));
    }

    /// <summary>
    /// As <see cref="AssertDiagnostics(string, string[])"/> for an invalid stack of the valid layer <c>Block</c>: the
    /// generator writes <c>Block</c> and the dimension markers it uses, and nothing for the stack.
    /// </summary>
    private static void AssertStackDiagnostics(string markup, params string[] messages) =>
        AssertDiagnostics(markup, [GeneratorRun.DimensionsHintName, "Tests.Block.g.cs"], messages);

    private static void AssertDiagnostics(string markup, string[] generated, string[] messages, DiagnosticSeverity[]? severities = null)
    {
        MarkupSource parsed = MarkupSource.Parse(markup);
        GeneratorRun run = GeneratorHarness.Run(parsed.Source);

        AssertReported(parsed, run, messages);
        DiagnosticSeverity[] actualSeverities = [.. SpanOrder(run.GeneratorDiagnostics).Select(d => d.Severity)];
        Assert.Equal(severities ?? [.. actualSeverities.Select(_ => DiagnosticSeverity.Error)], actualSeverities);
        Assert.All(run.GeneratorDiagnostics, d => Assert.Same(run.UserTree, d.Location.SourceTree));
        Assert.Equal(generated, run.GeneratedSources.Select(source => source.HintName).Order(StringComparer.Ordinal));
        run.AssertNoErrorInGeneratedCode();
        Diagnostic[] errors = run.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, "The output compilation has errors:\n" + GeneratorRun.Describe(errors));
    }

    /// <summary>Checks that <paramref name="run"/> reported exactly the spans marked in <paramref name="parsed"/>, in span order, with <paramref name="messages"/>.</summary>
    private static void AssertReported(MarkupSource parsed, GeneratorRun run, string[] messages)
    {
        Assert.True(parsed.Spans.Count == messages.Length, "The test marks a different number of spans than it gives messages.");

        string[] expected = parsed.Spans
            .Select((marked, i) => Format(marked.Id, marked.Span, parsed.Source, messages[i]))
            .ToArray();
        string[] actual = SpanOrder(run.GeneratorDiagnostics)
            .Select(d => Format(d.Id, d.Location.SourceSpan, parsed.Source, d.GetMessage(CultureInfo.InvariantCulture)))
            .ToArray();
        Assert.True(
            expected.SequenceEqual(actual),
            $"Expected diagnostics:\n  {string.Join("\n  ", expected)}\nActual diagnostics:\n  {string.Join("\n  ", actual)}");
    }

    private static IEnumerable<Diagnostic> SpanOrder(IEnumerable<Diagnostic> diagnostics) =>
        diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal);

    private static string Format(string id, Microsoft.CodeAnalysis.Text.TextSpan span, string source, string message)
    {
        string text = span.End <= source.Length ? source.Substring(span.Start, span.Length) : "<outside the source>";
        return $"{id} at {span} '{text}': {message}";
    }
}
