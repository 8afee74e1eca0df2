using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticAttention.Generator.Emitting;
using StaticAttention.Generator.Model;
using StaticAttention.Generator.Parsing;

namespace StaticAttention.Generator
{
    public sealed partial class AttentionGenerator
    {
        /// <summary>Metadata name of the stack attribute.</summary>
        public const string StackAttributeMetadataName = "StaticAttention.LayerStackAttribute";

        /// <summary>
        /// <c>[LayerStack(typeof(A), typeof(B), ...)]</c>: parsed by <see cref="StackParser"/>, diagnostics on their own
        /// output as for layers, and a valid stack written by <see cref="StackEmitter"/>.
        /// </summary>
        private static void RegisterStacks(IncrementalGeneratorInitializationContext context)
        {
            IncrementalValuesProvider<StackParseResult> results = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    StackAttributeMetadataName,
                    predicate: static (node, _) => node is ClassDeclarationSyntax,
                    transform: static (syntaxContext, cancellationToken) => StackParser.Parse(syntaxContext, cancellationToken))
                .WithTrackingName(TrackingNames.Stacks);

            context.RegisterSourceOutput(results.Select(static (r, _) => r.Diagnostics).Where(static d => !d.IsEmpty), static (output, diagnostics) =>
            {
                foreach (DiagnosticInfo diagnostic in diagnostics) output.ReportDiagnostic(diagnostic.ToDiagnostic());
            });
            context.RegisterSourceOutput(results.Where(static r => r.Stack is not null).Select(static (r, _) => r.Stack!), static (output, stack) =>
                output.AddSource(stack.Hierarchy.FileName, StackEmitter.Emit(stack, output.CancellationToken)));
        }
    }
}
