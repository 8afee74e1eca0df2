using System;
using System.Collections.Generic;
using StaticAttention.Generator.Model;
using static StaticAttention.Generator.Emitting.Literals;
using static StaticAttention.Generator.Emitting.RuntimeTypes;

namespace StaticAttention.Generator.Emitting
{
    internal static partial class GpuEmitter
    {
        /// <summary>
        /// The flash kernel, FlashAttention-2 style: one group of 128 threads per (query tile, head, batch item); q, scaled
        /// into base 2, stays in shared memory, key/value tiles pass through it. Thread (tx, ty) scores rows ty + 16·r against
        /// keys tx + 8·j (a register tile, every shared load a four-float vector feeding several FMAs), takes the rows'
        /// maxima with three shuffles among the eight threads of a row, and accumulates output columns 4·tx + 32·u of its
        /// rows; p goes through shared memory within the warp, so a step has two group barriers, both for the tile.
        /// </summary>
        /// <param name="kernel">The kernel's name: <c>GpuAttention</c>, or <c>GpuAttentionNarrow</c> for the few-groups plan (<see cref="GpuPlan.Narrow"/>).</param>
        private static void EmitFlash(CodeWriter w, LayerModel l, GpuPlan plan, string kernel)
        {
            var src = new Sources(l);
            int d = l.HeadDim, nq = l.QueryTokens, nk = l.KeyTokens;
            int bm = plan.QueryTile, bn = plan.KeyTile, rm = plan.RowsPerThread, rn = plan.KeysPerThread;
            int rs4 = plan.RowStride / 4, ps = plan.PStride;
            bool rowMayPad = nq % bm != 0, keyMayPad = nk % bn != 0;
            bool causal = (l.Mask & AttentionMask.Causal) != 0;
            var parameters = new List<string>();
            foreach (var (type, name) in AttentionParameters(l)) parameters.Add(type + " " + name);

            w.Line("/// <summary>");
            w.Line("/// Attention for one (tile of " + Int(bm) + " query rows, head, batch item) per group of 128 threads: keys " + Int(nk) + " in " +
                   Int((nk + bn - 1) / bn) + " tile(s) of " + Int(bn) + " through shared memory");
            w.Line("/// (" + Int(plan.SharedFloats * 4) + " bytes in all). Thread (tx, ty) scores rows ty + 16·r against keys tx + 8·j (" + Int(rm) + "×" + Int(rn) +
                   " in registers), an online softmax");
            w.Line("/// in base 2 with the row maxima from shuffles among the eight threads of a row, and output columns 4·tx + 32·u of its rows.");
            w.Line("/// </summary>");
            WriteSignature(w, "private static void " + kernel + "(", parameters);
            using (w.Block())
            {
                w.Line("int tile = global::ILGPU.Grid.IdxX;");
                EmitHeadIndices(w, l, "global::ILGPU.Grid.IdxY", "global::ILGPU.Grid.IdxZ");
                w.Line("int thread = global::ILGPU.Group.IdxX, tx = thread % 8, ty = thread / 8; // tx: keys tx + 8·j, columns 4·tx + 32·u; ty: rows ty + 16·r");
                w.Line("int firstRow = tile * " + Int(bm) + ";");
                w.Line("var qs = global::ILGPU.SharedMemory.Allocate<" + Float4 + ">(" + Int(bm * rs4) + "); // q·scale·log2(e) [" + Int(bm) + ", " + Int(plan.RowStride) +
                       "]: rows padded to an odd number of four-float chunks");
                w.Line("var ks = global::ILGPU.SharedMemory.Allocate<" + Float4 + ">(" + Int(bn * rs4) + "); // key tile [" + Int(bn) + ", " + Int(plan.RowStride) + "]");
                w.Line("var vs = global::ILGPU.SharedMemory.Allocate<" + Float4 + ">(" + Int(bn * plan.ValueStride / 4) + "); // value tile [" + Int(bn) + ", " +
                       Int(plan.ValueStride) + "]: four columns for each tx, " + Int(plan.ColumnChunks) + " time(s)");
                w.Line("var ps = global::ILGPU.SharedMemory.Allocate<" + Float4 + ">(" + Int(bn * ps / 4) + "); // p [" + Int(bn) + " keys, " + Int(ps) +
                       "]: each thread's " + Int(rm) + " rows side by side, written and read by its own warp");
                w.Line("var qFloats = qs.Cast<float>();");
                w.Line("var kFloats = ks.Cast<float>();");
                w.Line("var vFloats = vs.Cast<float>();");
                w.Line();
                w.Line("// Stage the tile's queries, times scale·log2(e) = " + Float(l.Scale) + " · 1.4427" + (rowMayPad ? " (rows past " + Int(nq) + " are zeros)." : "."));
                EmitStageRows(w, plan, bm, "firstRow", nq, rowMayPad, d,
                    new[] { new Staged("q", src.Q, src.QueryStart, src.QStride, "qFloats", plan.RowStride, " * " + Float((float)(l.Scale * Log2E))) });
                w.Line();
                w.Line("// This thread's views, taken once: its rows and keys are whole rows apart, read at constant offsets.");
                w.Line("var qMine = qs.SubView(ty * " + Int(rs4) + "); // row ty; row ty + 16·r at +" + Int(16 * rs4) + "·r");
                w.Line("var kMine = ks.SubView(tx * " + Int(rs4) + "); // key tx; key tx + 8·j at +" + Int(8 * rs4) + "·j");
                w.Line("var vMine = vs.SubView(tx); // columns 4·tx..; chunk u at +8·u, key j at +" + Int(plan.ValueStride / 4) + "·j");
                if (rm == 4)
                {
                    w.Line("var pMine = ps.SubView(ty); // p of rows ty + 16·r for key j at +" + Int(ps / 4) + "·j");
                    w.Line("var pWrite = ps.SubView(tx * " + Int(ps / 4) + " + ty); // where this thread's key tx + 8·j goes: +" + Int(8 * ps / 4) + "·j");
                }
                else
                {
                    w.Line("var pFloats = ps.Cast<float>();");
                    w.Line("var pMine = pFloats.SubView(ty * " + Int(rm) + "); // p of rows ty + 16·r for key j at +" + Int(ps) + "·j + r");
                    w.Line("var pWrite = pFloats.SubView(tx * " + Int(ps) + " + ty * " + Int(rm) + "); // where this thread's key tx + 8·j goes: +" + Int(8 * ps) + "·j + r");
                }
                w.Line();
                w.Line("// The thread's rows: running max m (base 2), its partial sum l over its keys, its output columns o.");
                for (int r = 0; r < rm; r++)
                {
                    var outputs = new List<string>();
                    for (int k = 0; k < 4 * plan.ColumnChunks; k++) outputs.Add(Out(r, k) + " = 0f");
                    w.Line("float m" + Int(r) + " = " + NegativeInfinity + ", l" + Int(r) + " = 0f, " + string.Join(", ", outputs) + ";");
                }
                if (l.MaskKind == AttentionMask.ValidLengths) w.Line("int valid = validLengths[b];");
                if (l.MaskKind == AttentionMask.ValidLengthsPerQuery)
                {
                    for (int r = 0; r < rm; r++)
                    {
                        string row = RowOf(r);
                        w.Line("int valid" + Int(r) + " = " + (rowMayPad ? row + " < " + Int(nq) + " ? validLengths[b * " + Int(nq) + " + " + row + "] : 0;" : "validLengths[b * " + Int(nq) + " + " + row + "];"));
                    }
                }
                string keyEnd = Int(nk);
                if (causal && nk > bm)
                {
                    w.Line("int keyEnd = global::System.Math.Min(" + Int(nk) + ", firstRow + " + Int(bm) + "); // causal: later keys are masked for every row of the tile");
                    keyEnd = "keyEnd";
                }
                string keyStart = "0";
                int window = l.Decoder.SlidingWindow;
                if (HasWindow(l) && ((nq + bm - 1) / bm - 1) * bm - (window - 1) >= bn)
                {
                    w.Line("int keyStart = global::System.Math.Max(0, firstRow - " + Int(window - 1) + ") / " + Int(bn) + " * " + Int(bn) +
                        "; // sliding window: earlier key tiles are hidden from every row of the tile");
                    keyStart = "keyStart";
                }
                w.Line();
                using (w.Block("for (int k0 = " + keyStart + "; k0 < " + keyEnd + "; k0 += " + Int(bn) + ")"))
                {
                    EmitStageTile(w, l, plan, src, values: true);
                    EmitTileScores(w, l, plan, rowMayPad, keyMayPad);
                    w.Line();
                    w.Line("// The rows' maxima over the tile: each thread's keys, then the eight threads of the row (lanes differing in bits 0-2).");
                    var maxima = new List<string>();
                    for (int r = 0; r < 4; r++)
                    {
                        if (r >= rm) { maxima.Add("0f"); continue; }
                        string max = "s" + Int(r) + "0";
                        for (int j = 1; j < rn; j++) max = Max + "(" + max + ", s" + Int(r) + Int(j) + ")";
                        maxima.Add(max);
                    }
                    w.Line("var tileMax = new " + Float4 + "(" + string.Join(", ", maxima) + ");");
                    for (int offset = 1; offset < GpuPlan.KeyThreads; offset *= 2)
                        w.Line("tileMax = " + Float4 + ".Max(tileMax, global::ILGPU.Warp.ShuffleXor(tileMax, " + Int(offset) + "));");
                    w.Line();
                    w.Line("// Online softmax: new max, rescale the row's sum and output by alpha, p = exp2(t - max).");
                    for (int r = 0; r < rm; r++)
                    {
                        using (w.Block())
                        {
                            string m = "m" + Int(r), sum = "l" + Int(r);
                            w.Line("float mNew = " + Max + "(" + m + ", tileMax." + Component(r) + ");");
                            w.Line("float mBase = mNew == " + NegativeInfinity + " ? 0f : mNew; // nothing visible yet: every p is 0");
                            w.Line("float alpha = " + Exp2 + "(" + m + " - mBase);");
                            w.Line(m + " = mNew;");
                            var ps2 = new List<string>();
                            for (int j = 0; j < rn; j++) ps2.Add("s" + Int(r) + Int(j) + " = " + Exp2 + "(s" + Int(r) + Int(j) + " - mBase);");
                            w.Line(string.Join(" ", ps2));
                            var terms = new List<string>();
                            for (int j = 0; j < rn; j++) terms.Add("s" + Int(r) + Int(j));
                            w.Line(sum + " = " + sum + " * alpha + " + string.Join(" + ", terms) + ";");
                            EmitFour(w, 4 * plan.ColumnChunks, k => Out(r, k) + " *= alpha;");
                        }
                    }
                    w.Line();
                    w.Line("// p to shared memory for the rows' output sums; only this warp reads these rows.");
                    for (int j = 0; j < rn; j++)
                    {
                        if (rm == 4)
                        {
                            w.Line("pWrite[" + Int(j * 8 * ps / 4) + "] = new " + Float4 + "(s0" + Int(j) + ", s1" + Int(j) + ", s2" + Int(j) + ", s3" + Int(j) + ");");
                        }
                        else
                        {
                            var stores = new List<string>();
                            for (int r = 0; r < rm; r++) stores.Add("pWrite[" + Int(j * 8 * ps + r) + "] = s" + Int(r) + Int(j) + ";");
                            w.Line(string.Join(" ", stores));
                        }
                    }
                    w.Line("global::ILGPU.Warp.Barrier();");
                    w.Line();
                    w.Line("// o += p · v over the tile's keys: one p and " + Int(plan.ColumnChunks) + " value vector(s) per key feed " + Int(rm * 4 * plan.ColumnChunks) + " FMAs.");
                    using (w.Block("for (int j = 0; j < " + Int(bn) + "; j++)"))
                    {
                        if (rm == 4)
                        {
                            w.Line("var pj = pMine.SubView(j * " + Int(ps / 4) + ");");
                            w.Line(Float4 + " p = pj[0];");
                        }
                        else
                        {
                            w.Line("var pj = pMine.SubView(j * " + Int(ps) + ");");
                            var loads = new List<string>();
                            for (int r = 0; r < rm; r++) loads.Add("p" + Int(r) + " = pj[" + Int(r) + "]");
                            w.Line("float " + string.Join(", ", loads) + ";");
                        }
                        w.Line("var vj = vMine.SubView(j * " + Int(plan.ValueStride / 4) + ");");
                        var values = new List<string>();
                        for (int u = 0; u < plan.ColumnChunks; u++) values.Add("v" + Int(u) + " = vj[" + Int(8 * u) + "]");
                        w.Line(Float4 + " " + string.Join(", ", values) + ";");
                        for (int r = 0; r < rm; r++)
                        {
                            string p = rm == 4 ? "p." + Component(r) : "p" + Int(r);
                            for (int u = 0; u < plan.ColumnChunks; u++)
                            {
                                var fmas = new List<string>();
                                for (int e = 0; e < 4; e++) fmas.Add(Out(r, 4 * u + e) + " += " + p + " * v" + Int(u) + "." + Component(e) + ";");
                                w.Line(string.Join(" ", fmas));
                            }
                        }
                    }
                }
                w.Line();
                w.Line("// context = o / Σ l: the partial sums of the row's eight threads reduced once, at the end.");
                var sums = new List<string>();
                for (int r = 0; r < 4; r++) sums.Add(r < rm ? "l" + Int(r) : "0f");
                w.Line("var sums = new " + Float4 + "(" + string.Join(", ", sums) + ");");
                for (int offset = 1; offset < GpuPlan.KeyThreads; offset *= 2)
                    w.Line("sums = " + Float4 + ".Add(sums, global::ILGPU.Warp.ShuffleXor(sums, " + Int(offset) + "));");
                for (int r = 0; r < rm; r++)
                    w.Line("float inverse" + Int(r) + " = sums." + Component(r) + " == 0f ? 0f : 1f / sums." + Component(r) + "; // no visible key: zeros");
                IDisposable? columns = d < 32 ? w.Block("if (4 * tx < " + Int(d) + ")") : null;
                for (int r = 0; r < rm; r++)
                {
                    using (w.Block())
                    {
                        w.Line("int i = " + RowOf(r) + ";");
                        IDisposable? guard = rowMayPad ? w.Block("if (i < " + Int(nq) + ")") : null;
                        w.Line("var output = context.SubView((b * " + Int(nq) + " + i) * " + Int(l.QueryWidth) + " + h * " + Int(d) + " + 4 * tx);");
                        for (int u = 0; u < plan.ColumnChunks; u++)
                        {
                            var stores = new List<string>();
                            for (int e = 0; e < 4; e++)
                            {
                                int column = 32 * u + e;
                                string store = "output[" + Int(column) + "] = " + Out(r, 4 * u + e) + " * inverse" + Int(r) + ";";
                                // Column 4·tx + column: past the head for some tx only when the last chunk is partial.
                                stores.Add(column + 28 >= d ? "if (4 * tx + " + Int(column) + " < " + Int(d) + ") " + store : store);
                            }
                            foreach (string store in stores) w.Line(store);
                        }
                        guard?.Dispose();
                    }
                }
                columns?.Dispose();
                if (l.ReturnWeights) EmitFlashWeights(w, l, plan, src, rowMayPad, keyMayPad);
            }
        }

        /// <summary>The weights, once the rows' max and sum are final: a second sweep over the key tiles, exp2(t - m) / l.</summary>
        private static void EmitFlashWeights(CodeWriter w, LayerModel l, GpuPlan plan, Sources src, bool rowMayPad, bool keyMayPad)
        {
            int rm = plan.RowsPerThread, rn = plan.KeysPerThread;
            w.Line();
            w.Line("// Weights [batch, " + Int(l.Heads) + ", " + Int(l.QueryTokens) + ", " + Int(l.KeyTokens) + "]: the scores again, now with the final max and sum.");
            for (int r = 0; r < rm; r++)
                w.Line("float mBase" + Int(r) + " = m" + Int(r) + " == " + NegativeInfinity + " ? 0f : m" + Int(r) + ";");
            using (w.Block("for (int k0 = 0; k0 < " + Int(l.KeyTokens) + "; k0 += " + Int(plan.KeyTile) + ")"))
            {
                EmitStageTile(w, l, plan, src, values: false);
                EmitTileScores(w, l, plan, rowMayPad, keyMayPad);
                if (!HasTerms(l, keyMayPad) || !NeedsKeys(l, keyMayPad)) EmitKeys(w, rn);
                if (!HasTerms(l, keyMayPad) || !NeedsRows(l)) EmitRows(w, rm);
                for (int r = 0; r < rm; r++)
                {
                    for (int j = 0; j < rn; j++)
                    {
                        string i = "i" + Int(r), key = "key" + Int(j);
                        string inside = Conjunction(rowMayPad ? i + " < " + Int(l.QueryTokens) : "", keyMayPad ? key + " < " + Int(l.KeyTokens) : "");
                        string store = "weights[((b * " + Int(l.Heads) + " + h) * " + Int(l.QueryTokens) + " + " + i + ") * " + Int(l.KeyTokens) + " + " + key + "] = " +
                            Exp2 + "(s" + Int(r) + Int(j) + " - mBase" + Int(r) + ") * inverse" + Int(r) + ";";
                        w.Line(inside.Length > 0 ? "if (" + inside + ") " + store : store);
                    }
                }
            }
        }

        /// <summary>Stages the key tile at <c>k0</c> (and the value tile) in shared memory between two group barriers; keys past the end and padding columns are zeros.</summary>
        private static void EmitStageTile(CodeWriter w, LayerModel l, GpuPlan plan, Sources src, bool values)
        {
            w.Line("global::ILGPU.Group.Barrier(); // every warp is done with the previous tile");
            var staged = new List<Staged> { new Staged("k", src.K, src.KeyStart, src.KStride, "kFloats", plan.RowStride, "") };
            if (values) staged.Add(new Staged("v", src.V, src.ValueStart, src.VStride, "vFloats", plan.ValueStride, ""));
            EmitStageRows(w, plan, plan.KeyTile, "k0", l.KeyTokens, l.KeyTokens % plan.KeyTile != 0, l.HeadDim, staged);
            w.Line("global::ILGPU.Group.Barrier();");
        }

        /// <summary>One input staged into shared memory: its name, view, start of a token's head, target and factor.</summary>
        private sealed class Staged
        {
            public Staged(string name, string view, Func<string, string> start, int sourceStride, string target, int targetStride, string factor)
            {
                Name = name;
                View = view;
                Start = start;
                SourceStride = sourceStride;
                Target = target;
                TargetStride = targetStride;
                Factor = factor;
            }

            public string Name { get; }
            public string View { get; }
            public Func<string, string> Start { get; }
            public int SourceStride { get; }
            public string Target { get; }
            public int TargetStride { get; }
            public string Factor { get; }
        }

        /// <summary>
        /// Copies <paramref name="rows"/> tokens from <paramref name="first"/> on (zeros past <paramref name="limit"/>) into
        /// shared memory. When the padded head width divides 128, each thread owns one column of every (128 / width)-th row:
        /// all its loads are issued before its first store, so their latencies overlap (a store to shared memory may alias
        /// a later generic load, which would otherwise wait for it). Other widths walk the elements in a loop.
        /// </summary>
        private static void EmitStageRows(CodeWriter w, GpuPlan plan, int rows, string first, int limit, bool mayPad, int d, IList<Staged> staged)
        {
            int dp = plan.PaddedHeadDim;
            string columnInside = dp != d ? "c < " + Int(d) : "";
            if (GpuPlan.Threads % dp != 0)
            {
                using (w.Block("for (int e = thread; e < " + Int(rows * dp) + "; e += 128)"))
                {
                    w.Line("int j = e / " + Int(dp) + ", c = e % " + Int(dp) + ", token = " + first + " + j;");
                    string inside = Conjunction(mayPad ? "token < " + Int(limit) : "", columnInside);
                    foreach (Staged x in staged)
                    {
                        string load = x.View + "[" + x.Start("token") + " + c]" + x.Factor;
                        w.Line(x.Target + "[j * " + Int(x.TargetStride) + " + c] = " + (inside.Length > 0 ? inside + " ? " + load + " : 0f;" : load + ";"));
                    }
                }
                return;
            }
            int step = GpuPlan.Threads / dp, passes = rows / step;
            using (w.Block())
            {
                w.Line("int j = thread / " + Int(dp) + ", c = thread % " + Int(dp) + ", token = " + first + " + j; // column c of rows j + " + Int(step) + "·n");
                var starts = new List<string>();
                foreach (Staged x in staged) starts.Add(x.Name + "At = " + x.Start("token") + " + c");
                w.Line("int " + string.Join(", ", starts) + ";");
                foreach (Staged x in staged)
                {
                    for (int n = 0; n < passes; n += 4)
                    {
                        var loads = new List<string>();
                        for (int e = n; e < passes && e < n + 4; e++)
                        {
                            string load = x.View + "[" + Plus(x.Name + "At", e * step * x.SourceStride) + "]" + x.Factor;
                            string inside = Conjunction(mayPad ? Plus("token", e * step) + " < " + Int(limit) : "", columnInside);
                            loads.Add(x.Name + "In" + Int(e) + " = " + (inside.Length > 0 ? inside + " ? " + load + " : 0f" : load));
                        }
                        w.Line("float " + string.Join(", ", loads) + ";");
                    }
                }
                foreach (Staged x in staged)
                {
                    w.Line("var " + x.Name + "To = " + x.Target + ".SubView(j * " + Int(x.TargetStride) + " + c);");
                    EmitFour(w, passes, n => x.Name + "To[" + Int(n * step * x.TargetStride) + "] = " + x.Name + "In" + Int(n) + ";");
                }
            }
        }

        /// <summary>
        /// <c>s{r}{j}</c>: row ty + 16·r against key tx + 8·j, four columns a step (one vector load per row and per key, then
        /// 4 FMAs per pair), then the score terms.
        /// </summary>
        private static void EmitTileScores(CodeWriter w, LayerModel l, GpuPlan plan, bool rowMayPad, bool keyMayPad)
        {
            int rm = plan.RowsPerThread, rn = plan.KeysPerThread, rs4 = plan.RowStride / 4;
            w.Line();
            w.Line("// Scores in base 2: s{r}{j} = q[row ty + 16·r] · k[key tx + 8·j].");
            var zeros = new List<string>();
            for (int r = 0; r < rm; r++)
                for (int j = 0; j < rn; j++) zeros.Add("s" + Int(r) + Int(j) + " = 0f");
            w.Line("float " + string.Join(", ", zeros) + ";");
            using (w.Block("for (int c = 0; c < " + Int(plan.PaddedHeadDim / 4) + "; c++)"))
            {
                w.Line("var qc = qMine.SubView(c);");
                w.Line("var kc = kMine.SubView(c);");
                var keys = new List<string>();
                for (int j = 0; j < rn; j++) keys.Add("kv" + Int(j) + " = kc[" + Int(8 * j * rs4) + "]");
                w.Line(Float4 + " " + string.Join(", ", keys) + ";");
                for (int r = 0; r < rm; r++)
                {
                    w.Line((r == 0 ? Float4 + " qv = " : "qv = ") + "qc[" + Int(16 * r * rs4) + "];");
                    for (int j = 0; j < rn; j++)
                    {
                        string s = "s" + Int(r) + Int(j), k = "kv" + Int(j);
                        w.Line(s + " = " + s + " + qv.X * " + k + ".X + qv.Y * " + k + ".Y + qv.Z * " + k + ".Z + qv.W * " + k + ".W;");
                    }
                }
            }
            if (!HasTerms(l, keyMayPad)) return;
            if (NeedsRows(l)) EmitRows(w, rm);
            if (NeedsKeys(l, keyMayPad)) EmitKeys(w, rn);
            for (int r = 0; r < rm; r++)
            {
                for (int j = 0; j < rn; j++)
                {
                    string i = "i" + Int(r), key = "key" + Int(j);
                    string valid = l.MaskKind == AttentionMask.ValidLengthsPerQuery ? "valid" + Int(r) : "valid";
                    EmitScoreTerms(w, l, "s" + Int(r) + Int(j), i, key, "(" + i + " - " + key + " + " + Int(l.QueryTokens - 1) + ")", rowMayPad, keyMayPad, valid);
                }
            }
        }

        private static bool NeedsRows(LayerModel l) =>
            l.RelativePositionBias || l.MaskKind == AttentionMask.KeepMask || (l.Mask & AttentionMask.Causal) != 0 || l.Decoder.Alibi || HasWindow(l);

        private static bool NeedsKeys(LayerModel l, bool keyMayPad) => HasTerms(l, keyMayPad);

        private static void EmitRows(CodeWriter w, int rm)
        {
            var rows = new List<string>();
            for (int r = 0; r < rm; r++) rows.Add("i" + Int(r) + " = " + RowOf(r));
            w.Line("int " + string.Join(", ", rows) + ";");
        }

        private static void EmitKeys(CodeWriter w, int rn)
        {
            var keys = new List<string>();
            for (int j = 0; j < rn; j++) keys.Add("key" + Int(j) + " = " + (j == 0 ? "k0 + tx" : "k0 + tx + " + Int(8 * j)));
            w.Line("int " + string.Join(", ", keys) + ";");
        }

        /// <summary>Output column <c>4·tx + 32·(k / 4) + k % 4</c> of the thread's row <paramref name="r"/>.</summary>
        private static string Out(int r, int k) => "o" + Int(r) + "_" + Int(k);

        /// <summary>Query row <paramref name="r"/> of the current thread.</summary>
        private static string RowOf(int r) => r == 0 ? "firstRow + ty" : "firstRow + ty + " + Int(16 * r);

        private static string Conjunction(string a, string b) => a.Length == 0 ? b : b.Length == 0 ? a : a + " && " + b;
    }
}
