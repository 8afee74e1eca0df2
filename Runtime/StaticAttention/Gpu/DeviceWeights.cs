using System;
using System.ComponentModel;
using ILGPU;
using ILGPU.Runtime;
using StaticAttention.Weights;

namespace StaticAttention.Internal.Gpu
{
    /// <summary>
    /// A layer's weights on an ILGPU accelerator, uploaded once from the loaded <see cref="AttentionWeights"/> in the
    /// layout the generated kernels read: every projection matrix transposed to <c>[in, out]</c> (so a tile of its
    /// columns is one contiguous row segment), biases and the relative position bias table as they are, and the rotary
    /// embedding's cosines and sines computed once for the layer's positions.
    /// </summary>
    /// <remarks>
    /// Which matrices exist follows the layer's spec: a fused self-attention layer has one <see cref="Input"/> matrix
    /// <c>[QuerySize, (Heads + 2·KvHeads)·HeadDim]</c> whose columns are q | k | v; a separate or fused cross-attention
    /// layer has <see cref="Query"/>, <see cref="Key"/> and <see cref="Value"/> (a fused matrix is split by its row
    /// blocks); every projected layer has <see cref="Output"/> <c>[Heads·HeadDim, ModelDim]</c>. Views of matrices a
    /// layer does not use are empty. Immutable after construction, so any number of threads may read it; dispose it
    /// once, when no kernel that reads it is running.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class DeviceWeights : IDisposable
    {
        private readonly MemoryBuffer1D<float, Stride1D.Dense>[] _buffers;
        private bool _disposed;

        /// <summary>Uploads <paramref name="weights"/> of a layer described by <paramref name="spec"/> to <paramref name="accelerator"/>.</summary>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="ArgumentException">A weight array does not have the length <paramref name="spec"/> needs (the message names it and both lengths).</exception>
        public DeviceWeights(Accelerator accelerator, AttentionLayerSpec spec, AttentionWeights weights)
        {
            ArgumentNullException.ThrowIfNull(accelerator);
            ArgumentNullException.ThrowIfNull(spec);
            ArgumentNullException.ThrowIfNull(weights);
            Accelerator = accelerator;
            var buffers = new System.Collections.Generic.List<MemoryBuffer1D<float, Stride1D.Dense>>();
            ArrayView<float> Upload(float[] data)
            {
                MemoryBuffer1D<float, Stride1D.Dense> buffer = accelerator.Allocate1D(data);
                buffers.Add(buffer);
                return buffer.View.AsContiguous();
            }

            try
            {
                if (spec.Projections == Projections.Fused)
                {
                    Expect(weights.Fused, spec.FusedWidth * spec.QuerySize, "Fused", spec);
                    if (spec.QkvBias) Expect(weights.FusedBias, spec.FusedWidth, "FusedBias", spec);
                    if (spec.SelfAttention)
                    {
                        Input = Upload(Transpose(weights.Fused, 0, spec.FusedWidth, spec.QuerySize));
                        if (spec.QkvBias) InputBias = Upload(weights.FusedBias);
                    }
                    else
                    {
                        // Cross-attention projects each input with its own row block of the fused matrix.
                        Query = Upload(Transpose(weights.Fused, 0, spec.QueryWidth, spec.QuerySize));
                        Key = Upload(Transpose(weights.Fused, spec.QueryWidth, spec.KvWidth, spec.KeySize));
                        Value = Upload(Transpose(weights.Fused, spec.QueryWidth + spec.KvWidth, spec.KvWidth, spec.ValueSize));
                        if (spec.QkvBias)
                        {
                            QueryBias = Upload(weights.FusedBias.AsSpan(0, spec.QueryWidth).ToArray());
                            KeyBias = Upload(weights.FusedBias.AsSpan(spec.QueryWidth, spec.KvWidth).ToArray());
                            ValueBias = Upload(weights.FusedBias.AsSpan(spec.QueryWidth + spec.KvWidth, spec.KvWidth).ToArray());
                        }
                    }
                }
                else if (spec.Projections == Projections.Separate)
                {
                    Expect(weights.Query, spec.QueryWidth * spec.QuerySize, "Query", spec);
                    Expect(weights.Key, spec.KvWidth * spec.KeySize, "Key", spec);
                    Expect(weights.Value, spec.KvWidth * spec.ValueSize, "Value", spec);
                    Query = Upload(Transpose(weights.Query, 0, spec.QueryWidth, spec.QuerySize));
                    Key = Upload(Transpose(weights.Key, 0, spec.KvWidth, spec.KeySize));
                    Value = Upload(Transpose(weights.Value, 0, spec.KvWidth, spec.ValueSize));
                    if (spec.QkvBias)
                    {
                        Expect(weights.QueryBias, spec.QueryWidth, "QueryBias", spec);
                        Expect(weights.KeyBias, spec.KvWidth, "KeyBias", spec);
                        Expect(weights.ValueBias, spec.KvWidth, "ValueBias", spec);
                        QueryBias = Upload(weights.QueryBias);
                        KeyBias = Upload(weights.KeyBias);
                        ValueBias = Upload(weights.ValueBias);
                    }
                }

                if (spec.Projections != Projections.None)
                {
                    Expect(weights.Output, spec.ModelDim * spec.QueryWidth, "Output", spec);
                    Output = Upload(Transpose(weights.Output, 0, spec.ModelDim, spec.QueryWidth));
                    if (spec.OutputBias)
                    {
                        Expect(weights.OutputBias, spec.ModelDim, "OutputBias", spec);
                        OutputBias = Upload(weights.OutputBias);
                    }
                }

                if (spec.RelativePositionBias)
                {
                    Expect(weights.RelativePositionBiasTable, spec.RelativePositionRows * spec.Heads, "RelativePositionBiasTable", spec);
                    RelativePositionBiasTable = Upload(weights.RelativePositionBiasTable);
                }

                if (spec.Rotary != RotaryEmbedding.None)
                {
                    RotaryTable = Upload(RotaryCosSin.Table(spec.RotaryBase, spec.RotaryDims, spec.QueryTokens));
                }
            }
            catch
            {
                foreach (MemoryBuffer1D<float, Stride1D.Dense> buffer in buffers) buffer.Dispose();
                throw;
            }

            _buffers = buffers.ToArray();
        }

        /// <summary>The accelerator the weights live on.</summary>
        public Accelerator Accelerator { get; }

        /// <summary>Fused self-attention: the input matrix transposed, <c>[QuerySize, (Heads + 2·KvHeads)·HeadDim]</c>, columns q | k | v.</summary>
        public ArrayView<float> Input { get; }

        /// <summary>Fused self-attention: the input bias <c>[(Heads + 2·KvHeads)·HeadDim]</c>.</summary>
        public ArrayView<float> InputBias { get; }

        /// <summary>The query matrix transposed, <c>[QuerySize, Heads·HeadDim]</c>.</summary>
        public ArrayView<float> Query { get; }

        /// <summary>The query bias <c>[Heads·HeadDim]</c>.</summary>
        public ArrayView<float> QueryBias { get; }

        /// <summary>The key matrix transposed, <c>[KeySize, KvHeads·HeadDim]</c>.</summary>
        public ArrayView<float> Key { get; }

        /// <summary>The key bias <c>[KvHeads·HeadDim]</c>.</summary>
        public ArrayView<float> KeyBias { get; }

        /// <summary>The value matrix transposed, <c>[ValueSize, KvHeads·HeadDim]</c>.</summary>
        public ArrayView<float> Value { get; }

        /// <summary>The value bias <c>[KvHeads·HeadDim]</c>.</summary>
        public ArrayView<float> ValueBias { get; }

        /// <summary>The output matrix transposed, <c>[Heads·HeadDim, ModelDim]</c>.</summary>
        public ArrayView<float> Output { get; }

        /// <summary>The output bias <c>[ModelDim]</c>.</summary>
        public ArrayView<float> OutputBias { get; }

        /// <summary>The relative position bias table <c>[2·Tokens - 1, Heads]</c>, as loaded.</summary>
        public ArrayView<float> RelativePositionBiasTable { get; }

        /// <summary>
        /// The rotary embedding's cosines and sines <c>[Tokens, RotaryDims / 2, 2]</c> of <c>position · θ^(-2i/RotaryDims)</c>,
        /// computed once at upload; empty when the layer has no rotary embedding.
        /// </summary>
        public ArrayView<float> RotaryTable { get; }

        /// <summary>Frees the device memory. Idempotent.</summary>
        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            foreach (MemoryBuffer1D<float, Stride1D.Dense> buffer in _buffers) buffer.Dispose();
        }

        /// <summary>Rows <c>[firstRow, firstRow + rows)</c> of a row-major <c>[*, columns]</c> matrix, transposed to <c>[columns, rows]</c>.</summary>
        internal static float[] Transpose(float[] matrix, int firstRow, int rows, int columns)
        {
            var transposed = new float[rows * columns];
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++)
                {
                    transposed[c * rows + r] = matrix[(firstRow + r) * columns + c];
                }
            }

            return transposed;
        }

        private static void Expect(float[] data, int length, string name, AttentionLayerSpec spec)
        {
            if (data.Length != length)
            {
                throw new ArgumentException(
                    $"{spec.LayerName}: the weights' {name} has {data.Length} elements, but the layer needs {length}.", "weights");
            }
        }
    }
}
