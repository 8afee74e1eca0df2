using System.Text;
using StaticAttention.Generator.Model;
using static StaticAttention.Generator.Emitting.Literals;
using static StaticAttention.Generator.Emitting.RuntimeTypes;

namespace StaticAttention.Generator.Emitting
{
    internal static partial class GpuEmitter
    {
        // The four-float struct of the GEMMs' 16-byte accesses.

        /// <summary>
        /// A register-blocked SGEMM for one projection shape and tiling,
        /// <c>output[rows, N] = input[rows, K] · weight[K, N] (+ bias[N])</c>: a group of 256 threads (16×16) per output tile,
        /// each thread <c>PerThread</c>² outputs in named locals (rows <c>4·ty + 64·i + 0..3</c>, columns <c>4·tx + 64·j + 0..3</c>).
        /// K goes through two shared buffers, one barrier per k-step: the next tile's global loads are issued before the
        /// math on the current one and stored into the other buffer after it. The input tile is stored transposed, so
        /// both operands are read as four-float vectors; an <see cref="GpuPlan.GemmTiling.Unrolled"/> tiling writes each k
        /// of a step out, so those reads carry constant offsets and the step no loop overhead. Only the row count is dynamic; edge checks on K and N are
        /// emitted only when they do not divide, and 16-byte global accesses only where rows of K (input) or N (weight,
        /// output) are whole vectors. A narrow kernel sums one share of K per grid Z and adds into the output when there
        /// are several (bias from the first).
        /// </summary>
        private static void EmitGemm(CodeWriter w, Linear linear, GpuPlan.GemmTiling t)
        {
            int k = linear.K, n = linear.N;
            int tile = t.Tile, step = t.Step, per = t.PerThread, vectors = per / 4;
            bool vectorInput = k % 4 == 0, vectorOutput = n % 4 == 0;
            bool bias = linear.Bias is not null;
            int aStride = t.TransposedStride / 4, bStride = tile / 4;   // float4s per k-row of the shared tiles
            int aBuffer = step * aStride, bBuffer = step * bStride;     // float4s per shared buffer
            int pieces = t.Pieces;

            w.Line("/// <summary>");
            w.Line("/// output[rows, " + Int(n) + "] = input[rows, " + Int(k) + "] · weight[" + Int(k) + ", " + Int(n) + "]" + (bias ? " + bias[" + Int(n) + "]" : "") +
                   ": one group of 256 threads per " + Int(tile) + "×" + Int(tile) + " output tile,");
            w.Line("/// " + Int(per) + "×" + Int(per) + " outputs per thread, K in steps of " + Int(step) + " through two shared buffers" +
                   (t.Split ? "; grid Z splits K into shares of <paramref name=\"depth\"/>, added into a zeroed output when there are several." : "."));
            w.Line("/// </summary>");
            string parameters = View + " input, " + View + " weight, " + (bias ? View + " bias, " : "") + View + " output, int rows" + (t.Split ? ", int depth" : "");
            using (w.Block("private static void " + linear.Kernel + t.Suffix + "(" + parameters + ")"))
            {
                w.Line("int thread = global::ILGPU.Group.IdxX;");
                w.Line("int tx = thread % 16, ty = thread / 16; // outputs: rows 4·ty + 64·i + 0..3, columns 4·tx + 64·j + 0..3");
                w.Line("int row0 = global::ILGPU.Grid.IdxY * " + Int(tile) + ", col0 = global::ILGPU.Grid.IdxX * " + Int(tile) + ";");
                if (t.Split)
                    w.Line("int kBegin = global::ILGPU.Grid.IdxZ * depth, kEnd = global::System.Math.Min(" + Int(k) + ", kBegin + depth);");
                else
                    w.Line("const int kBegin = 0, kEnd = " + Int(k) + ";");
                w.Line("// Two buffers each: the input tile transposed, [k][row] (rows padded by 4), and the weight tile [k][column].");
                w.Line("var aTiles = global::ILGPU.SharedMemory.Allocate<" + Float4 + ">(" + Int(2 * aBuffer) + ");");
                w.Line("var bTiles = global::ILGPU.SharedMemory.Allocate<" + Float4 + ">(" + Int(2 * bBuffer) + ");");
                w.Line("var aFloats = aTiles.Cast<float>();");
                w.Line(pieces == 1
                    ? "// This thread's share of a tile's loads: four floats of input row ar at k aq, four of weight row br at column bq."
                    : "// This thread's share of a tile's loads: four floats of input rows ar + " + Int(t.InputRowsPerPiece) + "·p at k aq, four of weight rows br + " +
                      Int(t.WeightRowsPerPiece) + "·p at column bq, p < " + Int(pieces) + ".");
                w.Line("int ar = thread / " + Int(step / 4) + ", aq = thread % " + Int(step / 4) + " * 4;");
                w.Line("int br = thread / " + Int(tile / 4) + ", bq = thread % " + Int(tile / 4) + " * 4;");
                for (int p = 0; p < pieces; p++)
                    w.Line("bool " + Piece("rowInside", p, pieces) + " = " + Plus("row0 + ar", t.InputRowsPerPiece * p) + " < rows;");
                if (vectorInput) w.Line("var input4 = input.Cast<" + Float4 + ">();");
                if (vectorOutput) w.Line("var weight4 = weight.Cast<" + Float4 + ">();");
                w.Line("int aWriteAt = aq * " + Int(aStride * 4) + " + ar, bWriteAt = br * " + Int(bStride) + " + bq / 4; // in buffer 0");
                for (int r = 0; r < per; r++)
                {
                    var line = new StringBuilder("float ");
                    for (int c = 0; c < per; c++) line.Append(c == 0 ? "" : ", ").Append('c').Append(Int(r)).Append(Int(c)).Append(" = 0f");
                    w.Line(line.Append(';').ToString());
                }

                w.Line();
                var next = new StringBuilder(Float4 + " ");
                for (int p = 0; p < pieces; p++) next.Append(p == 0 ? "" : ", ").Append(Piece("nextA", p, pieces));
                for (int p = 0; p < pieces; p++) next.Append(", ").Append(Piece("nextB", p, pieces));
                w.Line(next.Append(';').ToString());
                using (w.Block())
                {
                    w.Line("// The first tile.");
                    EmitGemmTileLoads(w, linear, t, "kBegin");
                    w.Line("var aWrite = aFloats.SubView(aWriteAt);");
                    w.Line("var bWrite = bTiles.SubView(bWriteAt);");
                    EmitGemmTileStores(w, t, "aWrite", "bWrite");
                }

                w.Line("global::ILGPU.Group.Barrier();");
                w.Line("int buffer = 0; // the one the math reads; the next tile goes into the other");
                using (w.Block("for (int k0 = kBegin; k0 < kEnd; k0 += " + Int(step) + ")"))
                {
                    w.Line("bool more = k0 + " + Int(step) + " < kEnd;");
                    using (w.Block("if (more)"))
                    {
                        w.Line("// The next tile's global loads are in flight during the math.");
                        EmitGemmTileLoads(w, linear, t, "k0 + " + Int(step));
                    }

                    w.Line("// Views taken per k-step, not carried across iterations: they stay in the shared address space.");
                    w.Line("var aRead = aTiles.SubView(buffer * " + Int(aBuffer) + " + ty);");
                    w.Line("var bRead = bTiles.SubView(buffer * " + Int(bBuffer) + " + tx);");
                    if (t.Unrolled)
                    {
                        for (int kk = 0; kk < step; kk++)
                        {
                            using (w.Block()) EmitGemmProducts(w, per, "aRead", "bRead", kk * aStride, kk * bStride);
                        }
                    }
                    else
                    {
                        using (w.Block("for (int kk = 0; kk < " + Int(step) + "; kk++)"))
                        {
                            w.Line("var aRow = aRead.SubView(kk * " + Int(aStride) + ");");
                            w.Line("var bRow = bRead.SubView(kk * " + Int(bStride) + ");");
                            EmitGemmProducts(w, per, "aRow", "bRow", 0, 0);
                        }
                    }

                    using (w.Block("if (more)"))
                    {
                        w.Line("var aWrite = aFloats.SubView((1 - buffer) * " + Int(aBuffer * 4) + " + aWriteAt);");
                        w.Line("var bWrite = bTiles.SubView((1 - buffer) * " + Int(bBuffer) + " + bWriteAt);");
                        EmitGemmTileStores(w, t, "aWrite", "bWrite");
                    }

                    w.Line("global::ILGPU.Group.Barrier();");
                    w.Line("buffer ^= 1;");
                }

                w.Line();
                EmitGemmEpilogue(w, linear, t);
            }
        }

        /// <summary>One k's products: this thread's four-float pieces of the input column and weight row at constant offsets, then the <c>PerThread</c>² multiply-adds.</summary>
        private static void EmitGemmProducts(CodeWriter w, int per, string aRow, string bRow, int aAt, int bAt)
        {
            int vectors = per / 4;
            var loads = new StringBuilder(Float4 + " ");
            for (int v = 0; v < vectors; v++) loads.Append(v == 0 ? "" : ", ").Append("a" + Int(v) + " = " + aRow + "[" + Int(aAt + 16 * v) + "]");
            for (int v = 0; v < vectors; v++) loads.Append(", b" + Int(v) + " = " + bRow + "[" + Int(bAt + 16 * v) + "]");
            w.Line(loads.Append(';').ToString());
            for (int r = 0; r < per; r++)
            {
                var line = new StringBuilder();
                string a = "a" + Int(r / 4) + "." + Component(r % 4);
                for (int c = 0; c < per; c++)
                    line.Append(c == 0 ? "" : " ").Append("c" + Int(r) + Int(c) + " += " + a + " * b" + Int(c / 4) + "." + Component(c % 4) + ";");
                w.Line(line.ToString());
            }
        }

        /// <summary>Loads this thread's four-float pieces of the input and weight tiles at <paramref name="k0"/> into <c>nextA*</c>, <c>nextB*</c>.</summary>
        private static void EmitGemmTileLoads(CodeWriter w, Linear linear, GpuPlan.GemmTiling t, string k0)
        {
            int k = linear.K, n = linear.N, pieces = t.Pieces;
            bool kEdge = k % t.Step != 0, nEdge = n % t.Tile != 0;
            w.Line("int aK = " + k0 + " + aq, bK = " + k0 + " + br;");
            for (int p = 0; p < pieces; p++)
            {
                string nextA = Piece("nextA", p, pieces), rowInside = Piece("rowInside", p, pieces), row = Plus("row0 + ar", t.InputRowsPerPiece * p);
                if (k % 4 == 0)
                {
                    string inside = rowInside + (kEdge ? " && aK < " + Int(k) : "");
                    w.Line(nextA + " = " + inside + " ? input4[((" + row + ") * " + Int(k) + " + aK) / 4] : default;");
                }
                else
                {
                    string aAt = Piece("aAt", p, pieces);
                    w.Line("int " + aAt + " = (" + row + ") * " + Int(k) + " + aK;");
                    w.Line(nextA + " = new " + Float4 + "(" + ScalarLoad("input", aAt, rowInside, "aK", 0, k) + ", " + ScalarLoad("input", aAt, rowInside, "aK", 1, k) + ",");
                    w.Line("    " + ScalarLoad("input", aAt, rowInside, "aK", 2, k) + ", " + ScalarLoad("input", aAt, rowInside, "aK", 3, k) + ");");
                }
            }

            for (int p = 0; p < pieces; p++)
            {
                string nextB = Piece("nextB", p, pieces), bK = Plus("bK", t.WeightRowsPerPiece * p);
                string bRow = kEdge ? bK + " < " + Int(k) : "";
                if (n % 4 == 0)
                {
                    string inside = bRow + (kEdge && nEdge ? " && " : "") + (nEdge ? "col0 + bq < " + Int(n) : "");
                    string read = "weight4[(" + (p == 0 ? bK : "(" + bK + ")") + " * " + Int(n) + " + col0 + bq) / 4]";
                    w.Line(nextB + " = " + (inside.Length > 0 ? inside + " ? " + read + " : default;" : read + ";"));
                }
                else
                {
                    string bAt = Piece("bAt", p, pieces);
                    w.Line("int " + bAt + " = " + (p == 0 ? bK : "(" + bK + ")") + " * " + Int(n) + " + col0 + bq;");
                    string row = kEdge ? bK + " < " + Int(k) : "true";
                    w.Line(nextB + " = new " + Float4 + "(" + ScalarLoad("weight", bAt, row, "col0 + bq", 0, n) + ", " + ScalarLoad("weight", bAt, row, "col0 + bq", 1, n) + ",");
                    w.Line("    " + ScalarLoad("weight", bAt, row, "col0 + bq", 2, n) + ", " + ScalarLoad("weight", bAt, row, "col0 + bq", 3, n) + ");");
                }
            }
        }

        /// <summary>The name of piece <paramref name="p"/> of a tile's loads: the bare name when a thread loads one piece.</summary>
        private static string Piece(string name, int p, int pieces) => pieces == 1 ? name : name + Int(p);

        /// <summary>One guarded scalar load of a four-float load whose rows are not whole vectors.</summary>
        private static string ScalarLoad(string view, string at, string rowInside, string index, int i, int limit) =>
            "(" + (rowInside == "true" ? "" : rowInside + " && ") + Plus(index, i) + " < " + Int(limit) + " ? " + view + "[" + Plus(at, i) + "] : 0f)";

        /// <summary>Stores the <c>nextA*</c> pieces transposed (four floats down a column) and the <c>nextB*</c> pieces as vectors into a buffer.</summary>
        private static void EmitGemmTileStores(CodeWriter w, GpuPlan.GemmTiling t, string a, string b)
        {
            int stride = t.TransposedStride, pieces = t.Pieces;
            for (int p = 0; p < pieces; p++)
            {
                string nextA = Piece("nextA", p, pieces);
                int at = t.InputRowsPerPiece * p;
                w.Line(a + "[" + Int(at) + "] = " + nextA + ".X; " + a + "[" + Int(at + stride) + "] = " + nextA + ".Y; " +
                       a + "[" + Int(at + 2 * stride) + "] = " + nextA + ".Z; " + a + "[" + Int(at + 3 * stride) + "] = " + nextA + ".W;");
            }

            for (int p = 0; p < pieces; p++)
                w.Line(b + "[" + Int(t.WeightRowsPerPiece * p * t.Tile / 4) + "] = " + Piece("nextB", p, pieces) + ";");
        }

        /// <summary>Adds the bias and writes the thread's outputs, rows checked against <c>rows</c> (and columns against N when it does not divide).</summary>
        private static void EmitGemmEpilogue(CodeWriter w, Linear linear, GpuPlan.GemmTiling t)
        {
            int n = linear.N, per = t.PerThread, vectors = per / 4;
            bool nEdge = n % t.Tile != 0, vector = n % 4 == 0, bias = linear.Bias is not null;
            if (bias)
            {
                if (vector) w.Line("var bias4 = bias.Cast<" + Float4 + ">();");
                string first = t.Split ? "global::ILGPU.Grid.IdxZ == 0" : "";
                for (int v = 0; v < vectors; v++)
                {
                    string column = Plus("col0 + tx * 4", 64 * v);
                    string inside = first + (first.Length > 0 && nEdge ? " && " : "") + (nEdge ? column + " < " + Int(n) : "");
                    string read = vector
                        ? "bias4[(" + column + ") / 4]"
                        : "new " + Float4 + "(" + BiasLoad(column, 0, n) + ", " + BiasLoad(column, 1, n) + ", " + BiasLoad(column, 2, n) + ", " + BiasLoad(column, 3, n) + ")";
                    w.Line(Float4 + " bias" + Int(v) + " = " + (inside.Length > 0 ? inside + " ? " + read + " : default;" : read + ";"));
                }
            }

            if (vector) w.Line("var output4 = output.Cast<" + Float4 + ">();");
            if (t.Split) w.Line("bool alone = global::ILGPU.Grid.DimZ == 1; // else the splits add into a zeroed output");
            for (int r = 0; r < per; r++)
            {
                string row = Plus("row0 + ty * 4", 64 * (r / 4) + r % 4);
                using (w.Block("if (" + row + " < rows)"))
                {
                    w.Line("int o = (" + row + ") * " + Int(n) + " + col0 + tx * 4;");
                    for (int v = 0; v < vectors; v++)
                    {
                        string[] values = new string[4];
                        for (int c = 0; c < 4; c++)
                            values[c] = "c" + Int(r) + Int(4 * v + c) + (bias ? " + bias" + Int(v) + "." + Component(c) : "");
                        string at = Plus("o", 64 * v);
                        string column = Plus("col0 + tx * 4", 64 * v);
                        string guard = nEdge ? "if (" + column + " < " + Int(n) + ") " : "";
                        if (t.Split)
                        {
                            string store = vector
                                ? "output4[" + Quarter(at) + "] = new " + Float4 + "(" + string.Join(", ", values) + ");"
                                : ScalarStores(at, column, values, n, nEdge);
                            var adds = new StringBuilder();
                            for (int c = 0; c < 4; c++)
                            {
                                string add = "global::ILGPU.Atomic.Add(ref output[" + Plus(at, c) + "], " + values[c] + ");";
                                adds.Append(c == 0 ? "" : " ").Append(!vector && nEdge && c > 0 ? "if (" + Plus(column, c) + " < " + Int(n) + ") " + add : add);
                            }

                            string body = "if (alone) " + store + " else { " + adds + " }";
                            w.Line(guard.Length > 0 ? guard + "{ " + body + " }" : body);
                        }
                        else if (vector)
                        {
                            w.Line(guard + "output4[" + Quarter(at) + "] = new " + Float4 + "(" + string.Join(", ", values) + ");");
                        }
                        else
                        {
                            w.Line(guard + ScalarStores(at, column, values, n, nEdge));
                        }
                    }
                }
            }
        }

        private static string BiasLoad(string column, int i, int n) => "(" + Plus(column, i) + " < " + Int(n) + " ? bias[" + Plus(column, i) + "] : 0f)";

        /// <summary>Four scalar stores (the output's rows are not whole vectors), each past the first checked against N when it does not divide.</summary>
        private static string ScalarStores(string at, string column, string[] values, int n, bool nEdge)
        {
            var stores = new StringBuilder("{ ");
            for (int c = 0; c < 4; c++)
            {
                string store = "output[" + Plus(at, c) + "] = " + values[c] + ";";
                stores.Append(nEdge && c > 0 ? "if (" + Plus(column, c) + " < " + Int(n) + ") " + store : store).Append(' ');
            }

            return stores.Append('}').ToString();
        }

        /// <summary>A float index as a four-float index.</summary>
        private static string Quarter(string index) => (index.IndexOf(' ') >= 0 ? "(" + index + ")" : index) + " / 4";

        private static string Component(int i) => i switch { 0 => "X", 1 => "Y", 2 => "Z", _ => "W" };
    }
}
