using System.Collections.Generic;
using StaticAttention.Generator.Model;
using static StaticAttention.Generator.Emitting.Literals;
using static StaticAttention.Generator.Emitting.RuntimeTypes;

namespace StaticAttention.Generator.Emitting
{
    internal static partial class GpuEmitter
    {
        /// <summary>
        /// The small-sequence kernel (queries and keys ≤ 32): one warp per (head, batch item), four per group, and no shared
        /// memory. Each query row belongs to a few neighbouring lanes that split its columns; a lane keeps the row's score
        /// against every key in registers, so after one shuffle reduction among the row's lanes the softmax is exact and
        /// local, and the output is a sum over the keys per column. Every load is straight from global memory (the keys and
        /// values are shared by the warp's rows through the L1 cache).
        /// </summary>
        private static void EmitSmall(CodeWriter w, LayerModel l, GpuPlan plan)
        {
            var src = new Sources(l);
            int d = l.HeadDim, nq = l.QueryTokens, nk = l.KeyTokens, lanes = plan.LanesPerRow;
            int rows = GpuPlan.WarpSize / lanes, steps = (d + lanes - 1) / lanes;
            bool rowsPadded = rows != nq, columnsPartial = d % lanes != 0;
            var parameters = new List<string>();
            foreach (var (type, name) in AttentionParameters(l)) parameters.Add(type + " " + name);

            w.Line("/// <summary>");
            w.Line("/// Attention for one (head, batch item) per warp: query row i on lanes " + (lanes == 1 ? "i" : Int(lanes) + "·i .. " + Int(lanes) + "·i + " + Int(lanes - 1)) +
                   ", each lane taking every " + (lanes == 1 ? "column" : Int(lanes) + "th column") + " of the head (" + Int(d) + ");");
            w.Line("/// the row's " + Int(nk) + " scores in registers, an exact softmax in base 2, then the output per column as a sum over the keys.");
            w.Line("/// </summary>");
            WriteSignature(w, "private static void GpuSmallAttention(", parameters);
            using (w.Block())
            {
                w.Line("int h = global::ILGPU.Grid.IdxX * 4 + global::ILGPU.Warp.WarpIdx, b = global::ILGPU.Grid.IdxY;");
                if (l.Heads % 4 != 0) w.Line("if (h >= " + Int(l.Heads) + ") return; // the last group's spare warps");
                if (l.KvHeads != l.Heads)
                    w.Line("int g = h / " + Int(l.Heads / l.KvHeads) + "; // the key/value head of query head h (" + Int(l.Heads / l.KvHeads) + " query heads share one)");
                EmitAlibiSlope(w, l);
                w.Line(lanes == 1 ? "int lane = global::ILGPU.Warp.LaneIdx, row = lane, part = 0;"
                    : "int lane = global::ILGPU.Warp.LaneIdx, row = lane / " + Int(lanes) + ", part = lane % " + Int(lanes) + "; // part: columns part + " + Int(lanes) + "·c");
                w.Line(rowsPadded ? "int i = row < " + Int(nq) + " ? row : " + Int(nq - 1) + "; // spare rows repeat the last one and store nothing" : "int i = row;");
                w.Line("int qStart = " + src.QueryStart("i") + " + part;");
                w.Line("int kStart = " + src.KeyStart("0") + " + part; // key j at +" + Int(src.KStride) + "·j");
                w.Line();
                w.Line("// Scores in base 2 (q times scale·log2(e) = " + Float(l.Scale) + " · 1.4427): this lane's columns, then the row's " + (lanes == 1 ? "lane alone." : Int(lanes) + " lanes."));
                var zeros = new List<string>();
                for (int j = 0; j < nk; j++) zeros.Add("s" + Int(j) + " = 0f");
                w.Line("float " + string.Join(", ", zeros) + ";");
                string column = lanes == 1 ? "c" : "c * " + Int(lanes);
                using (w.Block("for (int c = 0; c < " + Int(steps) + "; c++)"))
                {
                    System.IDisposable? guard = columnsPartial ? w.Block("if (part + " + column + " < " + Int(d) + ")") : null;
                    w.Line("float qv = " + src.Q + "[qStart + " + column + "] * " + Float((float)(l.Scale * Log2E)) + ";");
                    w.Line("var kc = " + src.K + ".SubView(kStart + " + column + ");");
                    EmitFour(w, nk, j => "s" + Int(j) + " += qv * kc[" + Int(j * src.KStride) + "];");
                    guard?.Dispose();
                }
                if (lanes > 1)
                {
                    for (int j0 = 0; j0 < nk; j0 += 8)
                    {
                        var values = new List<string>();
                        for (int j = j0; j < j0 + 8; j++) values.Add(j < nk ? "s" + Int(j) : "0f");
                        string sum = "sum" + Int(j0 / 8);
                        w.Line("var " + sum + " = new " + RowValues8 + "(" + string.Join(", ", values) + ");");
                        for (int offset = lanes / 2; offset >= 1; offset /= 2)
                            w.Line(sum + " = " + RowValues8 + ".Add(" + sum + ", global::ILGPU.Warp.ShuffleXor(" + sum + ", " + Int(offset) + "));");
                        var back = new List<string>();
                        for (int j = j0; j < j0 + 8 && j < nk; j++) back.Add("s" + Int(j) + " = " + sum + ".Row" + Int(j - j0) + ";");
                        w.Line(string.Join(" ", back));
                    }
                }
                if (HasTerms(l, keyMayPad: false))
                {
                    if (l.MaskKind == AttentionMask.ValidLengths) w.Line("int valid = validLengths[b];");
                    if (l.MaskKind == AttentionMask.ValidLengthsPerQuery) w.Line("int valid = validLengths[b * " + Int(nq) + " + i];");
                    for (int j = 0; j < nk; j++)
                    {
                        int offset = nq - 1 - j;
                        string biasRow = offset == 0 ? "i" : offset > 0 ? "(i + " + Int(offset) + ")" : "(i - " + Int(-offset) + ")";
                        EmitScoreTerms(w, l, "s" + Int(j), "i", Int(j), biasRow, rowMayPad: false, keyMayPad: false, valid: "valid");
                    }
                }
                w.Line();
                w.Line("// Exact softmax over the row: p = exp2(t - max) / Σ, a row with no visible key all zeros.");
                w.Line("float m = s0;");
                if (nk > 1) EmitFour(w, nk - 1, j => "m = " + Max + "(m, s" + Int(j + 1) + ");");
                w.Line("float mBase = m == " + NegativeInfinity + " ? 0f : m;");
                EmitFour(w, nk, j => "s" + Int(j) + " = " + Exp2 + "(s" + Int(j) + " - mBase);");
                var all = new List<string>();
                for (int j = 0; j < nk; j++) all.Add("s" + Int(j));
                w.Line("float l = " + string.Join(" + ", all) + ";");
                w.Line("float inverse = l == 0f ? 0f : 1f / l;");
                EmitFour(w, nk, j => "s" + Int(j) + " *= inverse;");
                if (l.ReturnWeights)
                {
                    using (w.Block("if (part == 0" + (rowsPadded ? " && row < " + Int(nq) : "") + ")"))
                    {
                        w.Line("var weightRow = weights.SubView(((b * " + Int(l.Heads) + " + h) * " + Int(nq) + " + i) * " + Int(nk) + ");");
                        EmitFour(w, nk, j => "weightRow[" + Int(j) + "] = s" + Int(j) + ";");
                    }
                }
                w.Line();
                int block = System.Math.Min(steps, 8), blocks = (steps + block - 1) / block;
                w.Line("// context[i, column] = Σ_j p_j · v[j, column], this lane's columns " + Int(block) + " at a time: every load of a block before its stores.");
                w.Line("int vStart = " + src.ValueStart("0") + " + part; // key j at +" + Int(src.VStride) + "·j");
                w.Line("int outStart = (b * " + Int(nq) + " + i) * " + Int(l.QueryWidth) + " + h * " + Int(d) + " + part;");
                using (w.Block("for (int c0 = 0; c0 < " + Int(blocks * block) + "; c0 += " + Int(block) + ")"))
                {
                    string at = lanes == 1 ? "c0" : "c0 * " + Int(lanes);
                    w.Line("int vAt = vStart + " + at + ", outAt = outStart + " + at + ";");
                    for (int t = 0; t < block; t++)
                    {
                        var terms = new List<string>();
                        for (int j = 0; j < nk; j++) terms.Add("s" + Int(j) + " * " + src.V + "[" + Plus("vAt", t * lanes + j * src.VStride) + "]");
                        bool guarded = columnsPartial || blocks * block != steps;
                        string o = "o" + Int(t);
                        w.Line("float " + o + (guarded ? " = 0f;" : " = " + string.Join(" + ", terms.GetRange(0, System.Math.Min(8, nk))) + ";"));
                        System.IDisposable? guard = guarded ? w.Block("if (part + " + at + (t == 0 ? "" : " + " + Int(t * lanes)) + " < " + Int(d) + ")") : null;
                        for (int j = guarded ? 0 : 8; j < nk; j += 8)
                            w.Line(o + (j == 0 ? " = " : " += ") + string.Join(" + ", terms.GetRange(j, System.Math.Min(8, nk - j))) + ";");
                        guard?.Dispose();
                    }
                    for (int t = 0; t < block; t++)
                    {
                        string condition = Conjunction(rowsPadded ? "row < " + Int(nq) : "",
                            columnsPartial || blocks * block != steps ? "part + " + at + (t == 0 ? "" : " + " + Int(t * lanes)) + " < " + Int(d) : "");
                        string store = "context[" + Plus("outAt", t * lanes) + "] = o" + Int(t) + ";";
                        w.Line(condition.Length > 0 ? "if (" + condition + ") " + store : store);
                    }
                }
            }
        }
    }
}
