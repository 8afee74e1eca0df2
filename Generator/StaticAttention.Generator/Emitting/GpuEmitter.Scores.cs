using System.Collections.Generic;
using StaticAttention.Generator.Model;
using static StaticAttention.Generator.Emitting.Literals;

namespace StaticAttention.Generator.Emitting
{
    internal static partial class GpuEmitter
    {
        private const string NegativeInfinity = "float.NegativeInfinity";
        private const string Exp2 = "global::ILGPU.IntrinsicMath.CPUOnly.Exp2"; // the IR's Exp2 node: ex2.approx.f32 on PTX
        private const string Max = "global::System.MathF.Max";

        /// <summary>Where head <c>h</c>'s (or key/value head <c>g</c>'s) column <c>c</c> of a token lives in the attention kernel's inputs.</summary>
        private sealed class Sources
        {
            public Sources(LayerModel l)
            {
                if (l.Projections == Projections.None)
                {
                    Q = K = V = "x";
                    QStride = KStride = VStride = l.ModelDim;
                }
                else if (l.Projections == Projections.Fused && l.SelfAttention)
                {
                    Q = K = V = "qkv";
                    QStride = KStride = VStride = l.FusedWidth;
                    KOffset = l.QueryWidth;
                    VOffset = l.QueryWidth + l.KvWidth;
                }
                else
                {
                    Q = "q";
                    K = "k";
                    V = "v";
                    QStride = l.QueryWidth;
                    KStride = VStride = l.KvWidth;
                }
                KvHead = l.KvHeads == l.Heads ? "h" : "g";
                Layer = l;
            }

            public LayerModel Layer { get; }
            public string Q { get; }
            public string K { get; }
            public string V { get; }
            public int QStride { get; }
            public int KStride { get; }
            public int VStride { get; }
            public int KOffset { get; }
            public int VOffset { get; }
            public string KvHead { get; }

            /// <summary><c>q[b, row, h, column]</c>.</summary>
            public string Query(string row, string column) =>
                Q + "[(b * " + Int(Layer.QueryTokens) + " + " + row + ") * " + Int(QStride) + " + h * " + Int(Layer.HeadDim) + " + " + column + "]";

            /// <summary><c>k[b, key, g, column]</c>.</summary>
            public string Key(string key, string column) =>
                K + "[(b * " + Int(Layer.KeyTokens) + " + " + key + ") * " + Int(KStride) + Offset(KOffset) + " + " + KvHead + " * " + Int(Layer.HeadDim) + " + " + column + "]";

            /// <summary><c>v[b, key, g, column]</c>.</summary>
            public string Value(string key, string column) =>
                V + "[(b * " + Int(Layer.KeyTokens) + " + " + key + ") * " + Int(VStride) + Offset(VOffset) + " + " + KvHead + " * " + Int(Layer.HeadDim) + " + " + column + "]";

            private static string Offset(int offset) => offset == 0 ? "" : " + " + Int(offset);
        }

        /// <summary>The kernel's opening: which (batch, head) the group works on, and the key/value head it reads.</summary>
        private static void EmitHeadIndices(CodeWriter w, LayerModel l, string head, string batch)
        {
            w.Line("int h = " + head + ", b = " + batch + ";");
            if (l.KvHeads != l.Heads)
                w.Line("int g = h / " + Int(l.Heads / l.KvHeads) + "; // the key/value head of query head h (" + Int(l.Heads / l.KvHeads) + " query heads share one)");
        }

        /// <summary><c>float s = q·k</c> over the head width, written out four products to a line.</summary>
        private static void EmitDot(CodeWriter w, LayerModel l, string qBase, string kBase)
        {
            int d = l.HeadDim;
            for (int c = 0; c < d; c += 4)
            {
                var terms = new List<string>();
                for (int e = c; e < d && e < c + 4; e++)
                    terms.Add("qs[" + Plus(qBase, e) + "] * ks[" + Plus(kBase, e) + "]");
                w.Line((c == 0 ? "float s = " : "s += ") + string.Join(" + ", terms) + ";");
            }
        }

        /// <summary>
        /// From the dot product <c>s</c> of query row <c>i</c> and key <c>key</c> to <c>t</c>, the score in base 2
        /// (<c>t = score·log2(e)</c>, so <c>exp(score - max) = exp2(t - max₂)</c>): scale, relative bias and masks in
        /// PyTorch's order; a key past the end is -inf so it weighs exactly nothing.
        /// </summary>
        private static void EmitTerms(CodeWriter w, LayerModel l, bool rowMayPad, bool keyMayPad, string validRow)
        {
            bool causal = (l.Mask & AttentionMask.Causal) != 0;
            bool plain = !l.RelativePositionBias && l.MaskKind == AttentionMask.None && !causal;
            string inside = rowMayPad && keyMayPad ? "i < " + Int(l.QueryTokens) + " && key < " + Int(l.KeyTokens)
                : rowMayPad ? "i < " + Int(l.QueryTokens) : keyMayPad ? "key < " + Int(l.KeyTokens) : "";
            string keyInside = keyMayPad ? "key < " + Int(l.KeyTokens) : "";
            if (plain)
            {
                w.Line("float t = s * " + Float((float)(l.Scale * 1.4426950408889634)) + "; // scale·log2(e) = " + Float(l.Scale) + " · 1.4427");
            }
            else
            {
                w.Line("float score = s * " + Float(l.Scale) + ";");
                if (l.RelativePositionBias)
                {
                    string add = "score += table[(i - key + " + Int(l.QueryTokens - 1) + ") * " + Int(l.Heads) + " + h]; // bias[h, i, key] = table[i - key + T - 1, h]";
                    w.Line(inside.Length > 0 ? "if (" + inside + ") " + add : add);
                }
                switch (l.MaskKind)
                {
                    case AttentionMask.ValidLengths:
                        w.Line("if (key >= valid) score = -1e6f; // d2l: replaced, not removed");
                        break;
                    case AttentionMask.ValidLengthsPerQuery:
                        w.Line("if (key >= " + validRow + ") score = -1e6f; // d2l: replaced, not removed");
                        break;
                    case AttentionMask.KeepMask:
                        w.Line("if (" + (inside.Length > 0 ? inside + " && " : "") + "mask[(b * " + Int(l.QueryTokens) + " + i) * " + Int(l.KeyTokens) + " + key] == 0) score = -1e9f; // keep-mask: replaced");
                        break;
                    case AttentionMask.KeyPaddingMask:
                        w.Line("if (" + (keyInside.Length > 0 ? keyInside + " && " : "") + "mask[b * " + Int(l.KeyTokens) + " + key] != 0) score = " + NegativeInfinity + "; // padding: ignored");
                        break;
                }
                if (causal) w.Line("if (key > i) score = " + NegativeInfinity + "; // causal");
                w.Line("float t = score * 1.442695f; // to base 2");
            }
            if (keyMayPad) w.Line("if (key >= " + Int(l.KeyTokens) + ") t = " + NegativeInfinity + "; // past the last key");
        }

        /// <summary>A butterfly reduction over the 32 lanes of a warp: every lane ends with the result.</summary>
        private static void EmitWarpReduce(CodeWriter w, string variable, bool max)
        {
            for (int offset = 16; offset >= 1; offset /= 2)
            {
                string other = "global::ILGPU.Warp.ShuffleXor(" + variable + ", " + Int(offset) + ")";
                w.Line(variable + " = " + (max ? Max + "(" + variable + ", " + other + ")" : variable + " + " + other) + ";");
            }
        }

        private static string Plus(string expression, int offset) => offset == 0 ? expression : expression + " + " + Int(offset);
    }
}
