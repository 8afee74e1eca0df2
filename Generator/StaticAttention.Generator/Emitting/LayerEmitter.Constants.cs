using StaticAttention.Generator.Model;
using static StaticAttention.Generator.Emitting.Literals;

namespace StaticAttention.Generator.Emitting
{
    internal static partial class LayerEmitter
    {
        /// <summary>Public constants for every dimension, so callers can size buffers from them.</summary>
        private static void EmitConstants(CodeWriter w, LayerModel l)
        {
            Constant(w, "Query heads.", "Heads", Int(l.Heads));
            Constant(w, l.KvHeads == l.Heads ? "Key/value heads (one per query head)." : "Key/value heads; query head h reads key/value head h / " + Int(l.Heads / l.KvHeads) + ".", "KvHeads", Int(l.KvHeads));
            Constant(w, "Width of one head.", "HeadDim", Int(l.HeadDim));
            Constant(w, "Model width: the feature size of the output.", "ModelDim", Int(l.ModelDim));
            if (l.SelfAttention) Constant(w, "Sequence length of x (self-attention: queries = keys = values).", "Tokens", Int(l.QueryTokens));
            Constant(w, "Query sequence length.", "QueryTokens", l.SelfAttention ? "Tokens" : Int(l.QueryTokens));
            Constant(w, "Key/value sequence length.", "KeyTokens", l.SelfAttention ? "Tokens" : Int(l.KeyTokens));
            Constant(w, l.SelfAttention ? "Feature size of x." : "Feature size of the query input.", "QuerySize", Int(l.QuerySize));
            Constant(w, "Feature size of the key input.", "KeySize", l.SelfAttention ? "QuerySize" : Int(l.KeySize));
            Constant(w, "Feature size of the value input.", "ValueSize", l.SelfAttention ? "QuerySize" : Int(l.ValueSize));
            DecoderTerms d = l.Decoder;
            if (d.HasRotary) Constant(w, "Leading features of each head that rotate (the rest pass unchanged).", "RotaryDims", d.RotaryDims == l.HeadDim ? "HeadDim" : Int(d.RotaryDims));
            if (d.SlidingWindow > 0) Constant(w, "Sliding window: query i sees keys i - SlidingWindow < j ≤ i.", "SlidingWindow", Int(d.SlidingWindow));
            if (d.HasCache) Constant(w, "Capacity of a key/value cache (<c>CreateCache</c>), in tokens per sequence.", "CacheTokens", Int(d.CacheTokens));
            w.Line();
            w.Line("/// <summary>The score scale" + (l.ScaleIsDefault ? ", 1/sqrt(HeadDim)" : "") + ".</summary>");
            w.Line("public const float Scale = " + Float(l.Scale) + ";");
            if (d.HasRotary)
            {
                w.Line("/// <summary>The rotary base θ: pair i turns by pos·θ^(-2i/RotaryDims).</summary>");
                w.Line("public const float RotaryBase = " + Float(d.RotaryBase) + ";");
            }
            if (d.Softcap > 0f)
            {
                w.Line("/// <summary>Logit softcap: a scaled score s becomes Softcap·tanh(s/Softcap).</summary>");
                w.Line("public const float Softcap = " + Float(d.Softcap) + ";");
            }
        }

        private static void Constant(CodeWriter w, string doc, string name, string value)
        {
            w.Line("/// <summary>" + doc + "</summary>");
            w.Line("public const int " + name + " = " + value + ";");
        }
    }
}
