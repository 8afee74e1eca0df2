namespace StaticAttention.Generator.Model
{
    /// <summary>
    /// The dimension markers to emit for one compilation: the sizes in ascending order, and whether they must be public
    /// (some layer's typed <c>Forward</c> is visible outside the assembly).
    /// </summary>
    internal sealed record DimensionsModel(EquatableArray<int> Sizes, bool Public);
}
