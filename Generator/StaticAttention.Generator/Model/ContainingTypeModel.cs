namespace StaticAttention.Generator.Model
{
    /// <summary>A type the generated class is nested in, as it must be re-declared: e.g. <c>partial struct Outer&lt;T&gt;</c>.</summary>
    /// <param name="Keyword">The declaration keyword: <c>class</c>, <c>struct</c>, <c>interface</c>, <c>record</c> or <c>record struct</c>.</param>
    /// <param name="Name">The name with its type parameters (and their variance), as declared.</param>
    internal sealed record ContainingTypeModel(string Keyword, string Name);
}
