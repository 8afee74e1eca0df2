using System;
using System.Collections.Generic;
using StaticAttention.Generator.Model;
using static StaticAttention.Generator.Emitting.Literals;

namespace StaticAttention.Generator.Emitting
{
    internal static partial class GpuEmitter
    {
        /// <summary>
        /// The flash kernel, FlashAttention-2 style: one group per (query tile, head, batch item); key/value tiles of 32
        /// pass through shared memory; each warp owns a few query rows (its state in registers, written out per row by
        /// the generator), lane j scores key j of the tile, the row max is a warp shuffle reduction, and the online softmax
        /// rescales with exp2. The sum stays a per-lane partial until the end (one reduction per row, not per tile).
        /// </summary>
        private static void EmitFlash(CodeWriter w, LayerModel l, GpuPlan plan)
        {
            var src = new Sources(l);
            int d = l.HeadDim, nq = l.QueryTokens, nk = l.KeyTokens, vs = plan.ValueStride;
            int rows = plan.RowsPerWarp, tile = plan.QueryTile, threads = plan.Warps * GpuPlan.WarpSize;
            bool rowMayPad = nq % tile != 0, keyMayPad = nk % GpuPlan.KeyTile != 0;
            bool causal = (l.Mask & AttentionMask.Causal) != 0;
            var parameters = new List<string>();
            foreach (var (type, name) in AttentionParameters(l)) parameters.Add(type + " " + name);

            w.Line("/// <summary>");
            w.Line("/// Attention for one (tile of " + Int(tile) + " query rows, head, batch item) per group of " + Int(plan.Warps) + " warps, " + Int(rows) +
                   " rows per warp: key/value tiles of 32");
            w.Line("/// through shared memory (" + Int(plan.SharedFloats * 4) + " bytes in all), lane j scoring key j, an online softmax in base 2 with the row");
            w.Line("/// max from warp shuffles; lane c accumulates output column c" + (plan.ColumnsPerLane > 1 ? " (+ 32·u)" : "") + ". Keys " + Int(nk) + " in " +
                   Int((nk + 31) / 32) + " tile(s) of 32.");
            w.Line("/// </summary>");
            WriteSignature(w, "private static void GpuAttention(", parameters);
            using (w.Block())
            {
                w.Line("int tile = global::ILGPU.Grid.IdxX;");
                EmitHeadIndices(w, l, "global::ILGPU.Grid.IdxY", "global::ILGPU.Grid.IdxZ");
                w.Line("int thread = global::ILGPU.Group.IdxX, lane = global::ILGPU.Warp.LaneIdx, warp = global::ILGPU.Warp.WarpIdx;");
                w.Line("int firstRow = tile * " + Int(tile) + ";");
                w.Line("var qs = global::ILGPU.SharedMemory.Allocate<float>(" + Int(tile * d) + ");  // the tile's queries [" + Int(tile) + ", " + Int(d) + "]");
                w.Line("var ks = global::ILGPU.SharedMemory.Allocate<float>(" + Int(32 * (d + 1)) + ");  // key tile [32, " + Int(d) + " + 1]: padded, lane j reads row j");
                w.Line("var vs = global::ILGPU.SharedMemory.Allocate<float>(" + Int(32 * vs) + ");  // value tile [32, " + Int(vs) + "]: rows of whole lanes");
                w.Line("var ps = global::ILGPU.SharedMemory.Allocate<float>(" + Int(tile * 32) + "); // p of each row against the key tile");
                w.Line();
                w.Line("// Stage the tile's queries" + (rowMayPad ? " (rows past " + Int(nq) + " are zeros)." : "."));
                using (w.Block("for (int e = thread; e < " + Int(tile * d) + "; e += " + Int(threads) + ")"))
                {
                    w.Line("int r = e / " + Int(d) + ", c = e % " + Int(d) + ";");
                    w.Line("int row = firstRow + r;");
                    w.Line("qs[e] = " + (rowMayPad ? "row < " + Int(nq) + " ? " + src.Query("row", "c") + " : 0f;" : src.Query("row", "c") + ";"));
                }
                w.Line();
                w.Line("// Each warp's rows: running max m (base 2), the lane's partial sum l, its output columns o.");
                for (int r = 0; r < rows; r++)
                {
                    var outputs = new List<string>();
                    for (int u = 0; u < plan.ColumnsPerLane; u++) outputs.Add("o" + Int(r) + "_" + Int(u) + " = 0f");
                    w.Line("float m" + Int(r) + " = " + NegativeInfinity + ", l" + Int(r) + " = 0f, " + string.Join(", ", outputs) + ";");
                }
                if (l.MaskKind == AttentionMask.ValidLengths) w.Line("int valid = validLengths[b];");
                if (l.MaskKind == AttentionMask.ValidLengthsPerQuery)
                {
                    for (int r = 0; r < rows; r++)
                    {
                        string row = RowOf(rows, r);
                        w.Line("int valid" + Int(r) + " = " + (rowMayPad ? row + " < " + Int(nq) + " ? validLengths[b * " + Int(nq) + " + " + row + "] : 0;" : "validLengths[b * " + Int(nq) + " + " + row + "];"));
                    }
                }
                string keyEnd = Int(nk);
                if (causal && nk > tile)
                {
                    w.Line("int keyEnd = global::System.Math.Min(" + Int(nk) + ", firstRow + " + Int(tile) + "); // causal: later keys are masked for every row of the tile");
                    keyEnd = "keyEnd";
                }
                w.Line();
                using (w.Block("for (int k0 = 0; k0 < " + keyEnd + "; k0 += 32)"))
                {
                    EmitStageKeys(w, l, src, threads, values: true);
                    w.Line("int key = k0 + lane, kRow = lane * " + Int(d + 1) + ";");
                    var ts = new List<string>();
                    for (int r = 0; r < rows; r++) ts.Add("t" + Int(r));
                    w.Line("float " + string.Join(", ", ts) + "; // the warp's rows scored against key k0 + lane, in base 2");
                    for (int r = 0; r < rows; r++)
                    {
                        using (w.Block())
                        {
                            w.Line("int i = " + RowOf(rows, r) + ";");
                            w.Line("int qRow = (warp * " + Int(rows) + (r == 0 ? "" : " + " + Int(r)) + ") * " + Int(d) + ";");
                            EmitDot(w, l, "qRow", "kRow");
                            EmitTerms(w, l, rowMayPad, keyMayPad, "valid" + Int(r));
                            w.Line("t" + Int(r) + " = t;");
                        }
                    }
                    w.Line();
                    w.Line(rows == 1 ? "// The row's max over the tile: a butterfly of warp shuffles." : "// The rows' maxima over the tile, all " + Int(rows) + " in one butterfly of struct shuffles.");
                    EmitRowReduce(w, rows, "tileMax", "t", max: true);
                    w.Line();
                    w.Line("// Online softmax: new max, rescale what each row has summed so far by alpha, p = exp2(t - max).");
                    var alphas = new List<string>();
                    for (int r = 0; r < rows; r++) alphas.Add("alpha" + Int(r));
                    w.Line("float " + string.Join(", ", alphas) + ";");
                    for (int r = 0; r < rows; r++)
                    {
                        using (w.Block())
                        {
                            string m = "m" + Int(r), sum = "l" + Int(r);
                            w.Line("float mNew = " + Max + "(" + m + ", " + Component(rows, "tileMax", r) + ");");
                            w.Line("float mBase = mNew == " + NegativeInfinity + " ? 0f : mNew; // nothing visible yet: every p is 0");
                            w.Line("alpha" + Int(r) + " = " + Exp2 + "(" + m + " - mBase);");
                            w.Line("float p = " + Exp2 + "(t" + Int(r) + " - mBase);");
                            w.Line(sum + " = " + sum + " * alpha" + Int(r) + " + p;");
                            w.Line(m + " = mNew;");
                            w.Line("ps[(warp * " + Int(rows) + (r == 0 ? "" : " + " + Int(r)) + ") * 32 + lane] = p;");
                        }
                    }
                    w.Line("global::ILGPU.Warp.Barrier();");
                    w.Line();
                    w.Line("// o = o·alpha + Σ_j p[j] · v[j, column], lane c owning column c" + (plan.ColumnsPerLane > 1 ? " (+ 32·u)" : "") + ".");
                    w.Line("int pRow = warp * " + Int(rows * 32) + ";");
                    for (int r = 0; r < rows; r++)
                    {
                        for (int u = 0; u < plan.ColumnsPerLane; u++)
                        {
                            string o = "o" + Int(r) + "_" + Int(u);
                            string column = u == 0 ? "lane" : "lane + " + Int(32 * u);
                            w.Line(o + " *= alpha" + Int(r) + ";");
                            for (int j = 0; j < 32; j += 4)
                            {
                                var terms = new List<string>();
                                for (int e = j; e < j + 4; e++) terms.Add("ps[" + Plus("pRow", r * 32 + e) + "] * vs[" + Plus(column, e * vs) + "]");
                                w.Line(o + " += " + string.Join(" + ", terms) + ";");
                            }
                        }
                    }
                    w.Line("// (ps is rewritten only after the next tile's first group barrier)");
                }
                w.Line();
                w.Line("// context = o / Σ l: the lanes' partial sums reduced once, at the end.");
                EmitRowReduce(w, rows, "sums", "l", max: false);
                for (int r = 0; r < rows; r++)
                {
                    using (w.Block())
                    {
                        w.Line("int i = " + RowOf(rows, r) + ";");
                        w.Line("float l = " + Component(rows, "sums", r) + ";");
                        w.Line("float inverse = l == 0f ? 0f : 1f / l; // no visible key: zeros");
                        IDisposable? guard = rowMayPad ? w.Block("if (i < " + Int(nq) + ")") : null;
                        for (int u = 0; u < plan.ColumnsPerLane; u++)
                        {
                            string column = u == 0 ? "lane" : "lane + " + Int(32 * u);
                            string store = "context[(b * " + Int(nq) + " + i) * " + Int(l.QueryWidth) + " + h * " + Int(d) + " + " + column + "] = o" + Int(r) + "_" + Int(u) + " * inverse;";
                            w.Line(d - 32 * u < 32 ? "if (" + column + " < " + Int(d) + ") " + store : store);
                        }
                        guard?.Dispose();
                    }
                }
                if (l.ReturnWeights) EmitFlashWeights(w, l, plan, src, rowMayPad, keyMayPad);
            }
        }

        /// <summary>The weights, once the row's max and sum are final: a second sweep over the key tiles, exp2(t - m) / l.</summary>
        private static void EmitFlashWeights(CodeWriter w, LayerModel l, GpuPlan plan, Sources src, bool rowMayPad, bool keyMayPad)
        {
            int d = l.HeadDim, rows = plan.RowsPerWarp, threads = plan.Warps * GpuPlan.WarpSize;
            w.Line();
            w.Line("// Weights [batch, " + Int(l.Heads) + ", " + Int(l.QueryTokens) + ", " + Int(l.KeyTokens) + "]: the scores again, now with the final max and sum.");
            using (w.Block("for (int k0 = 0; k0 < " + Int(l.KeyTokens) + "; k0 += 32)"))
            {
                EmitStageKeys(w, l, src, threads, values: false);
                w.Line("int key = k0 + lane, kRow = lane * " + Int(d + 1) + ";");
                for (int r = 0; r < rows; r++)
                {
                    using (w.Block())
                    {
                        w.Line("int i = " + RowOf(rows, r) + ";");
                        w.Line("int qRow = (warp * " + Int(rows) + (r == 0 ? "" : " + " + Int(r)) + ") * " + Int(d) + ";");
                            EmitDot(w, l, "qRow", "kRow");
                        EmitTerms(w, l, rowMayPad, keyMayPad, "valid" + Int(r));
                        string inside = rowMayPad && keyMayPad ? "i < " + Int(l.QueryTokens) + " && key < " + Int(l.KeyTokens)
                            : rowMayPad ? "i < " + Int(l.QueryTokens) : keyMayPad ? "key < " + Int(l.KeyTokens) : "";
                        string sum = Component(rows, "sums", r);
                        string store = "weights[((b * " + Int(l.Heads) + " + h) * " + Int(l.QueryTokens) + " + i) * " + Int(l.KeyTokens) + " + key] = " +
                            Exp2 + "(t - (m" + Int(r) + " == " + NegativeInfinity + " ? 0f : m" + Int(r) + ")) * (" + sum + " == 0f ? 0f : 1f / " + sum + ");";
                        w.Line(inside.Length > 0 ? "if (" + inside + ") " + store : store);
                    }
                }
            }
        }

        /// <summary>Stages the key tile at <c>k0</c> (and the value tile) in shared memory between two group barriers.</summary>
        private static void EmitStageKeys(CodeWriter w, LayerModel l, Sources src, int threads, bool values)
        {
            int d = l.HeadDim, nk = l.KeyTokens;
            bool keyMayPad = nk % GpuPlan.KeyTile != 0;
            w.Line("global::ILGPU.Group.Barrier(); // every warp is done with the previous tile");
            using (w.Block("for (int e = thread; e < " + Int(32 * d) + "; e += " + Int(threads) + ")"))
            {
                w.Line("int j = e / " + Int(d) + ", c = e % " + Int(d) + ", kj = k0 + j;");
                w.Line("ks[j * " + Int(d + 1) + " + c] = " + (keyMayPad ? "kj < " + Int(nk) + " ? " + src.Key("kj", "c") + " : 0f;" : src.Key("kj", "c") + ";"));
                if (values)
                {
                    w.Line("vs[j * " + Int(GpuPlan.For(l).ValueStride) + " + c] = " + (keyMayPad ? "kj < " + Int(nk) + " ? " + src.Value("kj", "c") + " : 0f;" : src.Value("kj", "c") + ";"));
                }
            }
            w.Line("global::ILGPU.Group.Barrier();");
        }

        /// <summary>
        /// A butterfly reduction across the warp of the rows' values <c>{prefix}0..</c>, into <paramref name="target"/>: one
        /// float, or a <c>RowValues4</c>/<c>RowValues8</c> carrying up to eight rows through each shuffle.
        /// </summary>
        private static void EmitRowReduce(CodeWriter w, int rows, string target, string prefix, bool max)
        {
            if (rows == 1)
            {
                w.Line("float " + target + " = " + prefix + "0;");
                EmitWarpReduce(w, target, max);
                return;
            }
            int width = rows <= 4 ? 4 : 8;
            string type = Gpu + ".RowValues" + Int(width);
            var values = new List<string>();
            for (int r = 0; r < width; r++) values.Add(r < rows ? prefix + Int(r) : "0f");
            w.Line("var " + target + " = new " + type + "(" + string.Join(", ", values) + ");");
            for (int offset = 16; offset >= 1; offset /= 2)
            {
                w.Line(target + " = " + type + "." + (max ? "Max" : "Add") + "(" + target + ", global::ILGPU.Warp.ShuffleXor(" + target + ", " + Int(offset) + "));");
            }
        }

        /// <summary>Row <paramref name="r"/>'s value after <see cref="EmitRowReduce"/>.</summary>
        private static string Component(int rows, string target, int r) => rows == 1 ? target : target + ".Row" + Int(r);

        /// <summary>Query row <paramref name="r"/> of the current warp.</summary>
        private static string RowOf(int rows, int r) => "firstRow + warp * " + Int(rows) + (r == 0 ? "" : " + " + Int(r));
    }
}
