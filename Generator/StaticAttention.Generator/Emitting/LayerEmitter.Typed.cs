using System.Collections.Generic;
using StaticAttention.Generator.Model;
using static StaticAttention.Generator.Emitting.Literals;

namespace StaticAttention.Generator.Emitting
{
    internal static partial class LayerEmitter
    {
        /// <summary>
        /// The typed surface: <c>Forward</c> over <c>Tensor&lt;TTokens, TFeatures&gt;</c> whose dimension types state the
        /// layer's shapes, so wiring an activation of another shape is a compile error. Both overloads call the span
        /// <c>Forward</c>; one returns a new output tensor, the other writes into a given one.
        /// </summary>
        private static void EmitTypedForward(CodeWriter w, LayerModel l)
        {
            string output = DimensionsEmitter.Tensor(l.QueryTokens, l.ModelDim);
            ForwardParameter[] parameters = l.ForwardParameters;
            var returning = new List<string>();
            var writing = new List<string>();
            var arguments = new List<string>();
            var spanArguments = new List<string>();
            foreach (ForwardParameter parameter in parameters)
            {
                string type = TypedType(parameter);
                if (parameter.Kind != ForwardParameterKind.Output) returning.Add(type + " " + parameter.Name);
                writing.Add(type + " " + parameter.Name);
                arguments.Add(parameter.Name);
                spanArguments.Add(parameter.Name + (type == parameter.SpanType ? "" : ".Span"));
            }

            string first = parameters[0].Name;
            string shapes = TypedShapes(l);

            // Returns a new output tensor.
            w.Line("/// <summary>");
            w.Line("/// Runs the layer on typed tensors and returns a new output tensor (dispose it): " + shapes + ".");
            w.Line("/// The tensor types state the static shapes, so an input of another shape does not compile.");
            w.Line("/// </summary>");
            TypedParamDocs(w, l, withOutput: false);
            w.Line("/// <exception cref=\"global::System.ArgumentException\">The batches of the inputs differ" +
                   (l.TakesValidLengths || l.TakesMask || l.ReturnWeights ? ", or a span's length does not fit the batch" : "") +
                   (l.TakesValidLengths ? ", or a valid length is out of range" : "") + ".</exception>");
            Signature(w, "public " + output + " Forward", returning);
            using (w.Block())
            {
                w.Line("global::System.ArgumentNullException.ThrowIfNull(" + first + ");");
                w.Line("var output = new " + output + "(" + first + ".Batch);");
                using (w.Block("try"))
                {
                    w.Line("Forward(" + string.Join(", ", arguments) + ");");
                    w.Line("return output;");
                }
                using (w.Block("catch"))
                {
                    w.Line("output.Dispose();");
                    w.Line("throw;");
                }
            }
            w.Line();

            // Writes into a given output tensor.
            w.Line("/// <summary>");
            w.Line("/// Runs the layer on typed tensors, writing into <paramref name=\"output\"/>: " + shapes + ".");
            w.Line("/// </summary>");
            TypedParamDocs(w, l, withOutput: true);
            w.Line("/// <exception cref=\"global::System.ArgumentException\">The batches differ" +
                   (l.TakesValidLengths || l.TakesMask || l.ReturnWeights ? ", or a span's length does not fit the batch" : "") +
                   (l.TakesValidLengths ? ", or a valid length is out of range" : "") + ".</exception>");
            Signature(w, "public void Forward", writing);
            using (w.Block())
            {
                foreach (ForwardParameter parameter in parameters)
                {
                    if (parameter.Kind is ForwardParameterKind.Input or ForwardParameterKind.Output)
                        w.Line("global::System.ArgumentNullException.ThrowIfNull(" + parameter.Name + ");");
                }
                w.Line("Forward(" + string.Join(", ", spanArguments) + ");");
            }
        }

        /// <summary>A parameter's type in the typed overloads: a typed tensor for the activations, else its span.</summary>
        private static string TypedType(ForwardParameter parameter) =>
            parameter.Kind is ForwardParameterKind.Input or ForwardParameterKind.Output
                ? DimensionsEmitter.Tensor(parameter.Extents[0].Size, parameter.Extents[1].Size)
                : parameter.SpanType;

        private static void Signature(CodeWriter w, string head, List<string> parameters)
        {
            if (parameters.Count <= 2)
            {
                w.Line(head + "(" + string.Join(", ", parameters) + ")");
                return;
            }
            w.Line(head + "(");
            for (int i = 0; i < parameters.Count; i++)
                w.Line("    " + parameters[i] + (i < parameters.Count - 1 ? "," : ")"));
        }

        private static string TypedShapes(LayerModel l)
        {
            string inputs = l.SelfAttention
                ? "x (" + Int(l.QueryTokens) + ", " + Int(l.QuerySize) + ")"
                : "query (" + Int(l.QueryTokens) + ", " + Int(l.QuerySize) + "), key (" + Int(l.KeyTokens) + ", " + Int(l.KeySize) +
                  "), value (" + Int(l.KeyTokens) + ", " + Int(l.ValueSize) + ")";
            return inputs + " -> (" + Int(l.QueryTokens) + ", " + Int(l.ModelDim) + "), per batch item";
        }

        private static void TypedParamDocs(CodeWriter w, LayerModel l, bool withOutput)
        {
            foreach (ForwardParameter input in l.ForwardParameters)
            {
                if (input.Kind != ForwardParameterKind.Input) continue;
                w.Line("/// <param name=\"" + input.Name + "\">" + InputNoun(input.Name) + " (" + Int(input.Extents[0].Size) + ", " + Int(input.Extents[1].Size) + ")" +
                       (input.Name is "x" or "query" ? " per batch item" : ", the query's batch") + ".</param>");
            }
            if (l.TakesValidLengths)
                w.Line("/// <param name=\"validLengths\">Valid key counts, as in the span <c>Forward</c>.</param>");
            if (l.TakesMask)
                w.Line("/// <param name=\"mask\">The mask, as in the span <c>Forward</c>.</param>");
            if (withOutput)
                w.Line("/// <param name=\"output\">Receives (" + Int(l.QueryTokens) + ", " + Int(l.ModelDim) + ") per batch item; its batch must be the input's.</param>");
            if (l.ReturnWeights)
                w.Line("/// <param name=\"weights\">Receives the softmax weights [batch, Heads = " + Int(l.Heads) + ", " + Int(l.QueryTokens) + ", " + Int(l.KeyTokens) + "].</param>");
        }
    }
}
