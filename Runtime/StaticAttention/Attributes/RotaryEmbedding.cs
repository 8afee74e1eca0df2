namespace StaticAttention
{
    /// <summary>
    /// Which rotary position embedding (RoPE) a layer applies to its queries and keys, after their projections and
    /// biases. Feature pairs of the first <c>RotaryDims</c> features of every head turn by <c>position · θ^(-2i/RotaryDims)</c>.
    /// </summary>
    public enum RotaryEmbedding
    {
        /// <summary>No rotary embedding.</summary>
        None = 0,

        /// <summary>
        /// Feature <c>i</c> pairs with feature <c>i + RotaryDims/2</c> (HF Llama, Mistral, Qwen2, Gemma, GPT-NeoX, Phi:
        /// <c>rotate_half</c>).
        /// </summary>
        RotateHalf = 1,

        /// <summary>Features <c>2i</c> and <c>2i+1</c> pair (GPT-J, Meta's reference Llama: <c>rotate_every_two</c>).</summary>
        Interleaved = 2,
    }
}
