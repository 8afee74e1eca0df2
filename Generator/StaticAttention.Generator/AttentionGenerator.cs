using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticAttention.Generator.Emitting;
using StaticAttention.Generator.Model;
using StaticAttention.Generator.Parsing;

namespace StaticAttention.Generator
{
    /// <summary>
    /// Writes a multi-head attention layer for every class marked <c>[MultiHeadAttention]</c>: attribute -> <see cref="LayerParser"/> ->
    /// equatable <see cref="LayerModel"/> -> <see cref="LayerEmitter"/>; and a stack for every <c>[LayerStack]</c> the same
    /// way (<see cref="StackParser"/>, <see cref="StackEmitter"/>). Diagnostics travel on their own output, so a changed
    /// message never regenerates code, and a class with any error gets no code at all.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed partial class AttentionGenerator : IIncrementalGenerator
    {
        /// <summary>Metadata name of the attribute the generator reacts to.</summary>
        public const string AttributeMetadataName = "StaticAttention.MultiHeadAttentionAttribute";

        /// <summary>Metadata name of the stack attribute.</summary>
        public const string StackAttributeMetadataName = "StaticAttention.LayerStackAttribute";

        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            IncrementalValuesProvider<ParseResult> results = ParseClasses(context, AttributeMetadataName, LayerParser.Parse, TrackingNames.LayerModels);

            IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = results
                .Select(static (result, _) => result.Diagnostics)
                .Where(static diagnostics => !diagnostics.IsEmpty)
                .WithTrackingName(TrackingNames.Diagnostics);

            context.RegisterSourceOutput(diagnostics, static (output, diagnostics) => Report(output, diagnostics));

            IncrementalValuesProvider<LayerModel> layers = results
                .Where(static result => result.Layer is not null)
                .Select(static (result, _) => result.Layer!);

            context.RegisterSourceOutput(layers, static (output, layer) =>
                output.AddSource(layer.Hierarchy.FileName, LayerEmitter.Emit(layer, output.CancellationToken)));

            RegisterDimensions(context, layers);

            IncrementalValuesProvider<StackParseResult> stacks = ParseClasses(context, StackAttributeMetadataName, StackParser.Parse, TrackingNames.Stacks);
            context.RegisterSourceOutput(stacks.Select(static (r, _) => r.Diagnostics).Where(static d => !d.IsEmpty), static (output, d) => Report(output, d));
            context.RegisterSourceOutput(stacks.Where(static r => r.Stack is not null).Select(static (r, _) => r.Stack!), static (output, stack) =>
                output.AddSource(stack.Hierarchy.FileName, StackEmitter.Emit(stack, output.CancellationToken)));
        }

        /// <summary>The parse result of every class that carries the attribute named <paramref name="attributeMetadataName"/>.</summary>
        private static IncrementalValuesProvider<T> ParseClasses<T>(IncrementalGeneratorInitializationContext context, string attributeMetadataName,
            Func<GeneratorAttributeSyntaxContext, CancellationToken, T> parse, string trackingName) =>
            context.SyntaxProvider
                .ForAttributeWithMetadataName(attributeMetadataName, predicate: static (node, _) => node is ClassDeclarationSyntax, transform: parse)
                .WithTrackingName(trackingName);

        private static void Report(SourceProductionContext output, EquatableArray<DiagnosticInfo> diagnostics)
        {
            foreach (DiagnosticInfo diagnostic in diagnostics) output.ReportDiagnostic(diagnostic.ToDiagnostic());
        }
    }
}
