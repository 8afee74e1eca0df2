using Microsoft.CodeAnalysis;

namespace StaticAttention.Generator.Diagnostics
{
    /// <summary>
    /// Every diagnostic the StaticAttention generator reports. The IDs are stable (code fixes and users' <c>#pragma</c>s
    /// refer to them) and listed in AnalyzerReleases.Unshipped.md.
    /// </summary>
    internal static class DiagnosticDescriptors
    {
        private const string Category = "StaticAttention";

        public const string ModelDimNotDivisibleByHeadsId = "SA0001";
        public const string NonPositiveSizeId = "SA0002";
        public const string MissingRequiredArgumentId = "SA0003";
        public const string HeadsNotDivisibleByKvHeadsId = "SA0004";
        public const string ConflictingLengthsId = "SA0005";
        public const string MissingLengthsId = "SA0006";
        public const string RelativePositionBiasNeedsTokensId = "SA0007";
        public const string CausalNeedsEqualLengthsId = "SA0008";
        public const string MultipleMaskKindsId = "SA0009";
        public const string NoProjectionsNeedModelDimId = "SA0010";
        public const string FusedNeedsEqualInputSizesId = "SA0011";
        public const string SizeOverflowId = "SA0012";
        public const string InvalidScaleId = "SA0013";
        public const string UndefinedEnumValueId = "SA0014";
        public const string ClassNotPartialId = "SA0015";
        public const string ClassIsGenericId = "SA0016";
        public const string ContainingTypeNotPartialId = "SA0017";
        public const string ClassIsStaticId = "SA0018";
        public const string SpanLengthNotWholeItemsId = "SA0019";
        public const string SpanLengthWrongForBatchId = "SA0020";
        public const string PrefixWithoutDotId = "SA0021";
        public const string MaskNotDeclaredId = "SA0022";
        public const string StackShapeMismatchId = "SA0023";
        public const string StackMemberNotALayerId = "SA0024";
        public const string StackMemberNeedsMoreInputsId = "SA0025";
        public const string DecoderOptionNeedsCausalId = "SA0026";
        public const string DecoderOptionNeedsSelfAttentionId = "SA0027";
        public const string InvalidRotaryDimsId = "SA0028";
        public const string RotaryOptionWithoutRotaryId = "SA0029";
        public const string InvalidDecoderValueId = "SA0030";
        public const string DecoderCombinationNotSupportedId = "SA0031";

        /// <summary>SA0001, on <c>Heads</c>: <c>ModelDim % Heads != 0</c> while <c>HeadDim</c> is unset.</summary>
        public static readonly DiagnosticDescriptor ModelDimNotDivisibleByHeads = Error(
            ModelDimNotDivisibleByHeadsId,
            "ModelDim is not divisible by Heads",
            "ModelDim {0} is not divisible by Heads {1}; choose Heads that divides ModelDim (for example {2}) or set HeadDim");

        /// <summary>SA0002, on the argument: a size that is zero or negative.</summary>
        public static readonly DiagnosticDescriptor NonPositiveSize = Error(
            NonPositiveSizeId,
            "Sizes must be positive",
            "{0} must be positive, but is {1}");

        /// <summary>SA0003, on the attribute name: <c>Heads</c> or <c>ModelDim</c> not given.</summary>
        public static readonly DiagnosticDescriptor MissingRequiredArgument = Error(
            MissingRequiredArgumentId,
            "Required argument missing",
            "[MultiHeadAttention] on '{0}' needs {1}");

        /// <summary>SA0004, on <c>KvHeads</c>: <c>Heads % KvHeads != 0</c>.</summary>
        public static readonly DiagnosticDescriptor HeadsNotDivisibleByKvHeads = Error(
            HeadsNotDivisibleByKvHeadsId,
            "Heads is not divisible by KvHeads",
            "Heads {0} is not divisible by KvHeads {1}; each key/value head must serve a whole group of query heads");

        /// <summary>SA0005, on <c>QueryTokens</c> or <c>KeyTokens</c>: given together with <c>Tokens</c>.</summary>
        public static readonly DiagnosticDescriptor ConflictingLengths = Error(
            ConflictingLengthsId,
            "Tokens conflicts with QueryTokens/KeyTokens",
            "{0} cannot be combined with Tokens: use Tokens for self-attention, or QueryTokens and KeyTokens for cross-attention");

        /// <summary>SA0006, on the attribute name (or the one length given): no sequence lengths.</summary>
        public static readonly DiagnosticDescriptor MissingLengths = Error(
            MissingLengthsId,
            "Sequence lengths missing",
            "[MultiHeadAttention] on '{0}' needs Tokens (self-attention) or both QueryTokens and KeyTokens (cross-attention); {1}");

        /// <summary>SA0007, on <c>RelativePositionBias</c>: without <c>Tokens</c>.</summary>
        public static readonly DiagnosticDescriptor RelativePositionBiasNeedsTokens = Error(
            RelativePositionBiasNeedsTokensId,
            "RelativePositionBias needs self-attention",
            "RelativePositionBias needs self-attention with Tokens set; this layer has QueryTokens {0} and KeyTokens {1}");

        /// <summary>SA0008, on <c>Mask</c>: causal with different query and key lengths.</summary>
        public static readonly DiagnosticDescriptor CausalNeedsEqualLengths = Error(
            CausalNeedsEqualLengthsId,
            "Causal mask needs equal query and key lengths",
            "AttentionMask.Causal needs equal query and key lengths, but QueryTokens is {0} and KeyTokens is {1}");

        /// <summary>SA0009, on <c>Mask</c>: more than one of ValidLengths, ValidLengthsPerQuery, KeepMask, KeyPaddingMask.</summary>
        public static readonly DiagnosticDescriptor MultipleMaskKinds = Error(
            MultipleMaskKindsId,
            "At most one mask kind",
            "Mask combines {0}; choose at most one of ValidLengths, ValidLengthsPerQuery, KeepMask and KeyPaddingMask (Causal combines with any)");

        /// <summary>SA0010, on <c>Projections</c>: <c>Projections.None</c> with a shape that needs a projection.</summary>
        public static readonly DiagnosticDescriptor NoProjectionsNeedModelDim = Error(
            NoProjectionsNeedModelDimId,
            "Projections.None needs an identity-shaped layer",
            "Projections.None splits x into heads without any Linear, so it needs {0}");

        /// <summary>SA0011, on the differing input size: <c>Projections.Fused</c> with different query/key/value sizes.</summary>
        public static readonly DiagnosticDescriptor FusedNeedsEqualInputSizes = Error(
            FusedNeedsEqualInputSizesId,
            "Fused projections need equal input sizes",
            "Projections.Fused uses one input matrix, so {0} {1} must equal QuerySize {2}; use Projections.Separate for different sizes");

        /// <summary>SA0012, on the largest argument involved: a derived size overflows <c>int</c>.</summary>
        public static readonly DiagnosticDescriptor SizeOverflow = Error(
            SizeOverflowId,
            "Size overflows int",
            "{0} = {1} does not fit in an int (at most 2147483647 elements)");

        /// <summary>SA0013, on <c>Scale</c>: negative, NaN or infinite.</summary>
        public static readonly DiagnosticDescriptor InvalidScale = Error(
            InvalidScaleId,
            "Invalid scale",
            "Scale must be a positive finite number, or 0 for 1/sqrt(HeadDim), but is {0}");

        /// <summary>SA0014, on the argument: an enum value outside the declared members.</summary>
        public static readonly DiagnosticDescriptor UndefinedEnumValue = Error(
            UndefinedEnumValueId,
            "Undefined enum value",
            "{0} {1} is not a defined {2} value");

        /// <summary>SA0015, on the class name: the class is not partial ({1}: the attribute; {2}: <c>layer</c> or <c>stack</c>).</summary>
        public static readonly DiagnosticDescriptor ClassNotPartial = Error(
            ClassNotPartialId,
            "Layer class must be partial",
            "'{0}' has [{1}] but is not partial; declare it 'partial class {0}' so the generator can add the {2}");

        /// <summary>SA0016, on the class name: the class is generic ({1}: the attribute; {2}: <c>layer</c> or <c>stack</c>).</summary>
        public static readonly DiagnosticDescriptor ClassIsGeneric = Error(
            ClassIsGenericId,
            "Layer class cannot be generic",
            "'{0}' has [{1}] but is generic; a {2}'s shapes are fixed, so its class cannot have type parameters");

        /// <summary>SA0017, on the class name: a containing type is not partial.</summary>
        public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Error(
            ContainingTypeNotPartialId,
            "Containing type must be partial",
            "'{0}' is nested in '{1}', which is not partial; declare '{1}' partial so the generator can add to '{0}'");

        /// <summary>SA0018, on the class name: the class is static ({1}: the attribute; {2}: <c>layer</c> or <c>stack</c>; {3}: what it holds).</summary>
        public static readonly DiagnosticDescriptor ClassIsStatic = Error(
            ClassIsStaticId,
            "Layer class cannot be static",
            "'{0}' has [{1}] but is static; a {2} holds its {3}, so it must be an instance class");

        /// <summary>SA0019, on the argument of a span <c>Forward</c>: a constant-length array or stackalloc that is not a whole number of items.</summary>
        public static readonly DiagnosticDescriptor SpanLengthNotWholeItems = Error(
            SpanLengthNotWholeItemsId,
            "Span length is not a whole number of items",
            "{0} has {1} elements, which is not a whole number of {2} items of {3} elements {4}; Forward would throw ArgumentException");

        /// <summary>SA0020, on the argument of a span <c>Forward</c>: a constant length that does not fit the batch of the first input.</summary>
        public static readonly DiagnosticDescriptor SpanLengthWrongForBatch = Error(
            SpanLengthWrongForBatchId,
            "Span length does not fit the batch",
            "{0} has {1} elements, but the batch of {2} from {3} needs {4} {5}; Forward would throw ArgumentException");

        /// <summary>SA0021, on the <c>prefix</c> argument of <c>Load</c>: a constant prefix without a trailing dot.</summary>
        public static readonly DiagnosticDescriptor PrefixWithoutDot = Warning(
            PrefixWithoutDotId,
            "Load prefix has no trailing dot",
            "The prefix \"{0}\" has no trailing dot, so Load looks for tensors named like \"{0}qkv.weight\"; write \"{0}.\"");

        /// <summary>SA0022, on the argument: a mask or valid lengths given to a layer declared without that mask kind.</summary>
        public static readonly DiagnosticDescriptor MaskNotDeclared = Error(
            MaskNotDeclaredId,
            "Mask argument for a layer without that mask",
            "'{0}' takes no {1}: its attribute declares {2}; {3}");

        /// <summary>SA0023, on the second of two adjacent stack members: its input shape is not the previous member's output shape.</summary>
        public static readonly DiagnosticDescriptor StackShapeMismatch = Error(
            StackShapeMismatchId,
            "Adjacent stack layers have different shapes",
            "'{0}' outputs ({1}) per batch item, but the next layer '{2}' takes ({3}); adjacent layers of a stack must agree on tokens and features");

        /// <summary>SA0024, on the member: a stack member that is not a valid [MultiHeadAttention] layer.</summary>
        public static readonly DiagnosticDescriptor StackMemberNotALayer = Error(
            StackMemberNotALayerId,
            "Stack member is not a layer",
            "'{0}' is not a valid [MultiHeadAttention] layer, so it cannot be part of the stack '{1}'");

        /// <summary>SA0025, on the member: a stack member whose Forward takes more than one input.</summary>
        public static readonly DiagnosticDescriptor StackMemberNeedsMoreInputs = Error(
            StackMemberNeedsMoreInputsId,
            "Stack member needs more than x",
            "'{0}' cannot be part of the stack '{1}': a stack passes one activation from layer to layer, but '{0}' {2}");

        /// <summary>SA0026, on the option: <c>SlidingWindow</c>, <c>Alibi</c> or <c>CacheTokens</c> without <c>AttentionMask.Causal</c>.</summary>
        public static readonly DiagnosticDescriptor DecoderOptionNeedsCausal = Error(
            DecoderOptionNeedsCausalId,
            "Decoder option needs a causal mask",
            "{0} needs AttentionMask.Causal in Mask, but Mask is {1}");

        /// <summary>SA0027, on the option: <c>Rotary</c> or <c>CacheTokens</c> without <c>Tokens</c>.</summary>
        public static readonly DiagnosticDescriptor DecoderOptionNeedsSelfAttention = Error(
            DecoderOptionNeedsSelfAttentionId,
            "Decoder option needs self-attention",
            "{0} needs self-attention with Tokens set; this layer has QueryTokens {1} and KeyTokens {2}");

        /// <summary>SA0028, on <c>RotaryDims</c> (or <c>Rotary</c> when it defaults to an odd <c>HeadDim</c>): odd, negative or above <c>HeadDim</c>.</summary>
        public static readonly DiagnosticDescriptor InvalidRotaryDims = Error(
            InvalidRotaryDimsId,
            "Invalid RotaryDims",
            "Rotary embeddings turn features in pairs, so RotaryDims must be an even number from 0 to HeadDim {0} (0 means HeadDim), but it is {1}");

        /// <summary>SA0029 (warning), on the option: <c>RotaryDims</c> or <c>RotaryBase</c> while <c>Rotary</c> is <c>None</c>.</summary>
        public static readonly DiagnosticDescriptor RotaryOptionWithoutRotary = Warning(
            RotaryOptionWithoutRotaryId,
            "Rotary option without Rotary",
            "{0} {1} has no effect because Rotary is RotaryEmbedding.None; set Rotary = RotaryEmbedding.RotateHalf (or Interleaved), or remove {0}");

        /// <summary>SA0030, on the option: a negative window, softcap or cache capacity; a rotary base or softcap that is not a finite number in range.</summary>
        public static readonly DiagnosticDescriptor InvalidDecoderValue = Error(
            InvalidDecoderValueId,
            "Invalid decoder option value",
            "{0} must be {1}, but is {2}");

        /// <summary>SA0031, on the decoder option: a combination this release does not run.</summary>
        public static readonly DiagnosticDescriptor DecoderCombinationNotSupported = Error(
            DecoderCombinationNotSupportedId,
            "Decoder option combination not supported",
            "{0} together with {1} is not supported in this release; remove one of them");

        private static DiagnosticDescriptor Warning(string id, string title, string message) =>
            new DiagnosticDescriptor(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
                helpLinkUri: "https://github.com/staticattention/staticattention/blob/main/docs/diagnostics.md#" + id.ToLowerInvariant());

        private static DiagnosticDescriptor Error(string id, string title, string message) =>
            new DiagnosticDescriptor(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
                helpLinkUri: "https://github.com/staticattention/staticattention/blob/main/docs/diagnostics.md#" + id.ToLowerInvariant());
    }
}
