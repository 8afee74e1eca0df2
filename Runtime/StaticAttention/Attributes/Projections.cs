namespace StaticAttention
{
    /// <summary>How the query, key and value inputs are projected before attention.</summary>
    public enum Projections
    {
        /// <summary>
        /// One input matrix <c>[(Heads + 2·KvHeads)·HeadDim, ModelDim]</c>: query rows, then key rows, then value rows
        /// (timm <c>qkv.weight</c>, torch <c>in_proj_weight</c>, Phi-3 <c>qkv_proj.weight</c>), followed by an output Linear.
        /// </summary>
        Fused = 0,

        /// <summary>
        /// Distinct query, key and value matrices (d2l <c>W_q</c>, <c>Wq</c>, HF <c>q_proj</c>, torch <c>q_proj_weight</c>),
        /// followed by an output Linear.
        /// </summary>
        Separate = 1,

        /// <summary>No projections: q = k = v = x split into heads, and no output Linear.</summary>
        None = 2,
    }
}
