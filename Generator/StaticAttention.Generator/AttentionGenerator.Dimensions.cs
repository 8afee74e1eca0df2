using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using StaticAttention.Generator.Emitting;
using StaticAttention.Generator.Model;

namespace StaticAttention.Generator
{
    public sealed partial class AttentionGenerator
    {
        /// <summary>
        /// One file of dimension markers for the whole compilation, from a <c>Collect()</c> of every valid layer's sizes.
        /// A size whose marker the compilation can already see (declared by the user, or public in a referenced assembly
        /// that also uses StaticAttention) is not emitted again, so layers across assemblies share their tensor types.
        /// </summary>
        private static void RegisterDimensions(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<LayerModel> layers)
        {
            IncrementalValueProvider<DimensionsModel> dimensions = layers
                .Select(static (layer, _) => (Sizes: new EquatableArray<int>(layer.TypedSizes), layer.VisibleOutsideAssembly))
                .Collect()
                .Combine(context.CompilationProvider)
                .Select(static (pair, cancellationToken) =>
                {
                    var sizes = new SortedSet<int>();
                    bool visible = false;
                    foreach (var layer in pair.Left)
                    {
                        foreach (int size in layer.Sizes) sizes.Add(size);
                        visible |= layer.VisibleOutsideAssembly;
                    }
                    Compilation compilation = pair.Right;
                    var missing = new List<int>();
                    foreach (int size in sizes)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (!IsAvailable(compilation, size)) missing.Add(size);
                    }
                    return new DimensionsModel(new EquatableArray<int>(missing.ToArray()), visible);
                })
                .WithTrackingName(TrackingNames.Dimensions);

            context.RegisterSourceOutput(dimensions, static (output, model) =>
            {
                if (!model.Sizes.IsEmpty) output.AddSource(DimensionsEmitter.HintName, DimensionsEmitter.Emit(model, output.CancellationToken));
            });
        }

        private static bool IsAvailable(Compilation compilation, int size)
        {
            string name = DimensionsEmitter.Namespace + ".D" + size.ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (INamedTypeSymbol type in compilation.GetTypesByMetadataName(name))
            {
                if (compilation.IsSymbolAccessibleWithin(type, compilation.Assembly)) return true;
            }
            return false;
        }
    }
}
