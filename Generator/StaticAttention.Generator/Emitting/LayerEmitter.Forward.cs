using System.Collections.Generic;
using StaticAttention.Generator.Model;
using static StaticAttention.Generator.Emitting.Literals;
using static StaticAttention.Generator.Emitting.RuntimeTypes;

namespace StaticAttention.Generator.Emitting
{
    internal static partial class LayerEmitter
    {
        private const string SpanFloat = "global::System.Span<float>";

        /// <summary>
        /// <c>Forward</c>: checks every span against the batch, runs the projections, the attention core and the output
        /// projection with the layer's constants, and nothing the configuration does not need.
        /// </summary>
        private static void EmitForward(CodeWriter w, LayerModel l)
        {
            EmitForwardDocs(w, l);
            var parameters = new List<string>();
            foreach (ForwardParameter parameter in l.ForwardParameters) parameters.Add(parameter.SpanType + " " + parameter.Name);
            Signature(w, "public void Forward", parameters);
            using (w.Block())
            {
                EmitChecks(w, l);
                w.Line();
                GpuEmitter.EmitDispatch(w, l);
                if (l.Projections == Projections.None)
                {
                    EmitCoreOnly(w, l);
                }
                else
                {
                    EmitProjectedForward(w, l);
                }
            }
        }

        private static void EmitForwardDocs(CodeWriter w, LayerModel l)
        {
            w.Line("/// <summary>");
            w.Line("/// Runs the layer on a batch; the batch is the only dynamic dimension, derived from the " + (l.SelfAttention ? "input" : "query") + " length.");
            w.Line("/// Every other span must be exactly as long as that batch needs.");
            w.Line("/// </summary>");
            foreach (ForwardParameter input in l.ForwardParameters)
            {
                if (input.Kind != ForwardParameterKind.Input) continue;
                // x's token count is the constant Tokens; it is also QueryTokens, the name its checks use.
                string tokens = l.SelfAttention ? "Tokens" : input.Extents[0].Name;
                w.Line("/// <param name=\"" + input.Name + "\">" + InputNoun(input.Name) + " [batch, " + tokens + " = " + Int(input.Extents[0].Size) + ", " +
                       input.Extents[1].Name + " = " + Int(input.Extents[1].Size) + "]" + (l.SelfAttention ? ", row-major" : "") + ".</param>");
            }
            switch (l.MaskKind)
            {
                case AttentionMask.ValidLengths:
                    w.Line("/// <param name=\"validLengths\">Valid key count per batch item [batch], each in [0, " + Int(l.KeyTokens) + "]; scores of later keys are replaced by -1e6.</param>");
                    break;
                case AttentionMask.ValidLengthsPerQuery:
                    w.Line("/// <param name=\"validLengths\">Valid key count per query row [batch, " + Int(l.QueryTokens) + "], each in [0, " + Int(l.KeyTokens) + "]; scores of later keys are replaced by -1e6.</param>");
                    break;
                case AttentionMask.KeepMask:
                    w.Line("/// <param name=\"mask\">Keep-mask [batch, " + Int(l.QueryTokens) + ", " + Int(l.KeyTokens) + "], true = attend; masked scores are replaced by -1e9.</param>");
                    break;
                case AttentionMask.KeyPaddingMask:
                    w.Line("/// <param name=\"mask\">Key padding mask [batch, " + Int(l.KeyTokens) + "], true = ignore that key (score -inf); a row with no visible key gives zeros.</param>");
                    break;
            }
            w.Line("/// <param name=\"output\">Receives [batch, QueryTokens = " + Int(l.QueryTokens) + ", ModelDim = " + Int(l.ModelDim) + "].</param>");
            if (l.ReturnWeights)
                w.Line("/// <param name=\"weights\">Receives the softmax weights [batch, Heads = " + Int(l.Heads) + ", " + Int(l.QueryTokens) + ", " + Int(l.KeyTokens) + "].</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span's length does not fit the batch" +
                   (l.TakesValidLengths ? ", or a valid length is out of range" : "") + ".</exception>");
        }

        /// <summary>How the docs name an activation input.</summary>
        private static string InputNoun(string name) => name switch
        {
            "query" => "Queries",
            "key" => "Keys",
            "value" => "Values",
            _ => "Input",
        };

        private static void EmitChecks(CodeWriter w, LayerModel l)
        {
            ForwardParameter[] parameters = l.ForwardParameters;
            ForwardParameter first = parameters[0];
            w.Line("// batch = " + first.Name + ".Length / (" + first.PerItem.Replace(" * ", "·") + ") = " + first.Name + ".Length / " + Long(first.ElementsPerItem));
            w.Line("int batch = " + Guard + ".Batch(" + first.Name + ".Length, " + first.PerItem + ", nameof(" + first.Name + "));");
            for (int i = 1; i < parameters.Length; i++)
            {
                ForwardParameter parameter = parameters[i];
                LengthCheck(w, parameter.Name, parameter.PerItem, parameter.Shape);
                if (parameter.Name == "validLengths") w.Line(Guard + ".ValidLengths(validLengths, KeyTokens, nameof(validLengths));");
            }
        }

        private static void LengthCheck(CodeWriter w, string name, string perItem, string shape) =>
            w.Line(Guard + ".Length(" + name + ".Length, batch, " + perItem + ", nameof(" + name + "), " + String(shape) + ");");

        /// <summary>Projections.None: heads are column blocks of x itself, and the context is the output.</summary>
        private static void EmitCoreOnly(CodeWriter w, LayerModel l)
        {
            w.Line("// No projections: head h of token n is x[n, h·HeadDim .. (h+1)·HeadDim), for q, k and v alike.");
            EmitCoreCall(w, l, "x", "ModelDim", "x", "x", "ModelDim", "output");
        }

        private static void EmitProjectedForward(CodeWriter w, LayerModel l)
        {
            bool fusedSelf = l.Projections == Projections.Fused && l.SelfAttention;
            string queryInput = l.SelfAttention ? "x" : "query";
            string keyInput = l.SelfAttention ? "x" : "key";
            string valueInput = l.SelfAttention ? "x" : "value";
            GemmShape[] shapes = l.GemmShapes;

            // Scratch layout, in floats per batch item: projected q/k/v, then the context.
            var buffers = new List<(string Name, string PerItem, string Shape)>();
            if (fusedSelf)
            {
                buffers.Add(("qkv", "QueryTokens * (Heads + 2 * KvHeads) * HeadDim", "[batch·" + Int(l.QueryTokens) + ", " + Int(l.FusedWidth) + "]"));
            }
            else
            {
                buffers.Add(("q", "QueryTokens * Heads * HeadDim", "[batch·" + Int(l.QueryTokens) + ", " + Int(l.QueryWidth) + "]"));
                buffers.Add(("k", "KeyTokens * KvHeads * HeadDim", "[batch·" + Int(l.KeyTokens) + ", " + Int(l.KvWidth) + "]"));
                buffers.Add(("v", "KeyTokens * KvHeads * HeadDim", "[batch·" + Int(l.KeyTokens) + ", " + Int(l.KvWidth) + "]"));
            }
            buffers.Add(("context", "QueryTokens * Heads * HeadDim", "[batch·" + Int(l.QueryTokens) + ", " + Int(l.QueryWidth) + "]"));

            var perItem = new List<string>();
            foreach (var buffer in buffers)
            {
                w.Line("const int " + buffer.Name + "PerItem = " + buffer.PerItem + ";");
                perItem.Add(buffer.Name + "PerItem");
            }
            w.Line("float[] scratch = _scratch.Rent(" + Guard + ".ScratchLength(batch, " + string.Join(" + ", perItem) + ", nameof(" + queryInput + ")));");
            using (w.Block("try"))
            {
                string offset = "0";
                foreach (var buffer in buffers)
                {
                    w.Line(SpanFloat + " " + buffer.Name + " = new " + SpanFloat + "(scratch, " + offset + ", batch * " + buffer.Name + "PerItem); // " + buffer.Shape);
                    offset = offset == "0" ? "batch * " + buffer.Name + "PerItem" : "batch * (" + string.Join(" + ", perItem.GetRange(0, perItem.IndexOf(buffer.Name + "PerItem") + 1)) + ")";
                }
                w.Line();

                if (fusedSelf && !l.ShortKernel && !l.Decoder.HasRotary && !UsesDecoderCore(l))
                {
                    w.Line("// qkv = x · Wqkvᵀ" + (l.QkvBias ? " + b" : "") + ": [batch·" + Int(l.QueryTokens) + ", " + Int(l.QuerySize) + "] -> [batch·" + Int(l.QueryTokens) + ", " + Int(l.FusedWidth) + "], columns q | k | v");
                    EmitCoreComment(w, l, "context");
                    w.Line("// Both in one call: where the flash kernel runs, each (batch item, key/value head) is projected and attended in one");
                    w.Line("// job, its q, k and v staying in cache (qkv is not written); else qkv is filled and the heads read their columns in place.");
                    EmitProjectedCoreCall(w, l, shapes[0]);
                }
                else if (fusedSelf)
                {
                    w.Line("// qkv = x · Wqkvᵀ" + (l.QkvBias ? " + b" : "") + ": [batch·" + Int(l.QueryTokens) + ", " + Int(l.QuerySize) + "] -> [batch·" + Int(l.QueryTokens) + ", " + Int(l.FusedWidth) + "], columns q | k | v");
                    EmitGemmCall(w, shapes[0], "x", "batch * QueryTokens", "qkv");
                    w.Line();
                    if (l.Decoder.HasRotary)
                    {
                        EmitRotaryApply(w, l, fused: true, "batch * QueryTokens", "QueryTokens", "0");
                        w.Line();
                    }
                    w.Line("// Heads read their columns of qkv in place: q at 0, k at Heads·HeadDim, v at (Heads + KvHeads)·HeadDim.");
                    EmitCoreCall(w, l, "qkv", "(Heads + 2 * KvHeads) * HeadDim", "qkv.Slice(Heads * HeadDim)", "qkv.Slice((Heads + KvHeads) * HeadDim)",
                        "(Heads + 2 * KvHeads) * HeadDim", "context");
                }
                else
                {
                    if (l.Projections == Projections.Fused)
                    {
                        w.Line("// The fused matrix's row blocks q | k | v, packed apart at load: cross-attention projects each input with its own block.");
                    }
                    ProjectSeparate(w, l, shapes[0], "q", queryInput, "QueryTokens", l.QueryTokens, l.QuerySize, l.QueryWidth);
                    ProjectSeparate(w, l, shapes[1], "k", keyInput, "KeyTokens", l.KeyTokens, l.KeySize, l.KvWidth);
                    ProjectSeparate(w, l, shapes[2], "v", valueInput, "KeyTokens", l.KeyTokens, l.ValueSize, l.KvWidth);
                    w.Line();
                    if (l.Decoder.HasRotary)
                    {
                        EmitRotaryApply(w, l, fused: false, "batch * QueryTokens", "QueryTokens", "0");
                        w.Line();
                    }
                    EmitCoreCall(w, l, "q", "Heads * HeadDim", "k", "v", "KvHeads * HeadDim", "context");
                }
                w.Line();
                w.Line("// output = context · Woᵀ" + (l.OutputBias ? " + b" : "") + ": [batch·" + Int(l.QueryTokens) + ", " + Int(l.QueryWidth) + "] -> [batch·" + Int(l.QueryTokens) + ", " + Int(l.ModelDim) + "]");
                EmitGemmCall(w, shapes[shapes.Length - 1], "context", "batch * QueryTokens", "output");
            }
            using (w.Block("finally"))
            {
                w.Line("_scratch.Return(scratch);");
            }
        }

        private static void ProjectSeparate(CodeWriter w, LayerModel l, GemmShape shape, string target, string input, string tokens,
            int tokenCount, int sizeValue, int widthValue)
        {
            w.Line("// " + target + " = " + input + " · W" + target + "ᵀ" + (l.QkvBias ? " + b" : "") + ": [batch·" + Int(tokenCount) + ", " + Int(sizeValue) + "] -> [batch·" + Int(tokenCount) + ", " + Int(widthValue) + "]");
            EmitGemmCall(w, shape, input, "batch * " + tokens, target);
        }

        /// <summary>The shape math of the attention core, as a comment.</summary>
        private static void EmitCoreComment(CodeWriter w, LayerModel l, string context)
        {
            string scale = l.ScaleIsDefault ? Float(l.Scale) + " = 1/sqrt(" + Int(l.HeadDim) + ")" : Float(l.Scale);
            string terms = l.RelativePositionBias ? " + relative bias" : "";
            if (l.MaskKind != AttentionMask.None || (l.Mask & AttentionMask.Causal) != 0) terms += ", masked";
            w.Line("// Per (batch, head): softmax(" + scale + " · q·kᵀ" + terms + ") · v -> " + context + " [batch·" + Int(l.QueryTokens) + ", " + Int(l.QueryWidth) + "]");
        }

        /// <summary>The fused qkv projection and the core in one runtime call (self-attention, the runtime's kernels).</summary>
        private static void EmitProjectedCoreCall(CodeWriter w, LayerModel l, GemmShape qkvShape)
        {
            string table = l.RelativePositionBias ? "_weights.RelativePositionBiasTable" : "default";
            string validLengths = l.TakesValidLengths ? "validLengths" : "default";
            string mask = l.TakesMask ? "mask" : "default";
            string weights = l.ReturnWeights ? "weights" : "default";
            w.Line(AttentionCore + ".ForwardProjected<" + qkvShape.TypeName + ">(");
            w.Line("    x, _packed." + qkvShape.Packed + ", qkv,");
            w.Line("    batch, Heads, KvHeads, HeadDim, QueryTokens, Scale,");
            w.Line("    " + MaskExpression(l.Mask) + ", " + validLengths + ", " + mask + ", " + table + ",");
            w.Line("    context, " + weights + ", " + WorkerPool + ".Shared, _maxDegreeOfParallelism);");
        }

        private static void EmitCoreCall(CodeWriter w, LayerModel l, string q, string qStride, string k, string v, string kvStride, string context)
        {
            if (UsesDecoderCore(l))
            {
                EmitDecoderCoreCall(w, l, q, qStride, k, v, kvStride, context);
                return;
            }

            EmitCoreComment(w, l, context);
            string table = l.RelativePositionBias ? "_weights.RelativePositionBiasTable" : "default";
            if (l.ShortKernel)
            {
                w.Line("// through this layer's own kernel, " + ShortKernelEmitter.TypeName + " (strides and sizes are its constants).");
                w.Line(AttentionCore + ".ForwardShort<" + ShortKernelEmitter.TypeName + ">(" + q + ", " + k + ", " + v + ", batch, " + table + ", " + context + ", " + WorkerPool + ".Shared, _maxDegreeOfParallelism);");
                return;
            }

            string validLengths = l.TakesValidLengths ? "validLengths" : "default";
            string mask = l.TakesMask ? "mask" : "default";
            string weights = l.ReturnWeights ? "weights" : "default";
            w.Line(AttentionCore + ".Forward(");
            w.Line("    " + q + ", " + qStride + ", " + k + ", " + v + ", " + kvStride + ",");
            w.Line("    batch, Heads, KvHeads, HeadDim, QueryTokens, KeyTokens, Scale,");
            w.Line("    " + MaskExpression(l.Mask) + ", " + validLengths + ", " + mask + ", " + table + ",");
            w.Line("    " + context + ", " + weights + ", " + WorkerPool + ".Shared, _maxDegreeOfParallelism);");
        }
    }
}
