using System;
using System.ComponentModel;
using StaticAttention.Weights;

namespace StaticAttention.Internal.Cpu
{
    /// <summary>
    /// A layer's projection matrices packed once, at load, for <see cref="Gemm"/>: the fused q|k|v matrix for fused
    /// self-attention, else one matrix each for q, k and v (a fused checkpoint's row blocks for fused cross-attention),
    /// and the output matrix. Reading a matrix the layer does not use throws <see cref="InvalidOperationException"/>.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class PackedProjections
    {
        private readonly PackedMatrix? _fused, _query, _key, _value, _output;

        private PackedProjections(PackedMatrix? fused, PackedMatrix? query, PackedMatrix? key, PackedMatrix? value, PackedMatrix? output)
        {
            _fused = fused;
            _query = query;
            _key = key;
            _value = value;
            _output = output;
        }

        /// <summary>The fused input matrix <c>[(Heads + 2·KvHeads)·HeadDim, QuerySize]</c> with its bias (fused self-attention only).</summary>
        public PackedMatrix Fused => _fused ?? throw Absent(nameof(Fused));

        /// <summary>The query matrix <c>[Heads·HeadDim, QuerySize]</c> with its bias.</summary>
        public PackedMatrix Query => _query ?? throw Absent(nameof(Query));

        /// <summary>The key matrix <c>[KvHeads·HeadDim, KeySize]</c> with its bias.</summary>
        public PackedMatrix Key => _key ?? throw Absent(nameof(Key));

        /// <summary>The value matrix <c>[KvHeads·HeadDim, ValueSize]</c> with its bias.</summary>
        public PackedMatrix Value => _value ?? throw Absent(nameof(Value));

        /// <summary>The output matrix <c>[ModelDim, Heads·HeadDim]</c> with its bias.</summary>
        public PackedMatrix Output => _output ?? throw Absent(nameof(Output));

        /// <summary>Packs what <paramref name="spec"/>'s forward pass multiplies by.</summary>
        public static PackedProjections Create(AttentionLayerSpec spec, AttentionWeights weights)
        {
            ArgumentNullException.ThrowIfNull(spec);
            ArgumentNullException.ThrowIfNull(weights);
            if (spec.Projections == Projections.None) return new PackedProjections(null, null, null, null, null);

            PackedMatrix output = PackedMatrix.Pack(weights.Output, weights.OutputBias, spec.ModelDim, spec.QueryWidth);
            if (spec.Projections == Projections.Separate)
            {
                return new PackedProjections(
                    null,
                    PackedMatrix.Pack(weights.Query, weights.QueryBias, spec.QueryWidth, spec.QuerySize),
                    PackedMatrix.Pack(weights.Key, weights.KeyBias, spec.KvWidth, spec.KeySize),
                    PackedMatrix.Pack(weights.Value, weights.ValueBias, spec.KvWidth, spec.ValueSize),
                    output);
            }

            if (spec.SelfAttention)
            {
                return new PackedProjections(PackedMatrix.Pack(weights.Fused, weights.FusedBias, spec.FusedWidth, spec.QuerySize), null, null, null, output);
            }

            // Fused cross-attention: each row block of the fused matrix projects its own input.
            int q = spec.QueryWidth, kv = spec.KvWidth, c = spec.QuerySize;
            ReadOnlySpan<float> matrix = weights.Fused, bias = weights.FusedBias;
            return new PackedProjections(
                null,
                PackedMatrix.Pack(matrix.Slice(0, q * c), Rows(bias, 0, q), q, c),
                PackedMatrix.Pack(matrix.Slice(q * c, kv * c), Rows(bias, q, kv), kv, c),
                PackedMatrix.Pack(matrix.Slice((q + kv) * c, kv * c), Rows(bias, q + kv, kv), kv, c),
                output);
        }

        private static InvalidOperationException Absent(string name) =>
            new($"This layer has no {name} projection.");

        private static ReadOnlySpan<float> Rows(ReadOnlySpan<float> bias, int start, int count) =>
            bias.IsEmpty ? default : bias.Slice(start, count);
    }
}
