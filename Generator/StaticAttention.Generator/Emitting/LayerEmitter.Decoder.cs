using System.Collections.Generic;
using StaticAttention.Generator.Model;
using static StaticAttention.Generator.Emitting.Literals;
using static StaticAttention.Generator.Emitting.RuntimeTypes;

namespace StaticAttention.Generator.Emitting
{
    /// <summary>
    /// The decoder-style parts of a layer, each emitted only when the layer has it: rotary embedding of q and k, the score
    /// terms as constants (<c>ScoreTerms</c>, read by the runtime's <c>DecoderAttention</c>), the ALiBi slopes, and the
    /// key/value cache with its <c>CreateCache</c> and cached <c>Forward</c>.
    /// </summary>
    internal static partial class LayerEmitter
    {
        /// <summary>Whether the attention core runs through <c>DecoderAttention</c> (a window, a softcap or ALiBi).</summary>
        private static bool UsesDecoderCore(LayerModel l) => l.Decoder.HasScoreTerms;

        /// <summary>Whether the layer emits <c>ScoreTerms</c>: its plain or its cached <c>Forward</c> runs <c>DecoderAttention</c>.</summary>
        private static bool EmitsScoreTerms(LayerModel l) => l.Decoder.HasScoreTerms || l.Decoder.HasCache;

        /// <summary>Positions the rotary table covers: the plain <c>Forward</c>'s tokens and the cache's capacity.</summary>
        private static int RotaryPositions(LayerModel l) => System.Math.Max(l.QueryTokens, l.Decoder.CacheTokens);

        /// <summary>The rotary table field, built in the constructor.</summary>
        private static void EmitRotaryField(CodeWriter w, LayerModel l)
        {
            if (!l.Decoder.HasRotary) return;
            w.Line("private readonly " + RotaryTable + " _rotary;");
        }

        /// <summary>The constructor's line that computes the rotary table once.</summary>
        private static void EmitRotaryTableCreation(CodeWriter w, LayerModel l)
        {
            if (!l.Decoder.HasRotary) return;
            DecoderTerms d = l.Decoder;
            w.Line("// cos and sin of pos·θ^(-2i/" + Int(d.RotaryDims) + ") for pos < " + Int(RotaryPositions(l)) + (d.HasCache ? " (the cache's capacity)" : " (Tokens)") +
                   ", i < " + Int(d.RotaryDims / 2) + ": computed once.");
            w.Line("_rotary = " + RotaryTable + ".Create(" + RotaryEnum + "." + d.Rotary + ", RotaryBase, RotaryDims, positions: " +
                   (d.HasCache && d.CacheTokens >= l.QueryTokens ? "CacheTokens" : "Tokens") + ");");
        }

        /// <summary>
        /// Rotates the projected q and k in place, rows of <paramref name="tokens"/> positions per batch item starting at
        /// <paramref name="firstPosition"/>. In the fused buffer the q heads and the k heads are adjacent columns, so one call
        /// turns both.
        /// </summary>
        private static void EmitRotaryApply(CodeWriter w, LayerModel l, bool fused, string rows, string tokens, string firstPosition)
        {
            if (!l.Decoder.HasRotary) return;
            DecoderTerms d = l.Decoder;
            string kind = d.Rotary == RotaryEmbedding.RotateHalf ? "feature i with i + " + Int(d.RotaryDims / 2) : "features 2i and 2i+1";
            string partial = d.RotaryDims < l.HeadDim ? "; features " + Int(d.RotaryDims) + ".." + Int(l.HeadDim - 1) + " unchanged" : "";
            w.Line("// Rotary (" + d.Rotary + "): in each head, " + kind + " turn by pos·θ^(-2i/" + Int(d.RotaryDims) + ")" + partial + ".");
            if (fused)
            {
                w.Line("// The q heads and the k heads are the first Heads + KvHeads = " + Int(l.Heads + l.KvHeads) + " heads of each qkv row.");
                w.Line("_rotary.Apply(qkv, " + rows + ", (Heads + 2 * KvHeads) * HeadDim, 0, Heads + KvHeads, HeadDim, " + tokens + ", " + firstPosition + ");");
            }
            else
            {
                w.Line("_rotary.Apply(q, " + rows + ", Heads * HeadDim, 0, Heads, HeadDim, " + tokens + ", " + firstPosition + ");");
                w.Line("_rotary.Apply(k, " + rows + ", KvHeads * HeadDim, 0, KvHeads, HeadDim, " + tokens + ", " + firstPosition + ");");
            }
        }

        /// <summary>The score terms in words, for comments: "causal, a window of 4, softcap 5, ALiBi".</summary>
        private static string ScoreTermsInWords(LayerModel l)
        {
            DecoderTerms d = l.Decoder;
            var terms = new List<string>();
            if (d.Softcap > 0f) terms.Add("softcap " + Float(d.Softcap) + "·tanh(s/" + Float(d.Softcap) + ")");
            if (d.Alibi) terms.Add("ALiBi -m_h·(i - j)");
            if ((l.Mask & AttentionMask.Causal) != 0) terms.Add("causal");
            if (d.SlidingWindow > 0) terms.Add("a window of " + Int(d.SlidingWindow) + " (i - " + Int(d.SlidingWindow) + " < j ≤ i)");
            return string.Join(", ", terms);
        }

        /// <summary>The attention core of the plain <c>Forward</c> through <c>DecoderAttention</c>, over the projected buffers.</summary>
        private static void EmitDecoderCoreCall(CodeWriter w, LayerModel l, string q, string qStride, string k, string v, string kvStride, string context)
        {
            EmitCoreComment(w, l, context);
            w.Line("// through DecoderAttention with this layer's ScoreTerms (" + ScoreTermsInWords(l) + "); positions 0..QueryTokens-1.");
            w.Line(DecoderAttention + ".Forward(");
            w.Line("    default(ScoreTerms), " + q + ", " + qStride + ", " + k + ", " + v + ",");
            w.Line("    KeyTokens * (" + kvStride + "), HeadDim, " + kvStride + ",");
            w.Line("    batch, Heads, KvHeads, HeadDim, QueryTokens, firstPosition: 0, keyCount: KeyTokens, Scale,");
            w.Line("    " + AlibiArgument(l) + ", " + context + ", " + WorkerPool + ".Shared, _maxDegreeOfParallelism);");
        }

        private static string AlibiArgument(LayerModel l) => l.Decoder.Alibi ? "AlibiSlopes" : "default";

        /// <summary><c>ScoreTerms</c> (the constants <c>DecoderAttention</c> is specialised for) and the ALiBi slopes.</summary>
        private static void EmitScoreTerms(CodeWriter w, LayerModel l)
        {
            if (!EmitsScoreTerms(l)) return;
            DecoderTerms d = l.Decoder;
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// This layer's score terms as constants: the JIT specialises <c>DecoderAttention.Forward</c> for this struct and folds");
            w.Line("/// them, so the window bounds and the softcap are literals in its loops.");
            w.Line("/// </summary>");
            using (w.Block("private readonly struct ScoreTerms : " + IDecoderScoreTerms))
            {
                w.Line("public bool Causal => " + Bool((l.Mask & AttentionMask.Causal) != 0) + ";");
                w.Line(d.SlidingWindow > 0
                    ? "public int SlidingWindow => " + Int(d.SlidingWindow) + "; // query i sees keys i - " + Int(d.SlidingWindow - 1) + " .. i (" + l.ClassName + ".SlidingWindow)"
                    : "public int SlidingWindow => 0; // no window");
                w.Line(d.Softcap > 0f
                    ? "public float Softcap => " + Float(d.Softcap) + "; // s -> " + Float(d.Softcap) + "·tanh(s / " + Float(d.Softcap) + ")"
                    : "public float Softcap => 0f; // no softcap");
                w.Line("public bool Alibi => " + Bool(d.Alibi) + ";");
            }

            if (!d.Alibi) return;
            float[] slopes = LayerDefaults.AlibiSlopes(l.Heads);
            var literals = new List<string>();
            foreach (float slope in slopes) literals.Add(Float(slope));
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// The ALiBi slope m_h of each head, BLOOM's: " + (IsPowerOfTwo(l.Heads)
                ? "2^(-8(h+1)/" + Int(l.Heads) + ")"
                : "2^(-8(h+1)/" + Int(LargestPowerOfTwo(l.Heads)) + ") for the first " + Int(LargestPowerOfTwo(l.Heads)) + " heads, then 2^(-4(2k+1)/" +
                  Int(LargestPowerOfTwo(l.Heads)) + ")") + ".");
            w.Line("/// </summary>");
            w.Line("private static readonly float[] AlibiSlopes = { " + string.Join(", ", literals) + " };");
        }

        private static bool IsPowerOfTwo(int n) => (n & (n - 1)) == 0;

        private static int LargestPowerOfTwo(int n)
        {
            int p = 1;
            while (p * 2 <= n) p *= 2;
            return p;
        }

        /// <summary>The nested cache type, <c>CreateCache</c> and the cached <c>Forward</c>.</summary>
        private static void EmitCache(CodeWriter w, LayerModel l)
        {
            if (!l.Decoder.HasCache) return;
            int capacity = l.Decoder.CacheTokens;
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// The key/value cache of a " + l.ClassName + ": keys and values [batch, KvHeads = " + Int(l.KvHeads) + ", CacheTokens = " + Int(capacity) +
                   ", HeadDim = " + Int(l.HeadDim) + "],");
            w.Line("/// allocated once by <see cref=\"CreateCache\"/>. Its own type, so another layer's cache does not compile where this one's is asked.");
            w.Line("/// One decoding sequence per batch item; not safe to use from two threads at once.");
            w.Line("/// </summary>");
            w.Line(GeneratedCode);
            using (w.Block("public sealed class Cache : " + KeyValueCache))
            {
                w.Line("internal Cache(int batch)");
                // The layer's constants, qualified: inside the cache, KvHeads and HeadDim name its own properties.
                w.Line("    : base(batch, " + l.ClassName + ".KvHeads, " + l.ClassName + ".CacheTokens, " + l.ClassName + ".HeadDim)");
                w.Line("{");
                w.Line("}");
            }
            w.Line();
            w.Line("/// <summary>Creates an empty cache for <paramref name=\"batch\"/> sequences decoded side by side (Length 0, Capacity " + Int(capacity) + ").</summary>");
            w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"batch\"/> is not positive, or the cache would not fit in memory.</exception>");
            w.Line("public Cache CreateCache(int batch) => new Cache(batch);");
            w.Line();
            EmitCachedForward(w, l);
        }

        private static void EmitCachedForward(CodeWriter w, LayerModel l)
        {
            bool fused = l.Projections == Projections.Fused;
            GemmShape[] shapes = l.GemmShapes;
            w.Line("/// <summary>");
            w.Line("/// Appends n new tokens per sequence to <paramref name=\"cache\"/> and attends over everything cached: positions continue");
            w.Line("/// from <c>cache.Length</c>, so a prompt given at once and then one token at a time gives the rows of the plain causal");
            w.Line("/// <c>Forward</c> over the whole sequence. Runs on the CPU, also while an accelerator session is active.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"x\">The new tokens [cache.Batch, n, QuerySize = " + Int(l.QuerySize) + "], 1 ≤ n ≤ Capacity - Length.</param>");
            w.Line("/// <param name=\"cache\">This layer's cache; its Length grows by n.</param>");
            w.Line("/// <param name=\"output\">Receives [cache.Batch, n, ModelDim = " + Int(l.ModelDim) + "].</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"cache\"/> is null.</exception>");
            w.Line("/// <exception cref=\"global::System.ObjectDisposedException\"><paramref name=\"cache\"/> was disposed.</exception>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">x is not a whole number of tokens per sequence, they do not fit in the cache, or output's length does not fit.</exception>");
            Signature(w, "public void Forward", new List<string> { "global::System.ReadOnlySpan<float> x", "Cache cache", SpanFloat + " output" });
            using (w.Block())
            {
                w.Line("// n = x.Length / (cache.Batch·QuerySize), with 1 ≤ n ≤ Capacity - Length");
                w.Line("int n = " + Guard + ".AppendTokens(cache, x.Length, QuerySize, nameof(x));");
                w.Line("int batch = cache.Batch;");
                w.Line(Guard + ".Length(output.Length, batch, n * ModelDim, nameof(output), \"[cache.Batch, n, ModelDim]\");");
                if (l.Decoder.HasRotary) w.Line("int firstPosition = cache.Length; // the new tokens' first position");
                w.Line();

                var buffers = new List<(string Name, string Width)>();
                if (fused) buffers.Add(("qkv", "(Heads + 2 * KvHeads) * HeadDim"));
                else
                {
                    buffers.Add(("q", "Heads * HeadDim"));
                    buffers.Add(("k", "KvHeads * HeadDim"));
                    buffers.Add(("v", "KvHeads * HeadDim"));
                }
                buffers.Add(("context", "Heads * HeadDim"));
                var widths = new List<string>();
                foreach (var buffer in buffers) widths.Add(buffer.Width);
                w.Line("// Scratch per token: " + string.Join(" | ", buffers.ConvertAll(b => b.Name)) + ".");
                w.Line("float[] scratch = _scratch.Rent(" + Guard + ".ScratchLength(batch * n, " + string.Join(" + ", widths) + ", nameof(x)));");
                using (w.Block("try"))
                {
                    string offset = "0";
                    foreach (var buffer in buffers)
                    {
                        w.Line(SpanFloat + " " + buffer.Name + " = new " + SpanFloat + "(scratch, " + offset + ", batch * n * " + buffer.Width + ");");
                        offset = offset == "0" ? "batch * n * " + buffer.Width : offset + " + batch * n * " + buffer.Width;
                    }
                    w.Line();
                    if (fused)
                    {
                        w.Line("// qkv = x · Wqkvᵀ" + (l.QkvBias ? " + b" : "") + ": [batch·n, " + Int(l.QuerySize) + "] -> [batch·n, " + Int(l.FusedWidth) + "], columns q | k | v");
                        EmitGemmCall(w, shapes[0], "x", "batch * n", "qkv");
                    }
                    else
                    {
                        w.Line("// q, k, v = x · Wqᵀ, x · Wkᵀ, x · Wvᵀ" + (l.QkvBias ? " (+ b)" : "") + " for the batch·n new rows");
                        EmitGemmCall(w, shapes[0], "x", "batch * n", "q");
                        EmitGemmCall(w, shapes[1], "x", "batch * n", "k");
                        EmitGemmCall(w, shapes[2], "x", "batch * n", "v");
                    }
                    w.Line();
                    if (l.Decoder.HasRotary)
                    {
                        EmitRotaryApply(w, l, fused, "batch * n", "n", "firstPosition");
                        w.Line();
                    }
                    string kvStride = fused ? "(Heads + 2 * KvHeads) * HeadDim" : "KvHeads * HeadDim";
                    string qStride = fused ? "(Heads + 2 * KvHeads) * HeadDim" : "Heads * HeadDim";
                    w.Line("// The new keys and values go to cache positions firstPosition .. firstPosition + n - 1.");
                    if (fused)
                        w.Line(DecoderAttention + ".Append(cache, qkv.Slice(Heads * HeadDim), qkv.Slice((Heads + KvHeads) * HeadDim), " + kvStride + ", n);");
                    else
                        w.Line(DecoderAttention + ".Append(cache, k, v, " + kvStride + ", n);");
                    w.Line();
                    w.Line("// Query row i (position firstPosition + i) over the cache's firstPosition + n keys: " + ScoreTermsInWords(l) + ".");
                    w.Line(DecoderAttention + ".Forward(default(ScoreTerms), " + (fused ? "qkv" : "q") + ", " + qStride + ", cache, Heads, n, Scale,");
                    w.Line("    " + AlibiArgument(l) + ", context, " + WorkerPool + ".Shared, _maxDegreeOfParallelism);");
                    w.Line();
                    w.Line("// output = context · Woᵀ" + (l.OutputBias ? " + b" : "") + ": [batch·n, " + Int(l.QueryWidth) + "] -> [batch·n, " + Int(l.ModelDim) + "]");
                    EmitGemmCall(w, shapes[shapes.Length - 1], "context", "batch * n", "output");
                }
                using (w.Block("finally"))
                {
                    w.Line("_scratch.Return(scratch);");
                }
            }
        }
    }
}
