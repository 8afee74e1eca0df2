using System.Collections.Generic;
using System.Globalization;

namespace StaticAttention.Generator.Model
{
    /// <summary>One named factor of a parameter's per-item length: <c>KeyTokens</c> (the layer's constant) and its value.</summary>
    internal readonly record struct Extent(string Name, int Size);

    /// <summary>What a span <c>Forward</c> parameter is, for the overloads that take it in another form.</summary>
    internal enum ForwardParameterKind
    {
        /// <summary>An activation input (<c>x</c>, <c>query</c>, <c>key</c>, <c>value</c>): a typed tensor in the typed overload.</summary>
        Input,

        /// <summary><c>validLengths</c> or <c>mask</c>: a span in every CPU overload, ints on the device.</summary>
        Mask,

        /// <summary><c>output</c>: a typed tensor in the typed overload.</summary>
        Output,

        /// <summary><c>weights</c>: a span in every CPU overload.</summary>
        Weights,
    }

    /// <summary>
    /// One parameter of a layer's span <c>Forward</c>, in order: its name, types and per-batch-item length. Every overload
    /// (span, typed, device), every length check and the call analyzer read the list from <see cref="LayerModel.ForwardParameters"/>.
    /// </summary>
    /// <param name="Name">The parameter's name: <c>x</c>, <c>query</c>, <c>validLengths</c>, <c>output</c>...</param>
    /// <param name="Kind">What it is, for the typed and device overloads.</param>
    /// <param name="SpanType">Its type in the span overload: <c>global::System.ReadOnlySpan&lt;float&gt;</c>...</param>
    /// <param name="DeviceType">Its type in the device overload: <c>global::ILGPU.ArrayView&lt;float&gt;</c> or of int.</param>
    /// <param name="Extents">The factors of its length per batch item, outermost first; none for one element per item.</param>
    internal sealed record ForwardParameter(string Name, ForwardParameterKind Kind, string SpanType, string DeviceType, EquatableArray<Extent> Extents)
    {
        public const string FloatView = "global::ILGPU.ArrayView<float>";
        public const string IntView = "global::ILGPU.ArrayView<int>";

        /// <summary>Elements per batch item: the product of the extents.</summary>
        public long ElementsPerItem
        {
            get
            {
                long product = 1;
                foreach (Extent extent in Extents) product *= extent.Size;
                return product;
            }
        }

        /// <summary>The per-item length in the layer's constants, for generated code: <c>KeyTokens * KeySize</c> (or <c>1</c>).</summary>
        public string PerItem => Join(" * ", named: false, "1");

        /// <summary>The shape with the batch, for messages: <c>[batch, KeyTokens 6, KeySize 32]</c>.</summary>
        public string Shape => Extents.IsEmpty ? "[batch]" : "[batch, " + Join(", ", named: true, "") + "]";

        /// <summary>The per-item shape, for the analyzer's messages: <c>(KeyTokens 6 · KeySize 32)</c>.</summary>
        public string ItemShape => Extents.IsEmpty ? "(one per batch item)" : "(" + Join(" · ", named: true, "") + ")";

        private string Join(string separator, bool named, string empty)
        {
            if (Extents.IsEmpty) return empty;
            var parts = new List<string>();
            foreach (Extent extent in Extents)
                parts.Add(named ? extent.Name + " " + extent.Size.ToString(CultureInfo.InvariantCulture) : extent.Name);
            return string.Join(separator, parts);
        }

        /// <summary>The span <c>Forward</c>'s parameters of a layer of these sizes, in order.</summary>
        public static ForwardParameter[] For(LayerModel l)
        {
            const string Floats = "global::System.ReadOnlySpan<float>";
            var queryTokens = new Extent("QueryTokens", l.QueryTokens);
            var keyTokens = new Extent("KeyTokens", l.KeyTokens);
            var parameters = new List<ForwardParameter>();
            if (l.SelfAttention)
            {
                parameters.Add(Make("x", ForwardParameterKind.Input, Floats, FloatView, queryTokens, new Extent("QuerySize", l.QuerySize)));
            }
            else
            {
                parameters.Add(Make("query", ForwardParameterKind.Input, Floats, FloatView, queryTokens, new Extent("QuerySize", l.QuerySize)));
                parameters.Add(Make("key", ForwardParameterKind.Input, Floats, FloatView, keyTokens, new Extent("KeySize", l.KeySize)));
                parameters.Add(Make("value", ForwardParameterKind.Input, Floats, FloatView, keyTokens, new Extent("ValueSize", l.ValueSize)));
            }
            switch (l.MaskKind)
            {
                case AttentionMask.ValidLengths:
                    parameters.Add(Make("validLengths", ForwardParameterKind.Mask, "global::System.ReadOnlySpan<int>", IntView));
                    break;
                case AttentionMask.ValidLengthsPerQuery:
                    parameters.Add(Make("validLengths", ForwardParameterKind.Mask, "global::System.ReadOnlySpan<int>", IntView, queryTokens));
                    break;
                case AttentionMask.KeepMask:
                    parameters.Add(Make("mask", ForwardParameterKind.Mask, "global::System.ReadOnlySpan<bool>", IntView, queryTokens, keyTokens));
                    break;
                case AttentionMask.KeyPaddingMask:
                    parameters.Add(Make("mask", ForwardParameterKind.Mask, "global::System.ReadOnlySpan<bool>", IntView, keyTokens));
                    break;
            }
            parameters.Add(Make("output", ForwardParameterKind.Output, "global::System.Span<float>", FloatView, queryTokens, new Extent("ModelDim", l.ModelDim)));
            if (l.ReturnWeights)
                parameters.Add(Make("weights", ForwardParameterKind.Weights, "global::System.Span<float>", FloatView, new Extent("Heads", l.Heads), queryTokens, keyTokens));
            return parameters.ToArray();
        }

        private static ForwardParameter Make(string name, ForwardParameterKind kind, string spanType, string deviceType, params Extent[] extents) =>
            new ForwardParameter(name, kind, spanType, deviceType, new EquatableArray<Extent>(extents));
    }
}
