using System.Collections.Generic;
using StaticAttention.Generator.Model;
using static StaticAttention.Generator.Emitting.Literals;
using static StaticAttention.Generator.Emitting.RuntimeTypes;

namespace StaticAttention.Generator.Emitting
{
    /// <summary>
    /// Writes a layer's attention core as an <c>IShortAttentionKernel</c> for its exact shape (<see cref="LayerModel.ShortKernel"/>):
    /// key-major like the runtime's short kernel (score vector s_j holds key j's score for every query row of a block of
    /// 8 or 16 rows, one lane per row), with the keys unrolled into named locals, the softmax unrolled over them, literal
    /// loop bounds and offsets, causal masking decided per block at generation time, and the context accumulated four rows
    /// at a time over the values. The file needs <c>using System.Runtime.CompilerServices</c> and <c>System.Runtime.Intrinsics</c>.
    /// </summary>
    internal static class ShortKernelEmitter
    {
        public const string TypeName = "AttentionKernel";

        private const string Optimized = "[MethodImpl(MethodImplOptions.AggressiveOptimization)]";

        /// <summary>log2(e) as the runtime's kernels use it.</summary>
        private const float Log2E = 1.44269504088896341f;

        /// <summary>The facts the emitted code is written from.</summary>
        private sealed class Shape
        {
            public Shape(LayerModel l)
            {
                Layer = l;
                D = l.HeadDim;
                Nq = l.QueryTokens;
                Nk = l.KeyTokens;
                ContextStride = l.QueryWidth;
                if (l.Projections == Projections.Fused && l.SelfAttention)
                {
                    QueryStride = KvStride = l.FusedWidth;
                    Source = "q, k and v are column blocks of qkv [batch·" + Int(Nq) + ", " + Int(l.FusedWidth) + "]";
                }
                else if (l.Projections == Projections.None)
                {
                    QueryStride = KvStride = l.ModelDim;
                    Source = "q, k and v are x [batch·" + Int(Nq) + ", " + Int(l.ModelDim) + "] itself";
                }
                else
                {
                    QueryStride = l.QueryWidth;
                    KvStride = l.KvWidth;
                    Source = "q [batch·" + Int(Nq) + ", " + Int(l.QueryWidth) + "], k and v [batch·" + Int(Nk) + ", " + Int(l.KvWidth) + "]";
                }

                Bias = l.RelativePositionBias;
                BiasRows = (Nq + 15) / 16 * 16;
                Causal = (l.Mask & AttentionMask.Causal) != 0;
                ScaleLog2E = l.Scale * Log2E;
                Rows512 = Nq > 8 ? 16 : 8;
            }

            public LayerModel Layer { get; }

            public int D { get; }

            public int Nq { get; }

            public int Nk { get; }

            public int QueryStride { get; }

            public int KvStride { get; }

            public int ContextStride { get; }

            public string Source { get; }

            public bool Bias { get; }

            public int BiasRows { get; }

            public bool Causal { get; }

            public float ScaleLog2E { get; }

            /// <summary>Query rows per block of <c>Run512</c>: a Vector512 of 16, or a Vector256 of 8 when there are at most 8.</summary>
            public int Rows512 { get; }
        }

        /// <summary>The nested kernel struct.</summary>
        public static void Emit(CodeWriter w, LayerModel l)
        {
            var s = new Shape(l);
            string scaleText = l.ScaleIsDefault ? "1/sqrt(" + Int(s.D) + ") = " + Float(l.Scale) : Float(l.Scale);
            w.Line("/// <summary>");
            w.Line("/// This layer's attention core written out for its shape, run by <c>AttentionCore.ForwardShort</c> once per (batch item, head):");
            w.Line("/// " + Int(s.Nq) + " query rows × " + Int(s.Nk) + " keys, HeadDim " + Int(s.D) + ", scale " + scaleText +
                   (s.Bias ? ", relative position bias" : "") + (s.Causal ? ", causal" : "") + ".");
            w.Line("/// Key-major: in a block of query rows, score vector s_j holds key j's score for every row (one lane per row), so the");
            w.Line("/// softmax over keys is lane-wise; the weights then multiply the value rows, four context rows at a time.");
            w.Line("/// </summary>");
            using (w.Block("internal readonly struct " + TypeName + " : " + IShortAttentionKernel))
            {
                w.Line("public static int Heads => " + Int(l.Heads) + ";");
                w.Line("public static int KvHeads => " + Int(l.KvHeads) + ";");
                w.Line("public static int HeadDim => " + Int(s.D) + ";");
                w.Line("public static int QueryTokens => " + Int(s.Nq) + ";");
                w.Line("public static int KeyTokens => " + Int(s.Nk) + ";");
                w.Line();
                w.Line("// " + s.Source + "; context rows are Heads·HeadDim = " + Int(s.ContextStride) + " apart.");
                w.Line("public static int QueryStride => " + Int(s.QueryStride) + ";");
                w.Line("public static int KeyValueStride => " + Int(s.KvStride) + ";");
                w.Line("public static bool RelativePositionBias => " + Bool(s.Bias) + ";");
                w.Line();
                w.Line("// scale·log2(e) = " + Float(l.Scale) + " · 1.442695: scores in log2 units, so the softmax exponentiates with exp2.");
                w.Line("private const float ScaleLog2E = " + Float(s.ScaleLog2E) + ";");

                EmitRun(w, s, 8, "256");
                EmitRun(w, s, s.Rows512, "512");

                var scoreBlocks = new HashSet<int>();
                foreach (int rows in new[] { 8, s.Rows512 })
                {
                    if (!scoreBlocks.Add(rows)) continue;
                    for (int i0 = 0; i0 < s.Nq; i0 += rows) EmitScores(w, s, rows, i0);
                }

                foreach (int g in ContextGroups(s.Nq, 8)) EmitContext(w, s, 8, 8, g);
                foreach (int g in ContextGroups(s.Nq, s.Rows512)) EmitContext(w, s, 16, s.Rows512, g);
                EmitClearRows(w, s);
            }
        }

        /// <summary>The distinct row counts (1..4) of the context groups of every block.</summary>
        private static IEnumerable<int> ContextGroups(int nq, int rows)
        {
            var seen = new SortedSet<int>();
            for (int i0 = 0; i0 < nq; i0 += rows)
            {
                int valid = System.Math.Min(rows, nq - i0);
                for (int r0 = 0; r0 < valid; r0 += 4) seen.Add(System.Math.Min(4, valid - r0));
            }

            var descending = new List<int>(seen);
            descending.Reverse();
            return descending;
        }

        private static string Vec(int lanes) => lanes == 16 ? "Vector512" : lanes == 8 ? "Vector256" : "Vector128";

        private static string Of(string vector) => vector + "<float>";

        private static string ScoresName(int rows, int i0) => "Scores" + Int(rows) + "Rows" + Int(i0);

        private static string ContextName(int width, int rows) => "Context" + (width == 16 ? "512" : "256") + "x" + Int(rows);

        /// <summary><c>ref Unsafe.Add(ref name, offset)</c>, or <c>ref name</c> at offset 0.</summary>
        private static string RefAt(string name, int offset) => offset == 0 ? "ref " + name : "ref Unsafe.Add(ref " + name + ", " + Int(offset) + ")";

        /// <summary><c>index + offset</c> for an emitted nuint index, folding zeros.</summary>
        private static string Plus(string index, int offset) =>
            index.Length == 0 ? Int(offset) : offset == 0 ? index : index + " + " + Int(offset);

        private static void EmitRun(CodeWriter w, Shape s, int rows, string width)
        {
            int contextWidth = width == "512" ? 16 : 8;
            w.Line();
            w.Line("/// <summary>" + (width == "512"
                ? "Vector512: blocks of " + Int(rows) + " query rows (" + (rows == 16 ? "Vector512" : "Vector256") + " score vectors), the head dimension in Vector512s."
                : "Vector256: blocks of 8 query rows, the head dimension in Vector256s.") + "</summary>");
            w.Line(Optimized);
            using (w.Block("public static void Run" + width + "(ref float qT, ref float k, ref float v, ref float bias, ref float p, ref float context)"))
            {
                bool first = true;
                for (int i0 = 0; i0 < s.Nq; i0 += rows)
                {
                    int valid = System.Math.Min(rows, s.Nq - i0);
                    if (!first) w.Line();
                    w.Line("// Rows " + Int(i0) + ".." + Int(i0 + valid - 1) + (valid < rows ? " (lanes " + Int(valid) + ".." + Int(rows - 1) + " repeat the last row and are not stored)" : "") + ".");
                    w.Line((first ? "uint " : "") + "empty = " + ScoresName(rows, i0) + "(ref qT, ref k, " + (s.Bias ? "ref bias, " : "") + "ref p);");
                    for (int r0 = 0; r0 < valid; r0 += 4)
                    {
                        int g = System.Math.Min(4, valid - r0);
                        w.Line(ContextName(contextWidth, g) + "(" + RefAt("p", r0) + ", ref v, " + RefAt("context", (i0 + r0) * s.ContextStride) + ");");
                    }
                    w.Line("if (empty != 0) ClearRows(empty, " + RefAt("context", i0 * s.ContextStride) + ");");
                    first = false;
                }
            }
        }

        /// <summary>Scores, bias, causal mask and softmax of one block; writes p and returns the empty rows.</summary>
        private static void EmitScores(CodeWriter w, Shape s, int rows, int i0)
        {
            string V = Vec(rows), T = Of(V);
            int valid = System.Math.Min(rows, s.Nq - i0);
            int lastRow = i0 + valid - 1;

            // Causal: key j is seen by rows i ≥ j; keys beyond the block's last row by none of its rows.
            int computed = s.Causal ? System.Math.Min(s.Nk, lastRow + 1) : s.Nk;
            int group = rows; // keys per pass over d: 8 accumulators on AVX2's 16 registers, 16 on AVX-512's 32

            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Query rows " + Int(i0) + ".." + Int(lastRow) + " (lane r is row " + (i0 == 0 ? "r" : Int(i0) + " + r") + "): s_j = ScaleLog2E · Σ_d qᵀ[d] · k_j[d]" +
                   (s.Bias ? " + bias_j" : "") + (s.Causal ? ", causal" : "") + ", then the softmax over the keys.");
            w.Line("/// Writes the weights key-major, p[j·" + Int(rows) + " + r], and returns the rows whose scores are all -inf (as bits).");
            w.Line("/// </summary>");
            w.Line(Optimized);
            using (w.Block("private static uint " + ScoresName(rows, i0) + "(ref float qT, ref float k, " + (s.Bias ? "ref float bias, " : "") + "ref float p)"))
            {
                int qOffset = i0 / rows * s.D * rows;
                if (qOffset != 0) w.Line("ref float q = ref Unsafe.Add(ref qT, " + Int(qOffset) + "); // this block's qᵀ [" + Int(s.D) + "][" + Int(rows) + "]");
                string q = qOffset != 0 ? "q" : "qT";
                w.Line(T + " scale = " + V + ".Create(ScaleLog2E);");

                int unroll = s.D % 2 == 0 ? 2 : 1;
                for (int j0 = 0; j0 < computed; j0 += group)
                {
                    int j1 = System.Math.Min(computed, j0 + group);
                    bool split = unroll == 2 && j1 - j0 < 4;
                    w.Line();
                    w.Line("// " + Keys(j0, j1 - 1) + ": Σ over HeadDim " + Int(s.D) + ", k_j at j·" + Int(s.KvStride) +
                           (split ? ", even and odd d in two chains (few keys: latency)" : unroll == 2 ? ", two d per step" : "") + ".");
                    w.Line(T + " " + Join(j0, j1, j => "s" + Int(j) + " = default") + ";");
                    if (split) w.Line(T + " " + Join(j0, j1, j => "t" + Int(j) + " = default") + ";");
                    using (w.Block("for (nuint d = 0; d < " + Int(s.D) + "; d += " + Int(unroll) + ")"))
                    {
                        for (int u = 0; u < unroll; u++)
                        {
                            string dd = u == 0 ? "d" : "d + " + Int(u);
                            w.Line((u == 0 ? T + " " : "") + "x = " + V + ".LoadUnsafe(ref " + q + ", " + (u == 0 ? "d * " + Int(rows) : "(d + " + Int(u) + ") * " + Int(rows)) + ");");
                            for (int j = j0; j < j1; j++)
                            {
                                string acc = (split && u == 1 ? "t" : "s") + Int(j);
                                w.Line(acc + " = " + V + ".FusedMultiplyAdd(x, " + V + ".Create(Unsafe.Add(ref k, " + Plus(dd, j * s.KvStride) + ")), " + acc + ");");
                            }
                        }
                    }

                    if (split)
                    {
                        w.Line();
                        for (int j = j0; j < j1; j++) w.Line("s" + Int(j) + " += t" + Int(j) + ";");
                    }
                }

                w.Line();
                if (s.Bias)
                {
                    w.Line("// Log2 units plus the relative position bias (log2 units too): bias_j[r] = bias[j·" + Int(s.BiasRows) + " + " + (i0 == 0 ? "" : Int(i0) + " + ") + "r].");
                    for (int j = 0; j < computed; j++)
                        w.Line("s" + Int(j) + " = " + V + ".FusedMultiplyAdd(s" + Int(j) + ", scale, " + V + ".LoadUnsafe(ref bias, " + Int(j * s.BiasRows + i0) + "));");
                }
                else
                {
                    w.Line("// Log2 units.");
                    for (int j = 0; j < computed; j++) w.Line("s" + Int(j) + " *= scale;");
                }

                if (s.Causal)
                {
                    var partial = new List<int>();
                    for (int j = i0 + 1; j < computed; j++) partial.Add(j);
                    w.Line();
                    bool onePartial = partial.Count == 1, oneHidden = computed == s.Nk - 1;
                    w.Line("// Causal: row i sees keys j ≤ i." +
                           (partial.Count > 0 ? " " + Keys(i0 + 1, computed - 1) + (onePartial ? " is hidden from the rows before it." : " are hidden from the rows before them.") : "") +
                           (computed < s.Nk ? " " + Keys(computed, s.Nk - 1) + (oneHidden ? " is" : " are") + " hidden from every row of the block: weight 0." : ""));
                    if (partial.Count > 0)
                    {
                        var lanes = new List<string>();
                        for (int r = 0; r < rows; r++) lanes.Add(Int(i0 + r) + "f");
                        w.Line(T + " row = " + V + ".Create(" + string.Join(", ", lanes) + ");");
                        w.Line(T + " hidden = " + V + ".Create(float.NegativeInfinity);");
                        foreach (int j in partial)
                            w.Line("s" + Int(j) + " = " + V + ".ConditionalSelect(" + V + ".LessThan(row, " + V + ".Create(" + Int(j) + "f)), hidden, s" + Int(j) + ");");
                    }
                }

                w.Line();
                w.Line("// Softmax, lane by lane: m = max_j s_j (0 where every score is -inf: its weights are 0), p_j = 2^(s_j - m) / Σ_j 2^(s_j - m).");
                w.Line(T + " m = " + Tree(0, System.Math.Min(8, computed), V + ".MaxNative") + ";");
                if (computed > 8)
                {
                    for (int j0 = 8; j0 < computed; j0 += 8) w.Line("m = " + V + ".MaxNative(m, " + Tree(j0, System.Math.Min(computed, j0 + 8), V + ".MaxNative") + ");");
                }
                w.Line("m = " + V + ".ConditionalSelect(" + V + ".Equals(m, " + V + ".Create(float.NegativeInfinity)), " + T + ".Zero, m);");
                for (int j = 0; j < computed; j++) w.Line("s" + Int(j) + " = " + FastExp + ".Exp2NonPositive(s" + Int(j) + " - m);");
                w.Line(T + " l = " + Tree(0, System.Math.Min(8, computed), null) + ";");
                if (computed > 8)
                {
                    for (int j0 = 8; j0 < computed; j0 += 8) w.Line("l += " + Tree(j0, System.Math.Min(computed, j0 + 8), null) + ";");
                }
                w.Line(T + " empty = " + V + ".Equals(l, " + T + ".Zero);");
                w.Line(T + " inverse = " + V + ".ConditionalSelect(empty, " + T + ".Zero, " + T + ".One / l);");
                for (int j = 0; j < computed; j++) w.Line("(s" + Int(j) + " * inverse).StoreUnsafe(ref p, " + Int(j * rows) + ");");
                for (int j = computed; j < s.Nk; j++) w.Line(T + ".Zero.StoreUnsafe(ref p, " + Int(j * rows) + ");");
                string bits = rows == 16 ? "(uint)empty.ExtractMostSignificantBits()" : "empty.ExtractMostSignificantBits()";
                w.Line("return " + bits + (valid < 32 && valid < rows ? " & 0b" + new string('1', valid) : "") + ";");
            }
        }

        /// <summary><c>Key 3</c> or <c>Keys 3..7</c>.</summary>
        private static string Keys(int first, int last) => first == last ? "Key " + Int(first) : "Keys " + Int(first) + ".." + Int(last);

        /// <summary>A balanced tree over s_from..s_to-1: <c>op(op(s0, s1), op(s2, s3))</c>, or <c>(s0 + s1) + ...</c> when op is null.</summary>
        private static string Tree(int from, int to, string? op)
        {
            if (to - from == 1) return "s" + Int(from);
            int mid = from + (to - from + 1) / 2;
            string a = Tree(from, mid, op), b = Tree(mid, to, op);
            if (op is not null) return op + "(" + a + ", " + b + ")";
            return (mid - from > 1 ? "(" + a + ")" : a) + " + " + (to - mid > 1 ? "(" + b + ")" : b);
        }

        private static string Join(int from, int to, System.Func<int, string> item)
        {
            var items = new List<string>();
            for (int j = from; j < to; j++) items.Add(item(j));
            return string.Join(", ", items);
        }

        /// <summary>Context rows r0..r0+g-1 of a block: c_r = Σ_j p[j·rows + r] · v_j, the head dimension in vectors of <paramref name="width"/>.</summary>
        private static void EmitContext(CodeWriter w, Shape s, int width, int rows, int g)
        {
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// " + (g == 1 ? "One context row" : Int(g) + " context rows") + " of a block: c_r = Σ_j p[j·" + Int(rows) + " + r] · v_j over the " + Int(s.Nk) + " keys (every key, so a zero");
            w.Line("/// weight times a NaN value is NaN, as in the plain loop); v_j at j·" + Int(s.KvStride) + ", c_r at r·" + Int(s.ContextStride) + ".");
            w.Line("/// </summary>");
            w.Line(Optimized);
            using (w.Block("private static void " + ContextName(width, g) + "(ref float p, ref float v, ref float c)"))
            {
                // Two vectors per row and step, then one, then (Vector512) one Vector256, then single columns.
                var parts = new List<(int Lanes, int Vectors, int D0, int Steps)>();
                int d0 = 0;
                int pairs = s.D / (2 * width);
                if (pairs > 0)
                {
                    parts.Add((width, 2, 0, pairs));
                    d0 = pairs * 2 * width;
                }

                for (int lanes = width; lanes >= 8; lanes /= 2)
                {
                    if (s.D - d0 >= lanes)
                    {
                        parts.Add((lanes, 1, d0, 1));
                        d0 += lanes;
                    }
                }

                bool scoped = parts.Count + (d0 < s.D ? 1 : 0) > 1; // straight-line parts in their own braces, for their locals
                for (int i = 0; i < parts.Count; i++)
                {
                    if (i > 0) w.Line();
                    EmitContextStep(w, s, parts[i].Lanes, rows, g, parts[i].Vectors, parts[i].D0, parts[i].Steps, scoped);
                }

                if (d0 < s.D)
                {
                    if (parts.Count > 0) w.Line();
                    EmitContextColumns(w, s, rows, g, d0);
                }
            }
        }

        /// <summary>
        /// <paramref name="steps"/> steps of <paramref name="vectors"/> vectors of <paramref name="lanes"/> columns per row from
        /// column <paramref name="d0"/>: a loop over d when there are several, a block at literal offsets when there is one.
        /// </summary>
        private static void EmitContextStep(CodeWriter w, Shape s, int lanes, int rows, int g, int vectors, int d0, int steps, bool scoped)
        {
            string V = Vec(lanes), T = Of(V);
            int stride = vectors * lanes;
            bool loop = steps > 1;
            w.Line("// Columns " + Int(d0) + ".." + Int(d0 + steps * stride - 1) + ": " + (vectors == 2 ? "two " + V + "s" : "one " + V) + " per row" + (loop ? " and step" : "") + ".");
            string d = loop ? "d" : "";
            using (loop || scoped ? w.Block(loop ? "for (nuint d = " + Int(d0) + "; d < " + Int(d0 + steps * stride) + "; d += " + Int(stride) + ")" : null) : null)
            {
                var accumulators = new List<string>();
                for (int r = 0; r < g; r++)
                    for (int x = 0; x < vectors; x++) accumulators.Add("a" + Int(r) + Int(x) + " = default");
                w.Line(T + " " + string.Join(", ", accumulators) + ";");
                using (w.Block("for (nuint j = 0; j < " + Int(s.Nk) + "; j++)"))
                {
                    w.Line("ref float vj = ref Unsafe.Add(ref v, j * " + Int(s.KvStride) + (loop ? " + d" : d0 != 0 ? " + " + Int(d0) : "") + ");");
                    var loads = new List<string>();
                    for (int x = 0; x < vectors; x++) loads.Add("v" + Int(x) + " = " + V + ".LoadUnsafe(ref vj" + (x == 0 ? "" : ", " + Int(x * lanes)) + ")");
                    w.Line(T + " " + string.Join(", ", loads) + ";");
                    for (int r = 0; r < g; r++)
                    {
                        w.Line((r == 0 ? T + " " : "") + "w = " + V + ".Create(Unsafe.Add(ref p, j * " + Int(rows) + (r == 0 ? "" : " + " + Int(r)) + "));");
                        for (int x = 0; x < vectors; x++)
                            w.Line("a" + Int(r) + Int(x) + " = " + V + ".FusedMultiplyAdd(w, v" + Int(x) + ", a" + Int(r) + Int(x) + ");");
                    }
                }

                w.Line();
                for (int r = 0; r < g; r++)
                {
                    var stores = new List<string>();
                    for (int x = 0; x < vectors; x++)
                        stores.Add("a" + Int(r) + Int(x) + ".StoreUnsafe(ref c, " + Plus(d, (loop ? 0 : d0) + r * s.ContextStride + x * lanes) + ");");
                    w.Line(string.Join(" ", stores));
                }
            }
        }

        /// <summary>The last columns (fewer than a Vector256), one at a time.</summary>
        private static void EmitContextColumns(CodeWriter w, Shape s, int rows, int g, int d0)
        {
            w.Line("// Columns " + Int(d0) + ".." + Int(s.D - 1) + ": one at a time.");
            using (w.Block("for (nuint d = " + Int(d0) + "; d < " + Int(s.D) + "; d++)"))
            {
                w.Line("float " + Join(0, g, r => "a" + Int(r) + " = 0f") + ";");
                using (w.Block("for (nuint j = 0; j < " + Int(s.Nk) + "; j++)"))
                {
                    w.Line("float x = Unsafe.Add(ref v, j * " + Int(s.KvStride) + " + d);");
                    for (int r = 0; r < g; r++)
                        w.Line("a" + Int(r) + " = global::System.MathF.FusedMultiplyAdd(Unsafe.Add(ref p, j * " + Int(rows) + (r == 0 ? "" : " + " + Int(r)) + "), x, a" + Int(r) + ");");
                }


                for (int r = 0; r < g; r++) w.Line("Unsafe.Add(ref c, " + Plus("d", r * s.ContextStride) + ") = a" + Int(r) + ";");
            }
        }

        private static void EmitClearRows(CodeWriter w, Shape s)
        {
            w.Line();
            w.Line("/// <summary>Zeroes the context rows whose bit is set: every score of theirs was -inf, and the plain loop gives them zeros.</summary>");
            using (w.Block("private static void ClearRows(uint rows, ref float context)"))
            {
                using (w.Block("for (int r = 0; rows != 0; r++, rows >>= 1)"))
                {
                    w.Line("if ((rows & 1) != 0) global::System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref Unsafe.Add(ref context, r * " + Int(s.ContextStride) + "), " + Int(s.D) + ").Clear();");
                }
            }
        }
    }
}
