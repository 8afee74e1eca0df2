using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using StaticAttention.Generator.Diagnostics;
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
        /// <c>[LayerStack(typeof(A), typeof(B), ...)]</c>: each member must be a valid self-attention layer whose
        /// <c>Forward</c> takes only <c>x</c>, and adjacent members must agree on (tokens, features).
        /// </summary>
        private static void RegisterStacks(IncrementalGeneratorInitializationContext context)
        {
            IncrementalValuesProvider<StackParseResult> results = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    StackAttributeMetadataName,
                    predicate: static (node, _) => node is ClassDeclarationSyntax,
                    transform: static (syntaxContext, cancellationToken) => ParseStack(syntaxContext, cancellationToken))
                .WithTrackingName(TrackingNames.Stacks);

            context.RegisterSourceOutput(results.Select(static (r, _) => r.Diagnostics).Where(static d => !d.IsEmpty), static (output, diagnostics) =>
            {
                foreach (DiagnosticInfo diagnostic in diagnostics) output.ReportDiagnostic(diagnostic.ToDiagnostic());
            });
            context.RegisterSourceOutput(results.Where(static r => r.Stack is not null).Select(static (r, _) => r.Stack!), static (output, stack) =>
                output.AddSource(stack.HintName, StackEmitter.Emit(stack, output.CancellationToken)));
        }

        private static StackParseResult ParseStack(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var classSyntax = (ClassDeclarationSyntax)context.TargetNode;
            var symbol = (INamedTypeSymbol)context.TargetSymbol;
            SyntaxTree tree = classSyntax.SyntaxTree;
            var diagnostics = ImmutableArray.CreateBuilder<DiagnosticInfo>();
            var members = new List<StackMember>();
            AttributeData attribute = context.Attributes[0];
            var attributeSyntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            if (attributeSyntax is null || attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind != TypedConstantKind.Array)
            {
                return new StackParseResult(null, default);
            }

            ImmutableArray<TypedConstant> types = attribute.ConstructorArguments[0].Values;
            var arguments = attributeSyntax.ArgumentList?.Arguments ?? default;
            TextSpan At(int i) => arguments.Count == types.Length ? arguments[i].Span : attributeSyntax.Span;
            void Report(DiagnosticDescriptor descriptor, int i, params string[] args) =>
                diagnostics.Add(new DiagnosticInfo(descriptor, tree, At(i), new EquatableArray<string>(args)));

            StackMember? previous = null;
            for (int i = 0; i < types.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (types[i].Value is not INamedTypeSymbol type) return new StackParseResult(null, default); // the compiler reports it
                StackMember? member = ReadMember(type, symbol.Name, i, Report);
                StackMember? before = previous;
                previous = member;
                if (member is null) continue;
                if (before is not null && (before.Tokens != member.Tokens || before.OutputFeatures != member.InputFeatures))
                {
                    Report(DiagnosticDescriptors.StackShapeMismatch, i, ShortName(before.TypeName),
                        Shape(before.Tokens, before.OutputFeatures), type.Name, Shape(member.Tokens, member.InputFeatures));
                }
                members.Add(member);
            }

            StackModel? stack = null;
            if (diagnostics.Count == 0 && members.Count > 0)
            {
                string ns = symbol.ContainingNamespace.IsGlobalNamespace ? "" : symbol.ContainingNamespace.ToDisplayString();
                var containing = new List<ContainingTypeModel>();
                for (SyntaxNode? parent = classSyntax.Parent; parent is TypeDeclarationSyntax outer; parent = parent.Parent)
                {
                    containing.Insert(0, new ContainingTypeModel("class", outer.Identifier.ValueText));
                }
                string hint = (ns.Length > 0 ? ns + "." : "") + symbol.MetadataName + ".g.cs";
                stack = new StackModel(ns, symbol.Name, hint, new EquatableArray<ContainingTypeModel>(containing.ToArray()),
                    new EquatableArray<StackMember>(members.ToArray()));
            }
            return new StackParseResult(stack, new EquatableArray<DiagnosticInfo>(diagnostics.ToImmutable()));
        }

        private delegate void Reporter(DiagnosticDescriptor descriptor, int index, params string[] arguments);

        private static StackMember? ReadMember(INamedTypeSymbol type, string stackName, int index, Reporter report)
        {
            AttributeData? layerAttribute = null;
            foreach (AttributeData candidate in type.GetAttributes())
            {
                if (candidate.AttributeClass?.ToDisplayString() == AttributeMetadataName) layerAttribute = candidate;
            }
            LayerArguments? a = layerAttribute is null ? null : Parser.ReadArgumentsOf(layerAttribute, type.Name);
            if (a is null || LayerValidator.Validate(a).Count > 0)
            {
                report(DiagnosticDescriptors.StackMemberNotALayer, index, type.Name, stackName);
                return null;
            }
            var mask = (AttentionMask)(a.Mask ?? 0) & ~AttentionMask.Causal;
            string? needs =
                a.Tokens is null ? "is a cross-attention layer (QueryTokens " + a.QueryTokens + ", KeyTokens " + a.KeyTokens + ") that takes query, key and value" :
                mask is AttentionMask.ValidLengths or AttentionMask.ValidLengthsPerQuery ? "takes validLengths (Mask = AttentionMask." + mask + ")" :
                mask is AttentionMask.KeepMask or AttentionMask.KeyPaddingMask ? "takes a mask (Mask = AttentionMask." + mask + ")" :
                a.ReturnWeights ? "returns attention weights (ReturnWeights = true)" : null;
            if (needs is not null)
            {
                report(DiagnosticDescriptors.StackMemberNeedsMoreInputs, index, type.Name, stackName, needs);
                return null;
            }
            int modelDim = a.ModelDim!.Value;
            return new StackMember(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), a.Tokens!.Value, a.QuerySize ?? modelDim, modelDim);
        }

        private static string ShortName(string fullyQualified)
        {
            int dot = fullyQualified.LastIndexOf('.');
            return dot < 0 ? fullyQualified.Replace("global::", "") : fullyQualified.Substring(dot + 1);
        }

        private static string Shape(int tokens, int features) =>
            tokens.ToString(System.Globalization.CultureInfo.InvariantCulture) + ", " + features.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
