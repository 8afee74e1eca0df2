namespace StaticAttention.Generator
{
    /// <summary>Names of the generator's incremental steps, so tests can check what was cached.</summary>
    public static class TrackingNames
    {
        /// <summary>The step that parses each attributed class into a model and its diagnostics.</summary>
        public const string LayerModels = nameof(LayerModels);

        /// <summary>The step that projects the diagnostics out of the parse results.</summary>
        public const string Diagnostics = nameof(Diagnostics);
    }
}
