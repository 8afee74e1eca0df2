using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using StaticAttention.Generator.Diagnostics;
using StaticAttention.Generator.Model;

namespace StaticAttention.Generator.Parsing
{
    /// <summary>
    /// Turns one <c>[LayerStack(typeof(A), typeof(B), ...)]</c> class into a <see cref="StackParseResult"/>: the class rules
    /// of any generated class; each member a valid self-attention layer whose <c>Forward</c> takes only <c>x</c>; adjacent
    /// members agreeing on (tokens, features).
    /// </summary>
    internal static class StackParser
    {
        public static StackParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            ImmutableArray<DiagnosticInfo>.Builder diagnostics = ClassChecks.Stack.Run(context);
            var symbol = (INamedTypeSymbol)context.TargetSymbol;
            var members = new List<StackMember>();
            AttributeData attribute = context.Attributes[0];
            var attributeSyntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            if (attributeSyntax is null || attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind != TypedConstantKind.Array)
            {
                return new StackParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics.ToImmutable()));
            }

            ImmutableArray<TypedConstant> types = attribute.ConstructorArguments[0].Values;
            var arguments = attributeSyntax.ArgumentList?.Arguments ?? default;
            TextSpan At(int i) => arguments.Count == types.Length ? arguments[i].Span : attributeSyntax.Span;
            void Report(DiagnosticDescriptor descriptor, int i, params string[] args) =>
                diagnostics.Add(DiagnosticInfo.Create(descriptor, attributeSyntax.SyntaxTree, At(i), args));

            StackMember? previous = null;
            for (int i = 0; i < types.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (types[i].Value is not INamedTypeSymbol type)
                {
                    // The compiler reports it.
                    return new StackParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics.ToImmutable()));
                }
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

            StackModel? stack = diagnostics.Count == 0 && members.Count > 0
                ? new StackModel(HierarchyModel.From(symbol), new EquatableArray<StackMember>(members.ToArray()))
                : null;
            return new StackParseResult(stack, new EquatableArray<DiagnosticInfo>(diagnostics.ToImmutable()));
        }

        private delegate void Reporter(DiagnosticDescriptor descriptor, int index, params string[] arguments);

        private static StackMember? ReadMember(INamedTypeSymbol type, string stackName, int index, Reporter report)
        {
            LayerModel? layer = LayerParser.ModelOf(type);
            if (layer is null)
            {
                report(DiagnosticDescriptors.StackMemberNotALayer, index, type.Name, stackName);
                return null;
            }
            AttentionMask mask = layer.MaskKind;
            string? needs =
                !layer.SelfAttention ? "is a cross-attention layer (QueryTokens " + Int(layer.QueryTokens) + ", KeyTokens " + Int(layer.KeyTokens) + ") that takes query, key and value" :
                layer.TakesValidLengths ? "takes validLengths (Mask = AttentionMask." + mask + ")" :
                layer.TakesMask ? "takes a mask (Mask = AttentionMask." + mask + ")" :
                layer.ReturnWeights ? "returns attention weights (ReturnWeights = true)" : null;
            if (needs is not null)
            {
                report(DiagnosticDescriptors.StackMemberNeedsMoreInputs, index, type.Name, stackName, needs);
                return null;
            }
            return new StackMember(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), layer.QueryTokens, layer.QuerySize, layer.ModelDim);
        }

        private static string ShortName(string fullyQualified)
        {
            int dot = fullyQualified.LastIndexOf('.');
            return dot < 0 ? fullyQualified.Replace("global::", "") : fullyQualified.Substring(dot + 1);
        }

        private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

        private static string Shape(int tokens, int features) => Int(tokens) + ", " + Int(features);
    }
}
