namespace StaticAttention.Generator
{
    /// <summary>Names of the generator's incremental steps, so tests can check what was cached.</summary>
    public static class TrackingNames
    {
        /// <summary>The step that parses each attributed class into a model and its diagnostics.</summary>
        public const string LayerModels = nameof(LayerModels);

        /// <summary>The step that projects the diagnostics out of the parse results.</summary>
        public const string Diagnostics = nameof(Diagnostics);

        /// <summary>The step that collects every layer's sizes into the set of dimension markers to emit.</summary>
        public const string Dimensions = nameof(Dimensions);

        /// <summary>The step that parses each <c>[LayerStack]</c> class into a model and its diagnostics.</summary>
        public const string Stacks = nameof(Stacks);
    }
}
