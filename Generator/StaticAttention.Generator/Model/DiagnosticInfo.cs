using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace StaticAttention.Generator.Model
{
    /// <summary>
    /// A diagnostic in equatable form: the descriptor, the tree and span it points at, and its message arguments as
    /// strings. Rebuilt with <see cref="Location.Create(SyntaxTree, TextSpan)"/> so <c>#pragma</c> and IDE navigation work.
    /// </summary>
    internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, SyntaxTree Tree, TextSpan Span, EquatableArray<string> Arguments)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, SyntaxTree tree, TextSpan span, params string[] arguments) =>
            new DiagnosticInfo(descriptor, tree, span, new EquatableArray<string>(arguments));

        public Diagnostic ToDiagnostic() =>
            Diagnostic.Create(Descriptor, Location.Create(Tree, Span), Arguments.ToArray<object>());
    }
}
