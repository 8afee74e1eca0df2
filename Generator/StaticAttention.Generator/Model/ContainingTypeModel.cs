namespace StaticAttention.Generator.Model
{
    /// <summary>A type the layer is nested in, as it must be re-declared: e.g. <c>partial class Outer</c>.</summary>
    internal sealed record ContainingTypeModel(string Keyword, string Name);
}
