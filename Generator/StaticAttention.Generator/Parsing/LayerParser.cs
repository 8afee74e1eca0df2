using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using StaticAttention.Generator.Model;

namespace StaticAttention.Generator.Parsing
{
    /// <summary>Turns one <c>[MultiHeadAttention]</c> class into a <see cref="ParseResult"/>: syntax and symbols in, plain values out.</summary>
    internal static class LayerParser
    {
        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            ImmutableArray<DiagnosticInfo>.Builder diagnostics = ClassChecks.Layer.Run(context);
            cancellationToken.ThrowIfCancellationRequested();
            var symbol = (INamedTypeSymbol)context.TargetSymbol;
            AttributeData attribute = context.Attributes[0];

            if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax attributeSyntax)
            {
                return new ParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics.ToImmutable()));
            }

            LayerArguments? arguments = ReadArguments(attribute, symbol.Name);
            if (arguments is null)
            {
                // An argument the compiler itself rejects (not a constant, wrong type): its error is enough.
                return new ParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics.ToImmutable()));
            }

            foreach (ShapeProblem problem in LayerValidator.Validate(arguments))
            {
                TextSpan span = ArgumentSpan(attributeSyntax, problem.ArgumentName);
                diagnostics.Add(new DiagnosticInfo(problem.Descriptor, attributeSyntax.SyntaxTree, span, new EquatableArray<string>(problem.MessageArguments)));
            }
            cancellationToken.ThrowIfCancellationRequested();

            // A layer with only warnings still gets its code.
            LayerModel? layer = diagnostics.All(static d => d.Descriptor.DefaultSeverity != DiagnosticSeverity.Error) ? CreateModel(symbol, arguments) : null;
            return new ParseResult(layer, new EquatableArray<DiagnosticInfo>(diagnostics.ToImmutable()));
        }

        /// <summary>The <c>[MultiHeadAttention]</c> of <paramref name="type"/>, or null when it is not a layer.</summary>
        public static AttributeData? AttributeOf(INamedTypeSymbol? type)
        {
            if (type is null) return null;
            foreach (AttributeData attribute in type.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() == AttentionGenerator.AttributeMetadataName) return attribute;
            }
            return null;
        }

        /// <summary>
        /// The model of another layer type (a stack member, a layer whose <c>Forward</c> is called; possibly from
        /// metadata), or null when it has no <c>[MultiHeadAttention]</c> or its arguments break a rule.
        /// </summary>
        public static LayerModel? ModelOf(INamedTypeSymbol type)
        {
            if (AttributeOf(type) is not AttributeData attribute) return null;
            LayerArguments? arguments = ReadArguments(attribute, type.Name);
            if (arguments is null || LayerValidator.Validate(arguments).Exists(static problem => problem.IsError)) return null;
            return CreateModel(type, arguments);
        }

        /// <summary>Reads the named arguments as written; null when one of them is not a valid constant.</summary>
        private static LayerArguments? ReadArguments(AttributeData attribute, string className)
        {
            var arguments = new LayerArguments { ClassName = className };
            foreach (KeyValuePair<string, TypedConstant> pair in attribute.NamedArguments)
            {
                TypedConstant constant = pair.Value;
                if (constant.Kind == TypedConstantKind.Error || constant.Value is null) return null;
                object value = constant.Value;
                switch (pair.Key)
                {
                    case LayerArguments.HeadsName: arguments.Heads = (int)value; break;
                    case LayerArguments.ModelDimName: arguments.ModelDim = (int)value; break;
                    case LayerArguments.TokensName: arguments.Tokens = (int)value; break;
                    case LayerArguments.QueryTokensName: arguments.QueryTokens = (int)value; break;
                    case LayerArguments.KeyTokensName: arguments.KeyTokens = (int)value; break;
                    case LayerArguments.QuerySizeName: arguments.QuerySize = (int)value; break;
                    case LayerArguments.KeySizeName: arguments.KeySize = (int)value; break;
                    case LayerArguments.ValueSizeName: arguments.ValueSize = (int)value; break;
                    case LayerArguments.KvHeadsName: arguments.KvHeads = (int)value; break;
                    case LayerArguments.HeadDimName: arguments.HeadDim = (int)value; break;
                    case LayerArguments.ProjectionsName: arguments.Projections = (int)value; break;
                    case LayerArguments.QkvBiasName: arguments.QkvBias = (bool)value; break;
                    case LayerArguments.OutputBiasName: arguments.OutputBias = (bool)value; break;
                    case LayerArguments.RelativePositionBiasName: arguments.RelativePositionBias = (bool)value; break;
                    case LayerArguments.MaskName: arguments.Mask = (int)value; break;
                    case LayerArguments.ReturnWeightsName: arguments.ReturnWeights = (bool)value; break;
                    case LayerArguments.ScaleName: arguments.Scale = Convert.ToSingle(value, System.Globalization.CultureInfo.InvariantCulture); break;
                    case LayerArguments.RotaryName: arguments.Rotary = (int)value; break;
                    case LayerArguments.RotaryBaseName: arguments.RotaryBase = Convert.ToSingle(value, System.Globalization.CultureInfo.InvariantCulture); break;
                    case LayerArguments.RotaryDimsName: arguments.RotaryDims = (int)value; break;
                    case LayerArguments.SlidingWindowName: arguments.SlidingWindow = (int)value; break;
                    case LayerArguments.SoftcapName: arguments.Softcap = Convert.ToSingle(value, System.Globalization.CultureInfo.InvariantCulture); break;
                    case LayerArguments.AlibiName: arguments.Alibi = (bool)value; break;
                    case LayerArguments.CacheTokensName: arguments.CacheTokens = (int)value; break;
                }
            }
            return arguments;
        }

        /// <summary>The span of <c>Name = value</c> in the attribute, or of the attribute name when <paramref name="argumentName"/> is null or absent.</summary>
        private static TextSpan ArgumentSpan(AttributeSyntax attribute, string? argumentName)
        {
            if (argumentName is not null && attribute.ArgumentList is not null)
            {
                foreach (AttributeArgumentSyntax argument in attribute.ArgumentList.Arguments)
                {
                    if (argument.NameEquals?.Name.Identifier.ValueText == argumentName) return argument.Span;
                }
            }
            return attribute.Name.Span;
        }

        /// <summary>Resolves defaults and derived sizes for a valid layer.</summary>
        private static LayerModel CreateModel(INamedTypeSymbol symbol, LayerArguments a)
        {
            int heads = a.Heads!.Value, modelDim = a.ModelDim!.Value;
            int headDim = a.HeadDim ?? modelDim / heads;
            bool selfAttention = a.Tokens is not null;
            bool scaleIsDefault = a.Scale is null or 0f;
            float scale = scaleIsDefault ? LayerDefaults.Scale(headDim) : a.Scale!.Value;
            var rotary = (RotaryEmbedding)(a.Rotary ?? 0);
            int rotaryDims = rotary == RotaryEmbedding.None ? 0 : a.RotaryDims is null or 0 ? headDim : a.RotaryDims.Value;

            return new LayerModel(
                HierarchyModel.From(symbol),
                heads, a.KvHeads ?? heads, headDim, modelDim, selfAttention,
                a.Tokens ?? a.QueryTokens!.Value, a.Tokens ?? a.KeyTokens!.Value,
                a.QuerySize ?? modelDim, a.KeySize ?? modelDim, a.ValueSize ?? modelDim,
                (Projections)(a.Projections ?? 0), a.QkvBias, a.OutputBias, a.RelativePositionBias,
                (AttentionMask)(a.Mask ?? 0), a.ReturnWeights, scale, scaleIsDefault,
                new DecoderTerms(rotary, a.RotaryBase ?? LayerDefaults.RotaryBase, rotaryDims, a.SlidingWindow ?? 0, a.Softcap ?? 0f, a.Alibi, a.CacheTokens ?? 0),
                VisibleOutsideAssembly(symbol));
        }

        /// <summary>Whether code outside the assembly can see the class (then its typed <c>Forward</c> needs public dimension markers).</summary>
        private static bool VisibleOutsideAssembly(INamedTypeSymbol symbol)
        {
            for (INamedTypeSymbol? type = symbol; type is not null; type = type.ContainingType)
            {
                if (type.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal))
                    return false;
            }
            return true;
        }
    }
}
