using System;

namespace StaticAttention
{
    /// <summary>
    /// Declares a stack of self-attention layers on a <c>partial class</c>: the generator checks at compile time that
    /// each layer's output shape (Tokens, ModelDim) is the next layer's input shape (Tokens, QuerySize), reporting SA0023
    /// on the mismatched pair, and writes a constructor taking the layers and a typed <c>Forward</c> through all of them.
    /// </summary>
    /// <example>
    /// <code>
    /// [LayerStack(typeof(Block0Attention), typeof(Block1Attention))]
    /// public partial class Encoder;
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class LayerStackAttribute : Attribute
    {
        /// <summary>Declares the stack of <paramref name="layers"/>, first to last.</summary>
        public LayerStackAttribute(params Type[] layers) => Layers = layers;

        /// <summary>The layer types, first to last.</summary>
        public Type[] Layers { get; }
    }
}
