using System;

namespace StaticAttention.Cpu
{
    /// <summary>The argument checks of <see cref="AttentionCore.Forward"/>, run once per call.</summary>
    public static partial class AttentionCore
    {
        private const AttentionMask MaskKinds =
            AttentionMask.ValidLengths | AttentionMask.ValidLengthsPerQuery | AttentionMask.KeepMask | AttentionMask.KeyPaddingMask;

        private static void Validate(
            int qLength, int qRowStride, int kLength, int vLength, int kvRowStride,
            int batch, int heads, int kvHeads, int headDim, int queryTokens, int keyTokens,
            AttentionMask maskKind, ReadOnlySpan<int> validLengths, int maskLength, int biasLength,
            int contextLength, int weightsLength, int scratchLength)
        {
            if (batch <= 0 || heads <= 0 || kvHeads <= 0 || headDim <= 0 || queryTokens <= 0 || keyTokens <= 0)
            {
                throw new ArgumentException(
                    $"Attention sizes must be positive, but batch is {batch}, heads {heads}, kvHeads {kvHeads}, headDim {headDim}, " +
                    $"queryTokens {queryTokens} and keyTokens {keyTokens}.");
            }

            if (heads % kvHeads != 0)
            {
                throw new ArgumentException($"heads ({heads}) must be a multiple of kvHeads ({kvHeads}).", nameof(kvHeads));
            }

            if (qRowStride < (long)heads * headDim)
            {
                throw new ArgumentException($"qRowStride ({qRowStride}) must be at least heads·headDim ({(long)heads * headDim}).", nameof(qRowStride));
            }

            if (kvRowStride < (long)kvHeads * headDim)
            {
                throw new ArgumentException($"kvRowStride ({kvRowStride}) must be at least kvHeads·headDim ({(long)kvHeads * headDim}).", nameof(kvRowStride));
            }

            AtLeast(qLength, ((long)batch * queryTokens - 1) * qRowStride + (long)heads * headDim, "q", $"[batch {batch} · QueryTokens {queryTokens} rows of stride {qRowStride}]");
            long kvNeeded = ((long)batch * keyTokens - 1) * kvRowStride + (long)kvHeads * headDim;
            AtLeast(kLength, kvNeeded, "k", $"[batch {batch} · KeyTokens {keyTokens} rows of stride {kvRowStride}]");
            AtLeast(vLength, kvNeeded, "v", $"[batch {batch} · KeyTokens {keyTokens} rows of stride {kvRowStride}]");
            AtLeast(contextLength, (long)batch * queryTokens * heads * headDim, "context", $"[batch {batch}, QueryTokens {queryTokens}, Heads·HeadDim {heads * headDim}]");
            if (weightsLength != 0)
            {
                AtLeast(weightsLength, (long)batch * heads * queryTokens * keyTokens, "weights", $"[batch {batch}, Heads {heads}, QueryTokens {queryTokens}, KeyTokens {keyTokens}]");
            }

            AtLeast(scratchLength, ScratchLength(keyTokens), "scratch", "ScratchLength(keyTokens)");

            if (biasLength != 0)
            {
                if (queryTokens != keyTokens)
                {
                    throw new ArgumentException(
                        $"A relative position bias needs self-attention, but queryTokens is {queryTokens} and keyTokens {keyTokens}.", "relativePositionBias");
                }

                Exactly(biasLength, (2L * queryTokens - 1) * heads, "relativePositionBias", $"[2·QueryTokens-1 = {2 * queryTokens - 1}, Heads {heads}]");
            }

            ValidateMask(maskKind, batch, queryTokens, keyTokens, validLengths, maskLength);
        }

        private static void ValidateMask(AttentionMask maskKind, int batch, int queryTokens, int keyTokens, ReadOnlySpan<int> validLengths, int maskLength)
        {
            AttentionMask kind = maskKind & MaskKinds;
            if ((maskKind & ~(MaskKinds | AttentionMask.Causal)) != 0 || (kind & (kind - 1)) != 0)
            {
                throw new ArgumentException(
                    $"maskKind ({maskKind}) may combine Causal with at most one of ValidLengths, ValidLengthsPerQuery, KeepMask and KeyPaddingMask.",
                    nameof(maskKind));
            }

            long validNeeded = kind switch
            {
                AttentionMask.ValidLengths => batch,
                AttentionMask.ValidLengthsPerQuery => (long)batch * queryTokens,
                _ => 0,
            };
            long maskNeeded = kind switch
            {
                AttentionMask.KeepMask => (long)batch * queryTokens * keyTokens,
                AttentionMask.KeyPaddingMask => (long)batch * keyTokens,
                _ => 0,
            };
            Exactly(validLengths.Length, validNeeded, nameof(validLengths), $"{kind} for batch {batch}");
            Exactly(maskLength, maskNeeded, "mask", $"{kind} for batch {batch}");
            Guard.ValidLengths(validLengths, keyTokens, nameof(validLengths));
        }

        private static void AtLeast(int actual, long needed, string paramName, string shape)
        {
            if (actual < needed)
            {
                throw new ArgumentException($"{paramName} must have at least {needed} elements ({shape}), but has {actual}.", paramName);
            }
        }

        private static void Exactly(int actual, long needed, string paramName, string shape)
        {
            if (actual != needed)
            {
                throw new ArgumentException($"{paramName} must have {needed} elements ({shape}), but has {actual}.", paramName);
            }
        }
    }
}
