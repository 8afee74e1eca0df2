using System;

namespace StaticAttention.Internal.Cpu.Attention
{
    /// <summary>The argument checks of <see cref="AttentionCore"/>'s entry points, run once per call.</summary>
    internal static class AttentionValidation
    {
        private const AttentionMask MaskKinds =
            AttentionMask.ValidLengths | AttentionMask.ValidLengthsPerQuery | AttentionMask.KeepMask | AttentionMask.KeyPaddingMask;

        /// <summary>Throws unless the arguments describe a valid call of <c>AttentionCore.Forward</c>.</summary>
        public static void Validate(
            int qLength, int qRowStride, int kLength, int vLength, int kvRowStride,
            int batch, int heads, int kvHeads, int headDim, int queryTokens, int keyTokens,
            AttentionMask maskKind, ReadOnlySpan<int> validLengths, int maskLength, int biasLength,
            int contextLength, int weightsLength)
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

            // Shape strings are built only when a check fails, so a valid call allocates nothing.
            long qNeeded = ((long)batch * queryTokens - 1) * qRowStride + (long)heads * headDim;
            if (qLength < qNeeded)
            {
                throw TooShort("q", qNeeded, qLength, $"[batch {batch} · QueryTokens {queryTokens} rows of stride {qRowStride}]");
            }

            long kvNeeded = ((long)batch * keyTokens - 1) * kvRowStride + (long)kvHeads * headDim;
            if (kLength < kvNeeded || vLength < kvNeeded)
            {
                string name = kLength < kvNeeded ? "k" : "v";
                throw TooShort(name, kvNeeded, name == "k" ? kLength : vLength, $"[batch {batch} · KeyTokens {keyTokens} rows of stride {kvRowStride}]");
            }

            long contextNeeded = (long)batch * queryTokens * heads * headDim;
            if (contextLength < contextNeeded)
            {
                throw TooShort("context", contextNeeded, contextLength, $"[batch {batch}, QueryTokens {queryTokens}, Heads·HeadDim {heads * headDim}]");
            }

            long weightsNeeded = (long)batch * heads * queryTokens * keyTokens;
            if (weightsLength != 0 && weightsLength < weightsNeeded)
            {
                throw TooShort("weights", weightsNeeded, weightsLength, $"[batch {batch}, Heads {heads}, QueryTokens {queryTokens}, KeyTokens {keyTokens}]");
            }

            if (biasLength != 0)
            {
                if (queryTokens != keyTokens)
                {
                    throw new ArgumentException(
                        $"A relative position bias needs self-attention, but queryTokens is {queryTokens} and keyTokens {keyTokens}.", "relativePositionBias");
                }

                if (biasLength != (2L * queryTokens - 1) * heads)
                {
                    throw WrongLength("relativePositionBias", (2L * queryTokens - 1) * heads, biasLength, $"[2·QueryTokens-1 = {2 * queryTokens - 1}, Heads {heads}]");
                }
            }

            ValidateMask(maskKind, batch, queryTokens, keyTokens, validLengths, maskLength);
        }

        /// <summary>Throws unless a scratch of <paramref name="scratchLength"/> floats covers <see cref="AttentionCore.ScratchLength"/>.</summary>
        public static void ValidateScratch(int scratchLength, int keyTokens)
        {
            if (keyTokens > 0 && scratchLength < AttentionCore.ScratchLength(keyTokens))
            {
                throw TooShort("scratch", AttentionCore.ScratchLength(keyTokens), scratchLength, "ScratchLength(keyTokens)");
            }
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
            if (validLengths.Length != validNeeded)
            {
                throw WrongLength(nameof(validLengths), validNeeded, validLengths.Length, $"mask kind {maskKind}, batch {batch}");
            }

            if (maskLength != maskNeeded)
            {
                throw WrongLength("mask", maskNeeded, maskLength, $"mask kind {maskKind}, batch {batch}");
            }

            Guard.ValidLengths(validLengths, keyTokens, nameof(validLengths));
        }

        public static ArgumentException TooShort(string paramName, long needed, int actual, string shape) =>
            new($"{paramName} must have at least {needed} elements ({shape}), but has {actual}.", paramName);

        public static ArgumentException WrongLength(string paramName, long needed, int actual, string shape) =>
            new($"{paramName} must have {needed} elements ({shape}), but has {actual}.", paramName);
    }
}
