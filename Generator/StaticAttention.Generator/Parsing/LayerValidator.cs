using System;
using System.Collections.Generic;
using System.Globalization;
using StaticAttention.Generator.Diagnostics;
using static StaticAttention.Generator.Parsing.LayerArguments;

namespace StaticAttention.Generator.Parsing
{
    /// <summary>
    /// The shape rules of <c>[MultiHeadAttention]</c> (docs/diagnostics.md), as one pure function of the written
    /// arguments. The generator calls it; an analyzer or code fix can call it too.
    /// </summary>
    internal static partial class LayerValidator
    {
        private const AttentionMask AllMasks =
            AttentionMask.ValidLengths | AttentionMask.ValidLengthsPerQuery | AttentionMask.KeepMask |
            AttentionMask.KeyPaddingMask | AttentionMask.Causal;

        private static readonly AttentionMask[] MaskKinds =
        {
            AttentionMask.ValidLengths, AttentionMask.ValidLengthsPerQuery, AttentionMask.KeepMask, AttentionMask.KeyPaddingMask,
        };

        /// <summary>Returns every rule the arguments break, in a stable order; empty when the layer is valid.</summary>
        public static List<ShapeProblem> Validate(LayerArguments a)
        {
            var problems = new List<ShapeProblem>();

            // Values every later rule depends on: required, positive, defined.
            if (a.Heads is null || a.ModelDim is null)
            {
                string missing = a.Heads is null && a.ModelDim is null ? "Heads and ModelDim" : a.Heads is null ? HeadsName : ModelDimName;
                problems.Add(new(DiagnosticDescriptors.MissingRequiredArgument, null, new[] { a.ClassName, missing }));
            }
            foreach (string name in SizeNames)
            {
                if (a.Size(name) is int value && value <= 0)
                {
                    problems.Add(new(DiagnosticDescriptors.NonPositiveSize, name, new[] { name, Format(value) }));
                }
            }
            if (a.Projections is int p && (p < 0 || p > (int)Projections.None))
            {
                problems.Add(new(DiagnosticDescriptors.UndefinedEnumValue, ProjectionsName, new[] { ProjectionsName, Format(p), nameof(Projections) }));
            }
            if (a.Mask is int m && (m & ~(int)AllMasks) != 0)
            {
                problems.Add(new(DiagnosticDescriptors.UndefinedEnumValue, MaskName, new[] { MaskName, Format(m), nameof(AttentionMask) }));
            }
            if (a.Scale is float s && (s < 0 || float.IsNaN(s) || float.IsInfinity(s)))
            {
                problems.Add(new(DiagnosticDescriptors.InvalidScale, ScaleName, new[] { s.ToString("R", CultureInfo.InvariantCulture) }));
            }
            CheckDecoderValues(a, problems);
            CheckLengths(a, problems);
            if (problems.Count > 0) return problems;

            int heads = a.Heads!.Value, modelDim = a.ModelDim!.Value;
            if (a.HeadDim is null && modelDim % heads != 0)
            {
                problems.Add(new(DiagnosticDescriptors.ModelDimNotDivisibleByHeads, HeadsName,
                    new[] { Format(modelDim), Format(heads), Format(NearestDivisor(modelDim, heads)) }));
                return problems;
            }

            int kvHeads = a.KvHeads ?? heads;
            int headDim = a.HeadDim ?? modelDim / heads;
            int queryTokens = a.Tokens ?? a.QueryTokens!.Value;
            int keyTokens = a.Tokens ?? a.KeyTokens!.Value;
            int querySize = a.QuerySize ?? modelDim, keySize = a.KeySize ?? modelDim, valueSize = a.ValueSize ?? modelDim;
            var projections = (Projections)(a.Projections ?? 0);
            var mask = (AttentionMask)(a.Mask ?? 0);

            if (heads % kvHeads != 0)
            {
                problems.Add(new(DiagnosticDescriptors.HeadsNotDivisibleByKvHeads, KvHeadsName, new[] { Format(heads), Format(kvHeads) }));
            }
            if (a.RelativePositionBias && a.Tokens is null)
            {
                problems.Add(new(DiagnosticDescriptors.RelativePositionBiasNeedsTokens, RelativePositionBiasName,
                    new[] { Format(queryTokens), Format(keyTokens) }));
            }
            if ((mask & AttentionMask.Causal) != 0 && queryTokens != keyTokens)
            {
                problems.Add(new(DiagnosticDescriptors.CausalNeedsEqualLengths, MaskName, new[] { Format(queryTokens), Format(keyTokens) }));
            }
            var kinds = new List<string>();
            foreach (AttentionMask kind in MaskKinds)
            {
                if ((mask & kind) != 0) kinds.Add(kind.ToString());
            }
            if (kinds.Count > 1)
            {
                problems.Add(new(DiagnosticDescriptors.MultipleMaskKinds, MaskName, new[] { JoinWithAnd(kinds) }));
            }
            if (projections == Projections.None && NoProjectionsViolation(a, modelDim, heads, kvHeads, headDim, querySize, keySize, valueSize) is string condition)
            {
                problems.Add(new(DiagnosticDescriptors.NoProjectionsNeedModelDim, ProjectionsName, new[] { condition }));
            }
            if (projections == Projections.Fused)
            {
                string? differing = keySize != querySize ? KeySizeName : valueSize != querySize ? ValueSizeName : null;
                if (differing is not null)
                {
                    string at = a.Size(differing) is not null ? differing : QuerySizeName;
                    int value = differing == KeySizeName ? keySize : valueSize;
                    problems.Add(new(DiagnosticDescriptors.FusedNeedsEqualInputSizes, at, new[] { differing, Format(value), Format(querySize) }));
                }
            }
            CheckDecoderRules(a, problems, headDim, queryTokens, keyTokens, mask, projections);
            if (FirstOverflow(a, heads, kvHeads, headDim, modelDim, queryTokens, keyTokens, querySize, keySize, valueSize) is ShapeProblem overflow)
            {
                problems.Add(overflow);
            }
            return problems;
        }

        private static void CheckLengths(LayerArguments a, List<ShapeProblem> problems)
        {
            if (a.Tokens is not null)
            {
                if (a.QueryTokens is not null)
                    problems.Add(new(DiagnosticDescriptors.ConflictingLengths, QueryTokensName, new[] { QueryTokensName }));
                if (a.KeyTokens is not null)
                    problems.Add(new(DiagnosticDescriptors.ConflictingLengths, KeyTokensName, new[] { KeyTokensName }));
            }
            else if (a.QueryTokens is null && a.KeyTokens is null)
            {
                problems.Add(new(DiagnosticDescriptors.MissingLengths, null, new[] { a.ClassName, "none is given" }));
            }
            else if (a.KeyTokens is null)
            {
                problems.Add(new(DiagnosticDescriptors.MissingLengths, QueryTokensName, new[] { a.ClassName, "only QueryTokens is given" }));
            }
            else if (a.QueryTokens is null)
            {
                problems.Add(new(DiagnosticDescriptors.MissingLengths, KeyTokensName, new[] { a.ClassName, "only KeyTokens is given" }));
            }
        }

        private static string? NoProjectionsViolation(
            LayerArguments a, int modelDim, int heads, int kvHeads, int headDim, int querySize, int keySize, int valueSize)
        {
            foreach ((string name, int value) in new[] { (QuerySizeName, querySize), (KeySizeName, keySize), (ValueSizeName, valueSize) })
            {
                if (value != modelDim) return $"{name} = ModelDim, but {name} is {Format(value)} and ModelDim is {Format(modelDim)}";
            }
            long width = (long)heads * headDim;
            if (width != modelDim) return $"Heads·HeadDim = ModelDim, but Heads·HeadDim is {Format(width)} and ModelDim is {Format(modelDim)}";
            if (kvHeads != heads) return $"KvHeads = Heads, but KvHeads is {Format(kvHeads)} and Heads is {Format(heads)}";
            if (a.QkvBias) return "no biases, but QkvBias is true";
            if (a.OutputBias) return "no biases, but OutputBias is true";
            return null;
        }

        private static ShapeProblem? FirstOverflow(
            LayerArguments a, int heads, int kvHeads, int headDim, int modelDim, int queryTokens, int keyTokens,
            int querySize, int keySize, int valueSize)
        {
            string queryTokensArg = a.Tokens is not null ? TokensName : QueryTokensName;
            string keyTokensArg = a.Tokens is not null ? TokensName : KeyTokensName;
            var products = new List<(string, string, long)[]>
            {
                new[] { (QueryTokensName, queryTokensArg, (long)queryTokens), (QuerySizeName, QuerySizeName, querySize) },
                new[] { (KeyTokensName, keyTokensArg, (long)keyTokens), (KeySizeName, KeySizeName, keySize) },
                new[] { (KeyTokensName, keyTokensArg, (long)keyTokens), (ValueSizeName, ValueSizeName, valueSize) },
                new[] { (QueryTokensName, queryTokensArg, (long)queryTokens), (ModelDimName, ModelDimName, modelDim) },
                new[] { (HeadsName, HeadsName, (long)heads), (QueryTokensName, queryTokensArg, queryTokens), (KeyTokensName, keyTokensArg, keyTokens) },
                new[] { ("(Heads+2·KvHeads)", HeadsName, (long)heads + 2L * kvHeads), (HeadDimName, HeadDimName, headDim), (QuerySizeName, QuerySizeName, querySize) },
                new[] { (ModelDimName, ModelDimName, (long)modelDim), (HeadsName, HeadsName, heads), (HeadDimName, HeadDimName, headDim) },
            };
            products.AddRange(DecoderProducts(a, kvHeads, headDim, queryTokens));
            foreach (var factors in products)
            {
                long product = 1;
                bool overflows = false;
                foreach (var factor in factors)
                {
                    product *= factor.Item3;
                    if (product > int.MaxValue) overflows = true;
                    if (overflows) break;
                }
                if (!overflows) continue;

                var largest = factors[0];
                foreach (var factor in factors)
                {
                    if (factor.Item3 > largest.Item3) largest = factor;
                }
                string at = a.Size(largest.Item2) is not null || IsGivenDecoderArgument(a, largest.Item2) ? largest.Item2 : ModelDimName;
                var names = new string[factors.Length];
                var values = new string[factors.Length];
                for (int i = 0; i < factors.Length; i++)
                {
                    names[i] = factors[i].Item1;
                    values[i] = Format(factors[i].Item3);
                }
                return new ShapeProblem(DiagnosticDescriptors.SizeOverflow, at, new[] { string.Join("·", names), string.Join("·", values) });
            }
            return null;
        }

        /// <summary>The divisor of <paramref name="n"/> nearest to <paramref name="target"/>, the smaller on a tie.</summary>
        internal static int NearestDivisor(int n, int target)
        {
            for (long delta = 0; ; delta++)
            {
                long below = target - delta, above = target + delta;
                if (below >= 1 && below <= n && n % below == 0) return (int)below;
                if (above >= 1 && above <= n && n % above == 0) return (int)above;
            }
        }

        private static string JoinWithAnd(List<string> items) =>
            items.Count == 1 ? items[0] : string.Join(", ", items.GetRange(0, items.Count - 1)) + " and " + items[items.Count - 1];

        private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
