namespace StaticAttention.Tensors
{
    /// <summary>
    /// A static dimension as a type: <c>Value</c> is its size. The generator emits one marker per size a compilation
    /// uses, <c>StaticAttention.Dimensions.D768 : IDimension</c>, so <c>Tensor&lt;D8, D768&gt;</c> and
    /// <c>Tensor&lt;D16, D768&gt;</c> are different types and cannot be mixed up.
    /// </summary>
    public interface IDimension
    {
        /// <summary>The size of this dimension, at least 1.</summary>
        static abstract int Value { get; }
    }
}
