using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using StaticAttention.Generator.Diagnostics;
using StaticAttention.Generator.Model;

namespace StaticAttention.Generator.Parsing
{
    /// <summary>
    /// The rules for a class the generator adds to (SA0015–SA0018): partial, not generic, not static, every containing
    /// type partial. Layers and stacks both run them, each naming its attribute in the messages.
    /// </summary>
    internal sealed class ClassChecks
    {
        /// <summary>A <c>[MultiHeadAttention]</c> class.</summary>
        public static readonly ClassChecks Layer = new ClassChecks("MultiHeadAttention", "layer", "weights");

        /// <summary>A <c>[LayerStack]</c> class.</summary>
        public static readonly ClassChecks Stack = new ClassChecks("LayerStack", "stack", "layers");

        private readonly string _attribute;
        private readonly string _noun;
        private readonly string _holds;

        private ClassChecks(string attribute, string noun, string holds)
        {
            _attribute = attribute;
            _noun = noun;
            _holds = holds;
        }

        /// <summary>
        /// Starts the diagnostics of the attributed class of <paramref name="context"/> with a diagnostic, on the class
        /// name, for each rule it breaks.
        /// </summary>
        public ImmutableArray<DiagnosticInfo>.Builder Run(GeneratorAttributeSyntaxContext context)
        {
            var classSyntax = (ClassDeclarationSyntax)context.TargetNode;
            var diagnostics = ImmutableArray.CreateBuilder<DiagnosticInfo>();
            string name = classSyntax.Identifier.ValueText;
            SyntaxTree tree = classSyntax.SyntaxTree;
            TextSpan at = classSyntax.Identifier.Span;

            if (!classSyntax.Modifiers.Any(SyntaxKind.PartialKeyword))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassNotPartial, tree, at, name, _attribute, _noun));
            if (classSyntax.TypeParameterList is not null)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassIsGeneric, tree, at, name, _attribute, _noun));
            if (classSyntax.Modifiers.Any(SyntaxKind.StaticKeyword))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassIsStatic, tree, at, name, _attribute, _noun, _holds));
            for (SyntaxNode? parent = classSyntax.Parent; parent is TypeDeclarationSyntax outer; parent = parent.Parent)
            {
                if (!outer.Modifiers.Any(SyntaxKind.PartialKeyword))
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ContainingTypeNotPartial, tree, at, name, outer.Identifier.ValueText));
            }
            return diagnostics;
        }
    }
}
