using StaticAttention.Internal.Cpu;
using StaticAttention.Weights;

namespace StaticAttention.Tests.Kernels;

/// <summary>
/// Composes the CPU kernels into a whole layer exactly as the code generator does: input projections with
/// <see cref="Gemm"/>, then <see cref="AttentionCore"/> on (column slices of) the projections, then the output
/// <see cref="Gemm"/>. Same signature as <see cref="Reference.ReferenceAttention.Forward"/>, so the two can be compared.
/// </summary>
internal static class KernelPipeline
{
    public static void Forward(
        AttentionLayerSpec spec, AttentionWeights weights, int batch,
        ReadOnlySpan<float> query, ReadOnlySpan<float> key, ReadOnlySpan<float> value,
        ReadOnlySpan<int> validLengths, ReadOnlySpan<bool> mask,
        Span<float> output, Span<float> attentionWeights)
    {
        int h = spec.Heads, kvH = spec.KvHeads, d = spec.HeadDim;
        int rowsQ = batch * spec.QueryTokens, rowsK = batch * spec.KeyTokens;
        int qWidth = spec.QueryWidth, kvWidth = spec.KvWidth;
        float[] scratch = new float[AttentionCore.ScratchLength(spec.KeyTokens)];
        ReadOnlySpan<float> table = spec.RelativePositionBias ? weights.RelativePositionBiasTable : default;

        if (spec.Projections == Projections.None)
        {
            // q = k = v = the inputs split into heads; the context is the output.
            AttentionCore.Forward(
                query, spec.ModelDim, key, value, spec.ModelDim, batch, h, kvH, d, spec.QueryTokens, spec.KeyTokens, spec.Scale,
                spec.Mask, validLengths, mask, table, output, attentionWeights, scratch);
            return;
        }

        float[] context = new float[rowsQ * qWidth];
        if (spec.Projections == Projections.Fused && spec.SelfAttention)
        {
            // One GEMM to [B·N, (H + 2·KvH)·D]; q, k, v are column slices with row stride (H + 2·KvH)·D.
            int fw = spec.FusedWidth;
            float[] qkv = new float[rowsQ * fw];
            Gemm.Forward(query, rowsQ, spec.QuerySize, PackedMatrix.Pack(weights.Fused, spec.QkvBias ? weights.FusedBias : default, fw, spec.QuerySize), qkv, fw);
            AttentionCore.Forward(
                qkv, fw, qkv.AsSpan(qWidth), qkv.AsSpan(qWidth + kvWidth), fw, batch, h, kvH, d, spec.QueryTokens, spec.KeyTokens, spec.Scale,
                spec.Mask, validLengths, mask, table, context, attentionWeights, scratch);
        }
        else
        {
            ReadOnlySpan<float> wq, wk, wv, bq = default, bk = default, bv = default;
            if (spec.Projections == Projections.Fused)
            {
                // Cross-attention with a fused matrix: three GEMMs on its row blocks.
                wq = weights.Fused.AsSpan(0, qWidth * spec.QuerySize);
                wk = weights.Fused.AsSpan(qWidth * spec.QuerySize, kvWidth * spec.KeySize);
                wv = weights.Fused.AsSpan(qWidth * spec.QuerySize + kvWidth * spec.KeySize, kvWidth * spec.ValueSize);
                if (spec.QkvBias)
                {
                    bq = weights.FusedBias.AsSpan(0, qWidth);
                    bk = weights.FusedBias.AsSpan(qWidth, kvWidth);
                    bv = weights.FusedBias.AsSpan(qWidth + kvWidth, kvWidth);
                }
            }
            else
            {
                wq = weights.Query;
                wk = weights.Key;
                wv = weights.Value;
                if (spec.QkvBias)
                {
                    bq = weights.QueryBias;
                    bk = weights.KeyBias;
                    bv = weights.ValueBias;
                }
            }

            float[] q = new float[rowsQ * qWidth], k = new float[rowsK * kvWidth], v = new float[rowsK * kvWidth];
            Gemm.Forward(query, rowsQ, spec.QuerySize, PackedMatrix.Pack(wq, bq, qWidth, spec.QuerySize), q, qWidth);
            Gemm.Forward(key, rowsK, spec.KeySize, PackedMatrix.Pack(wk, bk, kvWidth, spec.KeySize), k, kvWidth);
            Gemm.Forward(value, rowsK, spec.ValueSize, PackedMatrix.Pack(wv, bv, kvWidth, spec.ValueSize), v, kvWidth);
            AttentionCore.Forward(
                q, qWidth, k, v, kvWidth, batch, h, kvH, d, spec.QueryTokens, spec.KeyTokens, spec.Scale,
                spec.Mask, validLengths, mask, table, context, attentionWeights, scratch);
        }

        Gemm.Forward(context, rowsQ, qWidth, PackedMatrix.Pack(weights.Output, spec.OutputBias ? weights.OutputBias : default, spec.ModelDim, qWidth), output, spec.ModelDim);
    }
}
