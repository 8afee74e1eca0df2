using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticAttention.Generator.Emitting;
using StaticAttention.Generator.Model;
using StaticAttention.Generator.Parsing;

namespace StaticAttention.Generator
{
    /// <summary>
    /// Writes a multi-head attention layer for every class marked <c>[MultiHeadAttention]</c>: attribute -> <see cref="LayerParser"/> ->
    /// equatable <see cref="LayerModel"/> -> emitter. Diagnostics travel on their own output, so a changed message never
    /// regenerates code, and a layer with any error gets no code at all.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed partial class AttentionGenerator : IIncrementalGenerator
    {
        /// <summary>Metadata name of the attribute the generator reacts to.</summary>
        public const string AttributeMetadataName = "StaticAttention.MultiHeadAttentionAttribute";

        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            IncrementalValuesProvider<ParseResult> results = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    AttributeMetadataName,
                    predicate: static (node, _) => node is ClassDeclarationSyntax,
                    transform: static (syntaxContext, cancellationToken) => LayerParser.Parse(syntaxContext, cancellationToken))
                .WithTrackingName(TrackingNames.LayerModels);

            IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = results
                .Select(static (result, _) => result.Diagnostics)
                .Where(static diagnostics => !diagnostics.IsEmpty)
                .WithTrackingName(TrackingNames.Diagnostics);

            context.RegisterSourceOutput(diagnostics, static (output, diagnostics) =>
            {
                foreach (DiagnosticInfo diagnostic in diagnostics) output.ReportDiagnostic(diagnostic.ToDiagnostic());
            });

            IncrementalValuesProvider<LayerModel> layers = results
                .Where(static result => result.Layer is not null)
                .Select(static (result, _) => result.Layer!);

            context.RegisterSourceOutput(layers, static (output, layer) =>
                output.AddSource(layer.Hierarchy.FileName, LayerEmitter.Emit(layer, output.CancellationToken)));

            RegisterDimensions(context, layers);
            RegisterStacks(context);
        }
    }
}
