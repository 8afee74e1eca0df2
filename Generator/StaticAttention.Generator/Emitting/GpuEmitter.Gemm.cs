using StaticAttention.Generator.Model;
using static StaticAttention.Generator.Emitting.Literals;

namespace StaticAttention.Generator.Emitting
{
    internal static partial class GpuEmitter
    {
        /// <summary>
        /// A tiled SGEMM for one projection shape, <c>output[rows, N] = input[rows, K] · weight[K, N] (+ bias[N])</c>: one group
        /// of 64 threads per 32×32 output tile, K in steps of up to 64 through shared memory, each thread a 4×4 register
        /// tile (rows <c>ty + 8·a</c>, columns <c>tx + 8·b</c>) written out by the generator. Only the row count is dynamic;
        /// edge checks on K and N are emitted only when they do not divide into tiles.
        /// </summary>
        private static void EmitGemm(CodeWriter w, Linear linear)
        {
            const int tile = GpuPlan.GemmTile;
            int k = linear.K, n = linear.N;
            int step = k < 64 ? k : 64;              // K per shared-memory step
            bool kEdge = k % step != 0, nEdge = n % tile != 0;
            int loads = tile * step / GpuPlan.GemmThreads;
            bool bias = linear.Bias is not null;

            w.Line("/// <summary>");
            w.Line("/// output[rows, " + Int(n) + "] = input[rows, " + Int(k) + "] · weight[" + Int(k) + ", " + Int(n) + "]" + (bias ? " + bias[" + Int(n) + "]" : "") +
                   ": one group of 64 threads per 32×32 output tile,");
            w.Line("/// K in " + Int((k + step - 1) / step) + " step(s) of " + Int(step) + " through shared memory, a 4×4 register tile per thread.");
            w.Line("/// </summary>");
            string parameters = View + " input, " + View + " weight, " + (bias ? View + " bias, " : "") + View + " output, int rows";
            using (w.Block("private static void " + linear.Kernel + "(" + parameters + ")"))
            {
                if (k <= step) w.Line("// K fits one step: the k0 loop below runs once.");
                w.Line("int thread = global::ILGPU.Group.IdxX;");
                w.Line("int tx = thread % 8, ty = thread / 8;        // the thread's 4×4 tile: rows ty + 8·a, columns tx + 8·b");
                                w.Line("int row0 = global::ILGPU.Grid.IdxY * 32, col0 = global::ILGPU.Grid.IdxX * 32;");
                w.Line("var a = global::ILGPU.SharedMemory.Allocate<float>(" + Int(step * 33) + "); // input tile, transposed: a[kk·33 + r] (padded row)");
                w.Line("var b = global::ILGPU.SharedMemory.Allocate<float>(" + Int(step * tile) + "); // weight tile: b[kk·32 + c]");
                for (int r = 0; r < 4; r++)
                    w.Line("float c" + Int(r) + "0 = 0f, c" + Int(r) + "1 = 0f, c" + Int(r) + "2 = 0f, c" + Int(r) + "3 = 0f;");
                w.Line();
                using (w.Block("for (int k0 = 0; k0 < " + Int(k) + "; k0 += " + Int(step) + ")"))
                {
                    // Input tile [32 rows, step] and weight tile [step, 32], element by element: consecutive threads read
                    // consecutive addresses of one row of each.
                    w.Line("// " + Int(tile * step) + " input and " + Int(tile * step) + " weight elements, " + Int(loads) + " of each per thread, reads coalesced");
                    using (w.Block("for (int e = thread; e < " + Int(tile * step) + "; e += 64)"))
                    {
                        w.Line("int r = e / " + Int(step) + ", kk = e % " + Int(step) + ";");
                        string aInside = "row0 + r < rows" + (kEdge ? " && k0 + kk < " + Int(k) : "");
                        w.Line("a[kk * 33 + r] = " + aInside + " ? input[(row0 + r) * " + Int(k) + " + k0 + kk] : 0f;");
                        w.Line("int wk = e / 32, c = e % 32;");
                        string bInside = (kEdge ? "k0 + wk < " + Int(k) : "") + (kEdge && nEdge ? " && " : "") + (nEdge ? "col0 + c < " + Int(n) : "");
                        string read = "weight[(k0 + wk) * " + Int(n) + " + col0 + c]";
                        w.Line("b[wk * 32 + c] = " + (bInside.Length > 0 ? bInside + " ? " + read + " : 0f;" : read + ";"));
                    }
                    w.Line("global::ILGPU.Group.Barrier();");
                    using (w.Block("for (int kk = 0; kk < " + Int(step) + "; kk++)"))
                    {
                        w.Line("float a0 = a[kk * 33 + ty], a1 = a[kk * 33 + ty + 8], a2 = a[kk * 33 + ty + 16], a3 = a[kk * 33 + ty + 24];");
                        w.Line("float b0 = b[kk * 32 + tx], b1 = b[kk * 32 + tx + 8], b2 = b[kk * 32 + tx + 16], b3 = b[kk * 32 + tx + 24];");
                        for (int r = 0; r < 4; r++)
                        {
                            w.Line("c" + Int(r) + "0 += a" + Int(r) + " * b0; c" + Int(r) + "1 += a" + Int(r) + " * b1; c" + Int(r) + "2 += a" + Int(r) +
                                   " * b2; c" + Int(r) + "3 += a" + Int(r) + " * b3;");
                        }
                    }
                    w.Line("global::ILGPU.Group.Barrier();");
                }
                w.Line();
                if (bias)
                {
                    for (int c = 0; c < 4; c++)
                    {
                        string column = Plus("col0 + tx", 8 * c);
                        w.Line("float bias" + Int(c) + " = " + (nEdge ? column + " < " + Int(n) + " ? bias[" + column + "] : 0f;" : "bias[" + column + "];"));
                    }
                }
                for (int r = 0; r < 4; r++)
                {
                    string row = Plus("row0 + ty", 8 * r);
                    using (w.Block("if (" + row + " < rows)"))
                    {
                        w.Line("int o = (" + row + ") * " + Int(n) + " + col0 + tx;");
                        for (int c = 0; c < 4; c++)
                        {
                            string value = "c" + Int(r) + Int(c) + (bias ? " + bias" + Int(c) : "");
                            string store = "output[" + Plus("o", 8 * c) + "] = " + value + ";";
                            w.Line(nEdge ? "if (" + Plus("col0 + tx", 8 * c) + " < " + Int(n) + ") " + store : store);
                        }
                    }
                }
            }
        }
    }
}
