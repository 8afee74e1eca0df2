using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using StaticAttention.Generator.Diagnostics;
using StaticAttention.Generator.Model;
using StaticAttention.Generator.Parsing;

namespace StaticAttention.Generator.Analyzers
{
    /// <summary>
    /// Calls of a generated layer's span <c>Forward</c> that the type system cannot check: a constant-length array or
    /// <c>stackalloc</c> that is not a whole number of items (SA0019) or does not fit the batch of the first input (SA0020),
    /// and a mask or valid lengths given to a layer declared without that mask kind (SA0022).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ForwardCallAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc/>
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            DiagnosticDescriptors.SpanLengthNotWholeItems, DiagnosticDescriptors.SpanLengthWrongForBatch, DiagnosticDescriptors.MaskNotDeclared);

        /// <inheritdoc/>
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterOperationAction(AnalyzeInvocation, OperationKind.Invocation);
            context.RegisterSyntaxNodeAction(AnalyzeUnboundCall, SyntaxKind.InvocationExpression);
        }

        // SA0019 / SA0020 -------------------------------------------------------------------------------------------

        private static void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            IMethodSymbol method = invocation.TargetMethod;
            if (method.Name != "Forward" || method.IsStatic) return;
            INamedTypeSymbol type = method.ContainingType;
            if (method.Parameters.Length == 0 || method.Parameters[0].Type.Name != "ReadOnlySpan") return; // the typed overloads are checked by the compiler
            foreach (IParameterSymbol parameter in method.Parameters)
            {
                if (parameter.Name == "cache") return; // the cached Forward takes any whole number of tokens; the runtime checks it
            }
            if (LayerParser.ModelOf(type) is not LayerModel layerModel) return;
            ForwardParameter[] parameters = layerModel.ForwardParameters;

            int? batch = null;
            string? batchFrom = null;
            foreach (IArgumentOperation argument in invocation.Arguments)
            {
                if (argument.Parameter is not IParameterSymbol parameter) continue;
                if (Find(parameters, parameter.Name) is not ForwardParameter forward) continue;
                int perItem = (int)forward.ElementsPerItem;
                string shape = forward.ItemShape;
                if (ConstantLength(argument.Value, context) is not int length) continue;

                string layer = type.Name;
                bool first = forward == parameters[0];
                if (length == 0 || length % perItem != 0)
                {
                    if (first || batch is null)
                    {
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SpanLengthNotWholeItems, argument.Syntax.GetLocation(),
                            parameter.Name, Format(length), layer, Format(perItem), shape));
                        if (first) return;
                        continue;
                    }
                }
                if (first)
                {
                    batch = length / perItem;
                    batchFrom = parameter.Name;
                }
                else if (batch is int b && (long)b * perItem != length)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SpanLengthWrongForBatch, argument.Syntax.GetLocation(),
                        parameter.Name, Format(length), Format(b), batchFrom, ((long)b * perItem).ToString(CultureInfo.InvariantCulture), shape));
                }
            }
        }

        /// <summary>The element count of an argument whose length is a compile-time fact, or null.</summary>
        private static int? ConstantLength(IOperation value, OperationAnalysisContext context)
        {
            while (value is IConversionOperation { IsImplicit: true } conversion) value = conversion.Operand;
            while (value is IConversionOperation conversion && conversion.Operand.Type is IArrayTypeSymbol) value = conversion.Operand;

            if (value is ILocalReferenceOperation local)
            {
                return LocalInitializerLength(local.Local, value, context);
            }
            return LengthOf(value.Syntax, value.SemanticModel, context);
        }

        private static int? LengthOf(SyntaxNode syntax, SemanticModel? model, OperationAnalysisContext context)
        {
            if (model is null) return null;
            switch (syntax)
            {
                case ArrayCreationExpressionSyntax array:
                    if (array.Initializer is not null) return array.Initializer.Expressions.Count;
                    return RankSize(array.Type, model, context);
                case ImplicitArrayCreationExpressionSyntax implicitArray:
                    return implicitArray.Initializer.Expressions.Count;
                case StackAllocArrayCreationExpressionSyntax stackAlloc:
                    if (stackAlloc.Initializer is not null) return stackAlloc.Initializer.Expressions.Count;
                    return stackAlloc.Type is ArrayTypeSyntax stackType ? RankSize(stackType, model, context) : null;
                case ImplicitStackAllocArrayCreationExpressionSyntax implicitStackalloc:
                    return implicitStackalloc.Initializer.Expressions.Count;
                case CollectionExpressionSyntax collection:
                    foreach (CollectionElementSyntax element in collection.Elements)
                    {
                        if (element is not ExpressionElementSyntax) return null; // a spread has no constant count
                    }
                    return collection.Elements.Count;
                default:
                    return null;
            }
        }

        private static int? RankSize(ArrayTypeSyntax type, SemanticModel model, OperationAnalysisContext context)
        {
            if (type.RankSpecifiers.Count != 1 || type.RankSpecifiers[0].Sizes.Count != 1) return null;
            Optional<object?> size = model.GetConstantValue(type.RankSpecifiers[0].Sizes[0], context.CancellationToken);
            if (size.HasValue && size.Value is int n) return n;
            return null;
        }

        /// <summary>The length a local was initialized with, when it is never written again in its method.</summary>
        private static int? LocalInitializerLength(ILocalSymbol local, IOperation use, OperationAnalysisContext context)
        {
            if (local.DeclaringSyntaxReferences.Length != 1) return null;
            if (local.DeclaringSyntaxReferences[0].GetSyntax(context.CancellationToken) is not VariableDeclaratorSyntax declarator) return null;
            if (declarator.Initializer?.Value is not ExpressionSyntax initializer) return null;
            SemanticModel? model = use.SemanticModel;
            if (model is null || declarator.SyntaxTree != model.SyntaxTree) return null;

            SyntaxNode? body = declarator.FirstAncestorOrSelf<MemberDeclarationSyntax>() as SyntaxNode ?? declarator.FirstAncestorOrSelf<CompilationUnitSyntax>();
            if (body is null) return null;
            foreach (SyntaxNode node in body.DescendantNodes())
            {
                ExpressionSyntax? written = node switch
                {
                    AssignmentExpressionSyntax assignment => assignment.Left,
                    ArgumentSyntax { RefKindKeyword.RawKind: (int)SyntaxKind.RefKeyword or (int)SyntaxKind.OutKeyword } argument => argument.Expression,
                    _ => null,
                };
                if (written is IdentifierNameSyntax name && name.Identifier.ValueText == local.Name &&
                    SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, context.CancellationToken).Symbol, local))
                {
                    return null;
                }
            }
            return LengthOf(initializer, model, context);
        }

        private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

        private static ForwardParameter? Find(ForwardParameter[] parameters, string name)
        {
            foreach (ForwardParameter parameter in parameters)
            {
                if (parameter.Name == name) return parameter;
            }
            return null;
        }

        // SA0022 ----------------------------------------------------------------------------------------------------

        private static void AnalyzeUnboundCall(SyntaxNodeAnalysisContext context)
        {
            var invocation = (InvocationExpressionSyntax)context.Node;
            if (invocation.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Forward" }) return;
            SymbolInfo info = context.SemanticModel.GetSymbolInfo(invocation, context.CancellationToken);
            if (info.Symbol is not null || info.CandidateSymbols.IsEmpty) return;

            INamedTypeSymbol? type = info.CandidateSymbols[0].ContainingType;
            if (LayerParser.AttributeOf(type) is not AttributeData attribute) return;
            var parameterNames = new HashSet<string>();
            bool takesBools = false, takesInts = false;
            foreach (ISymbol candidate in info.CandidateSymbols)
            {
                if (candidate is not IMethodSymbol method) continue;
                foreach (IParameterSymbol parameter in method.Parameters)
                {
                    parameterNames.Add(parameter.Name);
                    takesBools |= parameter.Name == "mask";
                    takesInts |= parameter.Name == "validLengths";
                }
            }

            AttentionMask declared = LayerSymbols.Mask(attribute);
            foreach (ArgumentSyntax argument in invocation.ArgumentList.Arguments)
            {
                string? kind = null;
                if (argument.NameColon is { } nameColon)
                {
                    string name = nameColon.Name.Identifier.ValueText;
                    if ((name == "mask" || name == "validLengths") && !parameterNames.Contains(name)) kind = name;
                }
                else
                {
                    ITypeSymbol? argumentType = context.SemanticModel.GetTypeInfo(argument.Expression, context.CancellationToken).Type;
                    string? element = ElementName(argumentType);
                    if (element == "Boolean" && !takesBools) kind = "mask";
                    else if (element == "Int32" && !takesInts) kind = "validLengths";
                }
                if (kind is null) continue;

                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MaskNotDeclared, argument.GetLocation(),
                    type!.Name, kind == "mask" ? "mask" : "validLengths", Declared(declared), Hint(kind, declared)));
            }
        }

        private static string? ElementName(ITypeSymbol? type) => type switch
        {
            IArrayTypeSymbol array => array.ElementType.Name,
            INamedTypeSymbol { Name: "Span" or "ReadOnlySpan", TypeArguments.Length: 1 } span => span.TypeArguments[0].Name,
            _ => null,
        };

        private static string Declared(AttentionMask mask)
        {
            if (mask == AttentionMask.None) return "no Mask";
            var parts = new List<string>();
            foreach (AttentionMask flag in new[] { AttentionMask.ValidLengths, AttentionMask.ValidLengthsPerQuery, AttentionMask.KeepMask, AttentionMask.KeyPaddingMask, AttentionMask.Causal })
            {
                if ((mask & flag) != 0) parts.Add("AttentionMask." + flag);
            }
            return "Mask = " + string.Join(" | ", parts);
        }

        private static string Hint(string kind, AttentionMask declared)
        {
            string causal = (declared & AttentionMask.Causal) != 0 ? " | AttentionMask.Causal" : "";
            return kind == "mask"
                ? "declare Mask = AttentionMask.KeyPaddingMask" + causal + " (or KeepMask) to pass a boolean mask, or remove the argument"
                : "declare Mask = AttentionMask.ValidLengths" + causal + " (or ValidLengthsPerQuery) to pass valid lengths, or remove the argument";
        }
    }
}
