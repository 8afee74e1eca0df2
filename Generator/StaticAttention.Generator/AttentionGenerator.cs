using Microsoft.CodeAnalysis;

namespace StaticAttention.Generator
{
    /// <summary>Writes a multi-head attention layer for every class marked <c>[MultiHeadAttention]</c>.</summary>
    [Generator(LanguageNames.CSharp)]
    public sealed partial class AttentionGenerator : IIncrementalGenerator
    {
        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
        }
    }
}
