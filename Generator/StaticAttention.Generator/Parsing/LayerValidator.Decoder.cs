using System.Collections.Generic;
using System.Globalization;
using StaticAttention.Generator.Diagnostics;
using static StaticAttention.Generator.Parsing.LayerArguments;

namespace StaticAttention.Generator.Parsing
{
    /// <summary>The rules of the decoder options (<c>Rotary</c> ... <c>CacheTokens</c>): SA0026 - SA0031, and their part of SA0012.</summary>
    internal static partial class LayerValidator
    {
        /// <summary>Values that are wrong whatever the rest of the layer (checked with the sizes, before any rule that needs them).</summary>
        private static void CheckDecoderValues(LayerArguments a, List<ShapeProblem> problems)
        {
            if (a.Rotary is int r && (r < 0 || r > (int)RotaryEmbedding.Interleaved))
            {
                problems.Add(new(DiagnosticDescriptors.UndefinedEnumValue, RotaryName, new[] { RotaryName, Format(r), nameof(RotaryEmbedding) }));
            }
            if (a.RotaryBase is float theta && !(theta > 0 && !float.IsInfinity(theta)))
            {
                problems.Add(InvalidValue(RotaryBaseName, "a positive finite number", Format(theta)));
            }
            if (a.SlidingWindow is int window && window < 0)
            {
                problems.Add(InvalidValue(SlidingWindowName, "0 (no window) or positive", Format(window)));
            }
            if (a.Softcap is float cap && (cap < 0 || float.IsNaN(cap) || float.IsInfinity(cap)))
            {
                problems.Add(InvalidValue(SoftcapName, "0 (no softcap) or a positive finite number", Format(cap)));
            }
            if (a.CacheTokens is int cache && cache < 0)
            {
                problems.Add(InvalidValue(CacheTokensName, "0 (no cache) or positive", Format(cache)));
            }
        }

        /// <summary>The rules relating a decoder option to the rest of the layer.</summary>
        private static void CheckDecoderRules(
            LayerArguments a, List<ShapeProblem> problems, int headDim, int queryTokens, int keyTokens, AttentionMask mask, Projections projections)
        {
            bool rotary = (a.Rotary ?? 0) != 0;
            int window = a.SlidingWindow ?? 0, cache = a.CacheTokens ?? 0;
            bool softcap = (a.Softcap ?? 0f) > 0f;

            if ((mask & AttentionMask.Causal) == 0)
            {
                string written = MaskText(mask);
                if (window > 0) problems.Add(new(DiagnosticDescriptors.DecoderOptionNeedsCausal, SlidingWindowName, new[] { "SlidingWindow " + Format(window), written }));
                if (a.Alibi) problems.Add(new(DiagnosticDescriptors.DecoderOptionNeedsCausal, AlibiName, new[] { AlibiName, written }));
                if (cache > 0) problems.Add(new(DiagnosticDescriptors.DecoderOptionNeedsCausal, CacheTokensName, new[] { "CacheTokens " + Format(cache), written }));
            }

            if (a.Tokens is null)
            {
                // Positions and a growing cache are defined for one sequence attending to itself.
                if (rotary) problems.Add(NeedsSelfAttention(RotaryName, queryTokens, keyTokens));
                if (cache > 0) problems.Add(NeedsSelfAttention(CacheTokensName, queryTokens, keyTokens));
            }

            if (a.RotaryDims is int dims && !IsValidRotaryDims(dims, headDim))
            {
                problems.Add(new(DiagnosticDescriptors.InvalidRotaryDims, RotaryDimsName, new[] { Format(headDim), Format(dims) }));
            }
            else if (rotary && (a.RotaryDims ?? 0) == 0 && headDim % 2 != 0)
            {
                string given = a.RotaryDims is null ? "unset" : "0";
                problems.Add(new(DiagnosticDescriptors.InvalidRotaryDims, a.RotaryDims is null ? RotaryName : RotaryDimsName,
                    new[] { Format(headDim), $"{given}, which means HeadDim {Format(headDim)}, an odd number" }));
            }

            if (!rotary)
            {
                if (a.RotaryDims is int unusedDims)
                    problems.Add(new(DiagnosticDescriptors.RotaryOptionWithoutRotary, RotaryDimsName, new[] { RotaryDimsName, Format(unusedDims) }));
                if (a.RotaryBase is float unusedBase)
                    problems.Add(new(DiagnosticDescriptors.RotaryOptionWithoutRotary, RotaryBaseName, new[] { RotaryBaseName, Format(unusedBase) }));
            }

            // What the kernels of this release do not combine: the new score terms and the cache run only with a plain
            // causal mask, no weights output and no relative position table; rotary and the cache need the projections.
            AttentionMask otherMasks = mask & ~AttentionMask.Causal;
            string? scoreConflict =
                a.ReturnWeights ? ReturnWeightsName + " = true" :
                a.RelativePositionBias ? RelativePositionBiasName + " = true" :
                otherMasks != AttentionMask.None ? MaskText(otherMasks) :
                null;
            const string noProjections = "Projections.None";
            if (scoreConflict is not null)
            {
                if (window > 0) problems.Add(NotSupported(SlidingWindowName, scoreConflict));
                if (softcap) problems.Add(NotSupported(SoftcapName, scoreConflict));
                if (a.Alibi) problems.Add(NotSupported(AlibiName, scoreConflict));
            }
            if (projections == Projections.None && rotary) problems.Add(NotSupported(RotaryName, noProjections));
            if (cache > 0 && (scoreConflict ?? (projections == Projections.None ? noProjections : null)) is string cacheConflict)
            {
                problems.Add(NotSupported(CacheTokensName, cacheConflict));
            }
        }

        /// <summary>The decoder's buffers whose sizes must fit in an int, batch aside: the cache and the rotary table.</summary>
        private static IEnumerable<(string Name, string Argument, long Value)[]> DecoderProducts(LayerArguments a, int kvHeads, int headDim, int tokens)
        {
            int cache = a.CacheTokens ?? 0;
            if (cache > 0)
            {
                string kvHeadsArg = a.KvHeads is not null ? KvHeadsName : HeadsName;
                yield return new[] { (CacheTokensName, CacheTokensName, (long)cache), (KvHeadsName, kvHeadsArg, kvHeads), (HeadDimName, HeadDimName, headDim) };
            }
            int dims = a.RotaryDims ?? 0;
            if ((a.Rotary ?? 0) != 0 && IsValidRotaryDims(dims, headDim))
            {
                string positions = cache > 0 ? "max(Tokens,CacheTokens)" : TokensName;
                string positionsArg = cache > tokens ? CacheTokensName : TokensName;
                long count = cache > tokens ? cache : tokens;
                (string dimsArg, int resolved) = dims > 0 ? (RotaryDimsName, dims) : (HeadDimName, headDim);
                yield return new[] { (positions, positionsArg, count), (RotaryDimsName, dimsArg, (long)resolved) };
            }
        }

        /// <summary>Whether a written argument of a decoder product was given (else its overflow is reported on <c>ModelDim</c>).</summary>
        private static bool IsGivenDecoderArgument(LayerArguments a, string name) => name switch
        {
            CacheTokensName => a.CacheTokens is not null,
            RotaryDimsName => a.RotaryDims is not null,
            _ => false,
        };

        private static bool IsValidRotaryDims(int dims, int headDim) => dims >= 0 && dims % 2 == 0 && dims <= headDim;

        private static ShapeProblem InvalidValue(string name, string requirement, string value) =>
            new(DiagnosticDescriptors.InvalidDecoderValue, name, new[] { name, requirement, value });

        private static ShapeProblem NeedsSelfAttention(string name, int queryTokens, int keyTokens) =>
            new(DiagnosticDescriptors.DecoderOptionNeedsSelfAttention, name, new[] { name, Format(queryTokens), Format(keyTokens) });

        private static ShapeProblem NotSupported(string name, string other) =>
            new(DiagnosticDescriptors.DecoderCombinationNotSupported, name, new[] { name, other });

        /// <summary>A mask as C# writes it: <c>AttentionMask.None</c>, or its flags joined by <c>|</c>.</summary>
        private static string MaskText(AttentionMask mask)
        {
            if (mask == AttentionMask.None) return "AttentionMask.None";
            var flags = new List<string>();
            foreach (AttentionMask kind in MaskKinds)
            {
                if ((mask & kind) != 0) flags.Add("AttentionMask." + kind);
            }
            if ((mask & AttentionMask.Causal) != 0) flags.Add("AttentionMask." + AttentionMask.Causal);
            return string.Join(" | ", flags);
        }

        private static string Format(float value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
