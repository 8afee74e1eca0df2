using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using StaticAttention.Generator.Diagnostics;
using StaticAttention.Generator.Parsing;

namespace StaticAttention.Generator.Analyzers
{
    /// <summary>
    /// SA0021: a generated layer's <c>Load</c> called with a constant, non-empty prefix that does not end with a dot.
    /// Checkpoint names are dotted paths (<c>blocks.0.attn.qkv.weight</c>), so <c>"blocks.0.attn"</c> finds nothing.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class LoadPrefixAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc/>
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.PrefixWithoutDot);

        /// <inheritdoc/>
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterOperationAction(static context =>
            {
                var invocation = (IInvocationOperation)context.Operation;
                IMethodSymbol method = invocation.TargetMethod;
                if (method.Name != "Load" || !method.IsStatic || LayerParser.AttributeOf(method.ContainingType) is null) return;
                foreach (IArgumentOperation argument in invocation.Arguments)
                {
                    if (argument.Parameter?.Name != "prefix" || argument.ArgumentKind != ArgumentKind.Explicit) continue;
                    if (argument.Value.ConstantValue is { HasValue: true, Value: string prefix } && prefix.Length > 0 && !prefix.EndsWith(".", System.StringComparison.Ordinal))
                    {
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.PrefixWithoutDot, argument.Syntax.GetLocation(), prefix));
                    }
                }
            }, OperationKind.Invocation);
        }
    }
}
