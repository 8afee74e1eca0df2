using Microsoft.CodeAnalysis;

namespace StaticAttention.Generator.Parsing
{
    /// <summary>
    /// One rule broken by an attribute: the descriptor, the argument to report it on (null: the attribute name) and
    /// the message arguments.
    /// </summary>
    internal sealed record ShapeProblem(DiagnosticDescriptor Descriptor, string? ArgumentName, string[] MessageArguments)
    {
        /// <summary>Whether the layer cannot be generated (a warning still lets it through).</summary>
        public bool IsError => Descriptor.DefaultSeverity == DiagnosticSeverity.Error;
    }
}
