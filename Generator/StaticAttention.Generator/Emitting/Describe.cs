using System.Collections.Generic;
using StaticAttention.Generator.Model;
using static StaticAttention.Generator.Emitting.Literals;

namespace StaticAttention.Generator.Emitting
{
    /// <summary>Short English descriptions of a layer for the emitted XML docs.</summary>
    internal static class Describe
    {
        public static string Kind(LayerModel l) => l.SelfAttention
            ? "Multi-head self-attention over " + Int(l.QueryTokens) + " tokens"
            : "Multi-head cross-attention from " + Int(l.QueryTokens) + " query tokens to " + Int(l.KeyTokens) + " key/value tokens";

        public static string Heads(LayerModel l)
        {
            string text = Int(l.Heads) + " heads of width " + Int(l.HeadDim);
            if (l.KvHeads != l.Heads)
                text += " sharing " + Int(l.KvHeads) + (l.KvHeads == 1 ? " key/value head (" : " key/value heads (") + Int(l.Heads / l.KvHeads) + " query heads per key/value head)";
            return text + ", model width " + Int(l.ModelDim);
        }

        public static string Projections(LayerModel l)
        {
            string bias = l.QkvBias ? " with bias" : " without bias";
            string output = l.OutputBias ? "an output projection with bias" : "an output projection without bias";
            return l.Projections switch
            {
                StaticAttention.Projections.Fused => "One fused q/k/v projection [" + Int(l.FusedWidth) + ", " + Int(l.QuerySize) + "]" + bias + ", then " + output,
                StaticAttention.Projections.Separate => "Separate projections q [" + Int(l.QueryWidth) + ", " + Int(l.QuerySize) + "], k [" + Int(l.KvWidth) + ", " +
                    Int(l.KeySize) + "], v [" + Int(l.KvWidth) + ", " + Int(l.ValueSize) + "]" + bias + ", then " + output,
                _ => "No projections: q = k = v = the input split into heads, and no output projection",
            };
        }

        public static string ScoreTerms(LayerModel l)
        {
            var terms = new List<string>();
            DecoderTerms d = l.Decoder;
            if (d.Softcap > 0f) terms.Add("a softcap " + Float(d.Softcap).TrimEnd('f') + "·tanh(s/" + Float(d.Softcap).TrimEnd('f') + ")");
            if (d.Alibi) terms.Add("ALiBi biases -m_h·(i - j)");
            if (l.RelativePositionBias)
                terms.Add("a learned relative position bias table [" + Int(2 * l.QueryTokens - 1) + ", " + Int(l.Heads) + "]");
            switch (l.MaskKind)
            {
                case AttentionMask.ValidLengths: terms.Add("valid lengths per batch item (masked scores replaced by -1e6)"); break;
                case AttentionMask.ValidLengthsPerQuery: terms.Add("valid lengths per query row (masked scores replaced by -1e6)"); break;
                case AttentionMask.KeepMask: terms.Add("a keep-mask, true = attend (masked scores replaced by -1e9)"); break;
                case AttentionMask.KeyPaddingMask: terms.Add("a key padding mask, true = ignore (masked scores -inf)"); break;
            }
            if ((l.Mask & AttentionMask.Causal) != 0) terms.Add("a causal mask (query i sees keys j ≤ i)");
            if (d.SlidingWindow > 0) terms.Add("a sliding window of " + Int(d.SlidingWindow) + " (keys i - " + Int(d.SlidingWindow) + " < j ≤ i)");
            if (terms.Count == 0) return "";
            return "Scores use " + (terms.Count == 1 ? terms[0] : string.Join(", ", terms.GetRange(0, terms.Count - 1)) + " and " + terms[terms.Count - 1]);
        }

        /// <summary>The rotary embedding and the cache in words, or "" when the layer has neither.</summary>
        public static string Decoder(LayerModel l)
        {
            DecoderTerms d = l.Decoder;
            var parts = new List<string>();
            if (d.HasRotary)
                parts.Add("q and k rotate after their projections (" + (d.Rotary == RotaryEmbedding.RotateHalf ? "rotate-half" : "interleaved") + " rotary embedding, θ = " +
                          Float(d.RotaryBase).TrimEnd('f') + ", " + (d.RotaryDims < l.HeadDim ? "the first " + Int(d.RotaryDims) + " of " + Int(l.HeadDim) + " features" : "all " + Int(l.HeadDim) + " features") + ")");
            if (d.HasCache)
                parts.Add("a key/value cache of " + Int(d.CacheTokens) + " tokens (<c>CreateCache</c>) decodes token by token");
            if (parts.Count == 0) return "";
            string text = string.Join("; ", parts);
            return char.ToUpperInvariant(text[0]) + text.Substring(1);
        }

        public static string Signature(LayerModel l)
        {
            string inputs = l.SelfAttention
                ? "x [batch, " + Int(l.QueryTokens) + ", " + Int(l.QuerySize) + "]"
                : "query [batch, " + Int(l.QueryTokens) + ", " + Int(l.QuerySize) + "], key [batch, " + Int(l.KeyTokens) + ", " + Int(l.KeySize) +
                  "], value [batch, " + Int(l.KeyTokens) + ", " + Int(l.ValueSize) + "]";
            string outputs = "output [batch, " + Int(l.QueryTokens) + ", " + Int(l.ModelDim) + "]";
            if (l.ReturnWeights) outputs += " and weights [batch, " + Int(l.Heads) + ", " + Int(l.QueryTokens) + ", " + Int(l.KeyTokens) + "]";
            return "Maps " + inputs + " to " + outputs;
        }
    
        /// <summary>How the attention core runs: the kernel written out for this shape, or the runtime's and why.</summary>
        public static string Core(LayerModel l)
        {
            if (l.Decoder.HasScoreTerms)
                return "The attention core runs through the runtime's <c>DecoderAttention.Forward</c>, specialised for this layer's <c>ScoreTerms</c>";
            if (l.ShortKernel)
                return "The attention core is written out for this shape below (<c>AttentionKernel</c>, run by <c>AttentionCore.ForwardShort</c>)";
            var reasons = new List<string>();
            if (l.QueryTokens > KernelLimits.ShortKernelMaxTokens || l.KeyTokens > KernelLimits.ShortKernelMaxTokens)
                reasons.Add(Int(System.Math.Max(l.QueryTokens, l.KeyTokens)) + " tokens (more than " + Int(KernelLimits.ShortKernelMaxTokens) + ")");
            if (l.HeadDim > KernelLimits.ShortKernelMaxHeadDim)
                reasons.Add("a head of " + Int(l.HeadDim) + " (more than " + Int(KernelLimits.ShortKernelMaxHeadDim) + ")");
            if (l.ReturnWeights) reasons.Add("the weights output");
            if (l.MaskKind != AttentionMask.None) reasons.Add("the " + l.MaskKind + " mask");
            return "The attention core runs through the runtime's <c>AttentionCore.Forward</c>, not a kernel written out for this shape: " +
                   string.Join(", ", reasons);
        }
    }
}
