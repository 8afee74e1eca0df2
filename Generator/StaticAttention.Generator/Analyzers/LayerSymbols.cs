using Microsoft.CodeAnalysis;

namespace StaticAttention.Generator.Analyzers
{
    /// <summary>What the analyzers read from a generated layer type: its attribute and its dimension constants.</summary>
    internal static class LayerSymbols
    {
        /// <summary>The layer's <c>[MultiHeadAttention]</c>, or null when <paramref name="type"/> is not a layer.</summary>
        public static AttributeData? Attribute(INamedTypeSymbol? type)
        {
            if (type is null) return null;
            foreach (AttributeData attribute in type.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() == AttentionGenerator.AttributeMetadataName) return attribute;
            }
            return null;
        }

        /// <summary>A <c>public const int</c> of the generated layer, or null when it is missing (the layer is invalid).</summary>
        public static int? Constant(INamedTypeSymbol type, string name)
        {
            foreach (ISymbol member in type.GetMembers(name))
            {
                if (member is IFieldSymbol { IsConst: true, ConstantValue: int value }) return value;
            }
            return null;
        }

        /// <summary>The <c>Mask</c> the attribute declares (0 when not given or not a constant).</summary>
        public static AttentionMask Mask(AttributeData attribute)
        {
            foreach (var pair in attribute.NamedArguments)
            {
                if (pair.Key == "Mask" && pair.Value.Value is int mask) return (AttentionMask)mask;
            }
            return AttentionMask.None;
        }
    }
}
