using System.Collections.Generic;
using StaticAttention.Generator.Model;
using static StaticAttention.Generator.Emitting.Literals;
using static StaticAttention.Generator.Emitting.RuntimeTypes;

namespace StaticAttention.Generator.Emitting
{
    internal static partial class GpuEmitter
    {
        private const string NegativeInfinity = "float.NegativeInfinity";
        private const string Exp2 = "global::ILGPU.IntrinsicMath.CPUOnly.Exp2"; // the IR's Exp2 node: ex2.approx.f32 on PTX
        private const string Max = "global::System.MathF.Max";
        private const double Log2E = 1.4426950408889634;

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

            /// <summary>The index of <c>q[b, row, h, 0]</c>.</summary>
            public string QueryStart(string row) =>
                "(b * " + Int(Layer.QueryTokens) + " + " + row + ") * " + Int(QStride) + " + h * " + Int(Layer.HeadDim);

            /// <summary>The index of <c>k[b, key, g, 0]</c>.</summary>
            public string KeyStart(string key) =>
                "(b * " + Int(Layer.KeyTokens) + " + " + key + ") * " + Int(KStride) + Offset(KOffset) + " + " + KvHead + " * " + Int(Layer.HeadDim);

            /// <summary>The index of <c>v[b, key, g, 0]</c>.</summary>
            public string ValueStart(string key) =>
                "(b * " + Int(Layer.KeyTokens) + " + " + key + ") * " + Int(VStride) + Offset(VOffset) + " + " + KvHead + " * " + Int(Layer.HeadDim);

            /// <summary><c>q[b, row, h, column]</c>.</summary>
            public string Query(string row, string column) => Q + "[" + QueryStart(row) + " + " + column + "]";

            /// <summary><c>k[b, key, g, column]</c>.</summary>
            public string Key(string key, string column) => K + "[" + KeyStart(key) + " + " + column + "]";

            /// <summary><c>v[b, key, g, column]</c>.</summary>
            public string Value(string key, string column) => V + "[" + ValueStart(key) + " + " + column + "]";

            private static string Offset(int offset) => offset == 0 ? "" : " + " + Int(offset);
        }

        /// <summary>The kernel's opening: which (batch, head) the group works on, the key/value head it reads, its ALiBi slope.</summary>
        private static void EmitHeadIndices(CodeWriter w, LayerModel l, string head, string batch)
        {
            w.Line("int h = " + head + ", b = " + batch + ";");
            if (l.KvHeads != l.Heads)
                w.Line("int g = h / " + Int(l.Heads / l.KvHeads) + "; // the key/value head of query head h (" + Int(l.Heads / l.KvHeads) + " query heads share one)");
            EmitAlibiSlope(w, l);
        }

        /// <summary>ALiBi: head h's slope times log2(e), picked from the layer's slopes written as literals.</summary>
        private static void EmitAlibiSlope(CodeWriter w, LayerModel l)
        {
            if (!l.Decoder.Alibi) return;
            float[] slopes = LayerDefaults.AlibiSlopes(l.Heads);
            w.Line("// ALiBi adds -m_h·(i - j): BLOOM's slope m_h of " + Int(l.Heads) + " heads, times log2(e) for the base-2 scores.");
            if (l.Heads == 1)
            {
                w.Line("float alibi = " + Float((float)(slopes[0] * Log2E)) + ";");
                return;
            }
            for (int h = 0; h < l.Heads - 1; h++)
                w.Line((h == 0 ? "float alibi = " : "    : ") + "h == " + Int(h) + " ? " + Float((float)(slopes[h] * Log2E)));
            w.Line("    : " + Float((float)(slopes[l.Heads - 1] * Log2E)) + ";");
        }

        /// <summary>Whether the sliding window hides a key the causal mask leaves: only when it is shorter than the sequence.</summary>
        private static bool HasWindow(LayerModel l) => l.Decoder.SlidingWindow > 0 && l.Decoder.SlidingWindow < l.QueryTokens;

        /// <summary>Whether any score term (softcap, bias, ALiBi, mask, causal, window, a padded key) touches the scores after the dot product.</summary>
        private static bool HasTerms(LayerModel l, bool keyMayPad) =>
            l.RelativePositionBias || l.MaskKind != AttentionMask.None || (l.Mask & AttentionMask.Causal) != 0 || keyMayPad
            || l.Decoder.Softcap > 0f || l.Decoder.Alibi || HasWindow(l);

        /// <summary>
        /// The score terms on <paramref name="t"/>, the dot product of query row <paramref name="i"/> and key
        /// <paramref name="key"/> already in base 2 (q carries <c>scale·log2(e)</c>, so <c>exp(score - max) = exp2(t - max₂)</c>):
        /// softcap, relative bias, ALiBi and masks in PyTorch's order, every added or replacing value times log2(e); a key
        /// past the end is -inf so it weighs exactly nothing.
        /// </summary>
        /// <param name="biasRow">The relative position table's row for (i, key): <c>i - key + T - 1</c>.</param>
        private static void EmitScoreTerms(CodeWriter w, LayerModel l, string t, string i, string key, string biasRow, bool rowMayPad, bool keyMayPad, string valid)
        {
            string inside = rowMayPad && keyMayPad ? i + " < " + Int(l.QueryTokens) + " && " + key + " < " + Int(l.KeyTokens)
                : rowMayPad ? i + " < " + Int(l.QueryTokens) : keyMayPad ? key + " < " + Int(l.KeyTokens) : "";
            string keyInside = keyMayPad ? key + " < " + Int(l.KeyTokens) : "";
            if (l.Decoder.Softcap > 0f)
            {
                // c·tanh(s/c) = c - 2c / (exp(2s/c) + 1); in base 2 (t = s·log2 e) the cap is c·log2(e) and exp(2s/c) = exp2(2t/c).
                double cap = l.Decoder.Softcap * Log2E;
                w.Line(t + " = " + Float((float)cap) + " - " + Float((float)(2 * cap)) + " / (" + Exp2 + "(" + t + " * " + Float((float)(2.0 / l.Decoder.Softcap)) +
                    ") + 1f); // softcap " + Float(l.Decoder.Softcap) + "·tanh(s / " + Float(l.Decoder.Softcap) + ")");
            }
            if (l.RelativePositionBias)
            {
                string add = t + " += table[" + biasRow + " * " + Int(l.Heads) + " + h] * " + Float((float)Log2E) + ";";
                w.Line(inside.Length > 0 ? "if (" + inside + ") " + add : add);
            }
            if (l.Decoder.Alibi) w.Line(t + " += alibi * (" + key + " - " + i + "); // ALiBi");
            switch (l.MaskKind)
            {
                case AttentionMask.ValidLengths:
                case AttentionMask.ValidLengthsPerQuery:
                    w.Line("if (" + key + " >= " + valid + ") " + t + " = " + Float((float)(-1e6 * Log2E)) + "; // -1e6: d2l replaces, not removes");
                    break;
                case AttentionMask.KeepMask:
                    w.Line("if (" + (inside.Length > 0 ? inside + " && " : "") + "mask[(b * " + Int(l.QueryTokens) + " + " + i + ") * " + Int(l.KeyTokens) + " + " + key + "] == 0) " +
                        t + " = " + Float((float)(-1e9 * Log2E)) + "; // -1e9: keep-mask, replaced");
                    break;
                case AttentionMask.KeyPaddingMask:
                    w.Line("if (" + (keyInside.Length > 0 ? keyInside + " && " : "") + "mask[b * " + Int(l.KeyTokens) + " + " + key + "] != 0) " + t + " = " + NegativeInfinity + "; // padding: ignored");
                    break;
            }
            if ((l.Mask & AttentionMask.Causal) != 0) w.Line("if (" + key + " > " + i + ") " + t + " = " + NegativeInfinity + "; // causal");
            if (HasWindow(l)) w.Line("if (" + i + " - " + key + " >= " + Int(l.Decoder.SlidingWindow) + ") " + t + " = " + NegativeInfinity + "; // sliding window");
            if (keyMayPad) w.Line("if (" + key + " >= " + Int(l.KeyTokens) + ") " + t + " = " + NegativeInfinity + "; // past the last key");
        }

        /// <summary><c>name0 … name{count-1}</c>, four to a line, as one statement per name built by <paramref name="statement"/>.</summary>
        private static void EmitFour(CodeWriter w, int count, System.Func<int, string> statement)
        {
            for (int j = 0; j < count; j += 4)
            {
                var parts = new List<string>();
                for (int e = j; e < count && e < j + 4; e++) parts.Add(statement(e));
                w.Line(string.Join(" ", parts));
            }
        }

        private static string Plus(string expression, int offset) => offset == 0 ? expression : expression + " + " + Int(offset);
    }
}
