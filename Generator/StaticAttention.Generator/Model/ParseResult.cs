namespace StaticAttention.Generator.Model
{
    /// <summary>What the parser makes of one attributed class: the layer to emit (null when invalid) and the diagnostics.</summary>
    internal sealed record ParseResult(LayerModel? Layer, EquatableArray<DiagnosticInfo> Diagnostics);
}
