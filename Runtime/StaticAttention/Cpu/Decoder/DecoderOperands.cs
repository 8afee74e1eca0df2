namespace StaticAttention.Internal.Cpu.Decoder
{
    /// <summary>
    /// What every decoder attention job reads (<see cref="DecoderRows{TTerms, TV, TOps}"/>, <see cref="DecoderTiles{TTerms, TV, TOps}"/>):
    /// the query rows, the keys and values with their strides, the sizes, the positions, the scale, the ALiBi slopes and
    /// where the context goes. Filled once per call by <see cref="DecoderAttention"/>; see its <c>Forward</c> for the layouts.
    /// </summary>
    internal unsafe struct DecoderOperands
    {
        public float* Q;
        public int QStride;
        public float* K;
        public float* V;
        public nint KvItemStride;
        public nint KvHeadStride;
        public nint KvRowStride;
        public int Batch;
        public int Heads;
        public int KvHeads;
        public int HeadDim;
        public int QueryTokens;
        public int FirstPosition;
        public int KeyCount;
        public float Scale;
        public float* Slopes;
        public float* Context;
    }
}
