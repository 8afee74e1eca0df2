using Microsoft.CodeAnalysis;

namespace StaticAttention.Generator.Analyzers
{
    /// <summary>What the analyzers read from a layer's attribute without parsing it whole.</summary>
    internal static class LayerSymbols
    {
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
