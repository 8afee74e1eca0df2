using System.Threading;
using StaticAttention.Generator.Model;

namespace StaticAttention.Generator.Emitting
{
    /// <summary>
    /// Writes the source of one layer: the partial class with its constants (<see cref="EmitConstants"/>), its loading
    /// (<see cref="EmitLoad"/>) and its forward pass (<see cref="EmitForward"/>), inside the namespace and containing types.
    /// </summary>
    internal static partial class LayerEmitter
    {

        public static string Emit(LayerModel layer, CancellationToken cancellationToken)
        {
            var w = new CodeWriter();
            w.FileHeader(" from the [MultiHeadAttention] attribute on " + layer.ClassName);
            if (layer.ShortKernel)
            {
                // The written-out attention kernel reads memory through refs (no unsafe code) with the SIMD vector types.
                w.Line("using global::System.Runtime.CompilerServices;");
                w.Line("using global::System.Runtime.Intrinsics;");
                w.Line();
            }

            using (w.Hierarchy(layer.Hierarchy))
            {
                EmitSummary(w, layer);
                w.Line(RuntimeTypes.GeneratedCode);
                using (w.Block("partial class " + layer.ClassName))
                {
                    EmitConstants(w, layer);
                    cancellationToken.ThrowIfCancellationRequested();
                    w.Line();
                    EmitLoad(w, layer);
                    cancellationToken.ThrowIfCancellationRequested();
                    w.Line();
                    EmitForward(w, layer);
                    w.Line();
                    EmitTypedForward(w, layer);
                    cancellationToken.ThrowIfCancellationRequested();
                    EmitCache(w, layer);
                    cancellationToken.ThrowIfCancellationRequested();
                    EmitGemmShapes(w, layer);
                    EmitScoreTerms(w, layer);
                    if (layer.ShortKernel)
                    {
                        w.Line();
                        ShortKernelEmitter.Emit(w, layer);
                    }
                    cancellationToken.ThrowIfCancellationRequested();
                    GpuEmitter.Emit(w, layer);
                }
            }
            return w.ToString();
        }
        /// <summary>The class summary: the layer in words and numbers.</summary>
        private static void EmitSummary(CodeWriter w, LayerModel layer)
        {
            w.Line("/// <summary>");
            w.Line("/// " + Describe.Kind(layer) + ": " + Describe.Heads(layer) + ".");
            w.Line("/// " + Describe.Projections(layer) + ".");
            if (layer.RelativePositionBias || layer.Mask != AttentionMask.None || layer.Decoder.HasScoreTerms)
                w.Line("/// " + Describe.ScoreTerms(layer) + ".");
            if (layer.Decoder.HasRotary || layer.Decoder.HasCache)
                w.Line("/// " + Describe.Decoder(layer) + ".");
            w.Line("/// " + Describe.Signature(layer) + ".");
            w.Line("/// </summary>");
            w.Line("/// <remarks>");
            w.Line("/// Load an instance with <c>Load</c>; <c>Forward</c> may be called from several threads at once (each call");
            w.Line("/// uses its own scratch memory; only the first call, or a larger batch, allocates).");
            w.Line("/// " + Describe.Core(layer) + ".");
            w.Line("/// </remarks>");
        }
    }
}
