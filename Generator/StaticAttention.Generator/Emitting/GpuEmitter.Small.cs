using System.Collections.Generic;
using StaticAttention.Generator.Model;
using static StaticAttention.Generator.Emitting.Literals;

namespace StaticAttention.Generator.Emitting
{
    internal static partial class GpuEmitter
    {
        /// <summary>
        /// The small-sequence kernel (queries and keys ≤ 32): one warp per (head, batch item) stages all of q, k and v in
        /// shared memory, then walks the query rows; lane j owns key j, so a row's max and sum are warp reductions, and
        /// the exact softmax needs no rescaling. Lane c then owns output columns c, c + 32, ...
        /// </summary>
        private static void EmitSmall(CodeWriter w, LayerModel l, GpuPlan plan)
        {
            var src = new Sources(l);
            int d = l.HeadDim, nq = l.QueryTokens, nk = l.KeyTokens, vs = plan.ValueStride;
            bool keyMayPad = nk < GpuPlan.WarpSize;
            var parameters = new List<string>();
            foreach (var (type, name) in AttentionParameters(l)) parameters.Add(type + " " + name);

            w.Line("/// <summary>");
            w.Line("/// Attention for one (head, batch item) per warp: q [" + Int(nq) + ", " + Int(d) + "], k and v [" + Int(nk) + ", " + Int(d) + "] staged in shared memory (" +
                   Int(plan.SharedFloats * 4) + " bytes),");
            w.Line("/// lane j scoring key j of each query row; softmax by warp reductions with exp2; lane c summing output column c" + (plan.ColumnsPerLane > 1 ? " (+ 32·u)" : "") + ".");
            w.Line("/// </summary>");
            WriteSignature(w, "private static void GpuAttention(", parameters);
            using (w.Block())
            {
                EmitHeadIndices(w, l, "global::ILGPU.Grid.IdxX", "global::ILGPU.Grid.IdxY");
                w.Line("int lane = global::ILGPU.Warp.LaneIdx;");
                w.Line("var qs = global::ILGPU.SharedMemory.Allocate<float>(" + Int(nq * d) + ");  // q [" + Int(nq) + ", " + Int(d) + "]");
                w.Line("var ks = global::ILGPU.SharedMemory.Allocate<float>(" + Int(nk * (d + 1)) + ");  // k [" + Int(nk) + ", " + Int(d) + " + 1]: padded, lane j reads row j");
                w.Line("var vs = global::ILGPU.SharedMemory.Allocate<float>(" + Int(nk * vs) + ");  // v [" + Int(nk) + ", " + Int(vs) + "]: rows of whole lanes");
                w.Line("var ps = global::ILGPU.SharedMemory.Allocate<float>(32); // the current row's weights, one per key");
                w.Line();
                w.Line("// Stage the (batch, head)'s queries, keys and values.");
                using (w.Block("for (int e = lane; e < " + Int(nq * d) + "; e += 32)"))
                {
                    w.Line("int i = e / " + Int(d) + ", c = e % " + Int(d) + ";");
                    w.Line("qs[e] = " + src.Query("i", "c") + ";");
                }
                using (w.Block("for (int e = lane; e < " + Int(nk * d) + "; e += 32)"))
                {
                    w.Line("int j = e / " + Int(d) + ", c = e % " + Int(d) + ";");
                    w.Line("ks[j * " + Int(d + 1) + " + c] = " + src.Key("j", "c") + ";");
                    w.Line("vs[j * " + Int(vs) + " + c] = " + src.Value("j", "c") + ";");
                }
                w.Line("global::ILGPU.Group.Barrier();");
                w.Line();
                w.Line("int key = lane;");
                w.Line(keyMayPad
                    ? "int kRow = (lane < " + Int(nk) + " ? lane : 0) * " + Int(d + 1) + "; // lanes past the last key read key 0 and are masked"
                    : "int kRow = lane * " + Int(d + 1) + ";");
                if (l.MaskKind == AttentionMask.ValidLengths) w.Line("int valid = validLengths[b];");
                using (w.Block("for (int i = 0; i < " + Int(nq) + "; i++)"))
                {
                    EmitDot(w, l, "i * " + Int(d), "kRow");
                    if (l.MaskKind == AttentionMask.ValidLengthsPerQuery) w.Line("int validRow = validLengths[b * " + Int(nq) + " + i];");
                    EmitTerms(w, l, rowMayPad: false, keyMayPad: keyMayPad, validRow: "validRow");
                    w.Line();
                    w.Line("// softmax over the row's keys: max and sum across the warp");
                    w.Line("float m = t;");
                    EmitWarpReduce(w, "m", max: true);
                    w.Line("float p = " + Exp2 + "(t - (m == " + NegativeInfinity + " ? 0f : m)); // a row with no visible key has p = 0");
                    w.Line("float l = p;");
                    EmitWarpReduce(w, "l", max: false);
                    w.Line("float weight = l == 0f ? 0f : p / l;");
                    if (l.ReturnWeights)
                    {
                        string store = "weights[((b * " + Int(l.Heads) + " + h) * " + Int(nq) + " + i) * " + Int(nk) + " + key] = weight;";
                        w.Line(keyMayPad ? "if (key < " + Int(nk) + ") " + store : store);
                    }
                    w.Line("ps[lane] = weight;");
                    w.Line("global::ILGPU.Warp.Barrier();");
                    w.Line();
                    w.Line("// context[i, c] = Σ_key weight[key] · v[key, c], lane c (+ 32·u) owning column c");
                    for (int u = 0; u < plan.ColumnsPerLane; u++)
                    {
                        string column = u == 0 ? "lane" : "lane + " + Int(32 * u);
                        var terms = new List<string>();
                        w.Line("float o" + Int(u) + " = 0f;");
                        for (int j = 0; j < nk; j += 4)
                        {
                            terms.Clear();
                            for (int e = j; e < nk && e < j + 4; e++) terms.Add("ps[" + Int(e) + "] * vs[" + Plus(column, e * vs) + "]");
                            w.Line("o" + Int(u) + " += " + string.Join(" + ", terms) + ";");
                        }
                        string target = "context[(b * " + Int(nq) + " + i) * " + Int(l.QueryWidth) + " + h * " + Int(d) + " + " + column + "] = o" + Int(u) + ";";
                        int columnsLeft = d - 32 * u;
                        w.Line(columnsLeft < 32 ? "if (" + column + " < " + Int(d) + ") " + target : target);
                    }
                    w.Line("global::ILGPU.Warp.Barrier(); // ps is rewritten by the next row");
                }
            }
        }
    }
}
