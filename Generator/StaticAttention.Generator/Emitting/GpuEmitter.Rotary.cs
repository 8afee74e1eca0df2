using System.Collections.Generic;
using StaticAttention.Generator.Model;
using static StaticAttention.Generator.Emitting.Literals;

namespace StaticAttention.Generator.Emitting
{
    internal static partial class GpuEmitter
    {
        /// <summary>The rotary kernel's views: the fused qkv, or q and k apart; then the cos/sin table.</summary>
        private static List<(string Type, string Name)> RotaryParameters(LayerModel l)
        {
            var parameters = new List<(string, string)>();
            if (l.Projections == Projections.Fused) parameters.Add((View, "qkv"));
            else parameters.AddRange(new[] { (View, "q"), (View, "k") });
            parameters.Add((View, "table"));
            return parameters;
        }

        /// <summary>Rotated pairs per item: every (token, q or k head, pair of the first RotaryDims features).</summary>
        private static int RotaryPairs(LayerModel l) => l.QueryTokens * (l.Heads + l.KvHeads) * (l.Decoder.RotaryDims / 2);

        /// <summary>
        /// The rotary embedding on the projected q and k, in place, after the projections' biases: one thread per rotated
        /// pair, <c>(a, b) -> (a·cos - b·sin, b·cos + a·sin)</c> with the angle of the token's position from the table the
        /// session computed at upload. Consecutive threads take consecutive pairs of a head, so their loads coalesce.
        /// </summary>
        private static void EmitRotary(CodeWriter w, LayerModel l)
        {
            DecoderTerms terms = l.Decoder;
            int t = l.QueryTokens, d = l.HeadDim, half = terms.RotaryDims / 2, heads = l.Heads + l.KvHeads, pairs = RotaryPairs(l);
            bool interleaved = terms.Rotary == RotaryEmbedding.Interleaved;
            var parameters = new List<string>();
            foreach (var (type, name) in RotaryParameters(l)) parameters.Add(type + " " + name);

            w.Line("/// <summary>");
            w.Line("/// Rotary embedding (" + (interleaved ? "interleaved: feature 2i pairs with 2i + 1" : "rotate-half: feature i pairs with i + " + Int(half)) +
                   "; the first " + Int(terms.RotaryDims) + " of " + Int(d) + " features, θ = " + Float(terms.RotaryBase) + ")");
            w.Line("/// on q and k in place, positions 0.." + Int(t - 1) + ": one thread per (token, head, pair) of an item, q's " + Int(l.Heads) + " heads, then k's " +
                   Int(l.KvHeads) + ".");
            w.Line("/// </summary>");
            WriteSignature(w, "private static void GpuRotary(", parameters);
            using (w.Block())
            {
                w.Line("int pair = global::ILGPU.Grid.IdxX * " + Int(GpuPlan.Threads) + " + global::ILGPU.Group.IdxX, b = global::ILGPU.Grid.IdxY;");
                if (pairs % GpuPlan.Threads != 0) w.Line("if (pair >= " + Int(pairs) + ") return; // the last group's spare threads");
                w.Line("int token = pair / " + Int(heads * half) + ", head = pair / " + Int(half) + " % " + Int(heads) + ", i = pair % " + Int(half) + ";");
                w.Line("float cos = table[(token * " + Int(half) + " + i) * 2], sin = table[(token * " + Int(half) + " + i) * 2 + 1]; // of token · θ^(-2i/" +
                       Int(terms.RotaryDims) + ")");
                string column = interleaved ? "2 * i" : "i";
                int partner = interleaved ? 1 : half;
                if (l.Projections == Projections.Fused)
                {
                    w.Line("int at = (b * " + Int(t) + " + token) * " + Int(l.FusedWidth) + " + head * " + Int(d) + " + " + column + "; // q heads, then k heads, side by side");
                    EmitRotatePair(w, "qkv", partner);
                    return;
                }
                using (w.Block("if (head < " + Int(l.Heads) + ")"))
                {
                    w.Line("int at = (b * " + Int(t) + " + token) * " + Int(l.QueryWidth) + " + head * " + Int(d) + " + " + column + ";");
                    EmitRotatePair(w, "q", partner);
                }
                using (w.Block("else"))
                {
                    w.Line("int at = (b * " + Int(t) + " + token) * " + Int(l.KvWidth) + " + (head - " + Int(l.Heads) + ") * " + Int(d) + " + " + column + ";");
                    EmitRotatePair(w, "k", partner);
                }
            }
        }

        private static void EmitRotatePair(CodeWriter w, string view, int partner)
        {
            string other = "at + " + Int(partner);
            w.Line("float x0 = " + view + "[at], x1 = " + view + "[" + other + "];");
            w.Line(view + "[at] = x0 * cos - x1 * sin;");
            w.Line(view + "[" + other + "] = x1 * cos + x0 * sin;");
        }

        /// <summary>The rotary kernel's launch, between the projections and the attention.</summary>
        private static void EmitRotaryLaunch(CodeWriter w, LayerModel l)
        {
            int groups = Tiles(RotaryPairs(l), GpuPlan.Threads);
            var arguments = new List<string>();
            foreach (var (_, name) in RotaryParameters(l)) arguments.Add(name == "table" ? "parameters.RotaryTable" : name);
            w.Line("// Rotary embedding on q and k in place: one thread per rotated pair, " + Int(RotaryPairs(l)) + " per item in " + Int(groups) + " group(s).");
            w.Line("device.Rotary(new " + KernelConfig + "(new " + Index3D + "(" + Int(groups) + ", batch, 1), new " + Index3D + "(" + Int(GpuPlan.Threads) + ", 1, 1)), " +
                   string.Join(", ", arguments) + ");");
        }
    }
}
