using StaticAttention.Generator.Model;
using static StaticAttention.Generator.Emitting.Literals;
using static StaticAttention.Generator.Emitting.RuntimeTypes;

namespace StaticAttention.Generator.Emitting
{
    internal static partial class LayerEmitter
    {
        // The opened-checkpoint types only Load uses, named here to keep RuntimeTypes for what several emitters share.
        private const string SafetensorsCheckpoint = Runtime + ".Weights.SafetensorsCheckpoint";
        private const string SafetensorsFile = Runtime + ".Weights.SafetensorsFile";

        /// <summary>The layer description the loader checks shapes against, the weights field, and the two <c>Load</c>s.</summary>
        private static void EmitLoad(CodeWriter w, LayerModel l)
        {
            w.Line("/// <summary>Every dimension and option of this layer, as the weight loader and the reference implementation take them.</summary>");
            w.Line("public static " + AttentionLayerSpec + " Spec { get; } = " + AttentionLayerSpec + ".Create(");
            w.Line("    layerName: " + String(l.ClassName) + ",");
            w.Line("    heads: Heads, modelDim: ModelDim, queryTokens: QueryTokens, keyTokens: KeyTokens,");
            w.Line("    kvHeads: KvHeads, headDim: HeadDim, querySize: QuerySize, keySize: KeySize, valueSize: ValueSize,");
            w.Line("    projections: " + ProjectionsEnum + "." + l.Projections + ",");
            w.Line("    qkvBias: " + Bool(l.QkvBias) + ", outputBias: " + Bool(l.OutputBias) + ", relativePositionBias: " + Bool(l.RelativePositionBias) + ",");
            w.Line("    mask: " + MaskExpression(l.Mask) + ",");
            if (!l.Decoder.Any)
            {
                w.Line("    returnWeights: " + Bool(l.ReturnWeights) + ", scale: Scale, selfAttention: " + Bool(l.SelfAttention) + ");");
            }
            else
            {
                w.Line("    returnWeights: " + Bool(l.ReturnWeights) + ", scale: Scale, selfAttention: " + Bool(l.SelfAttention) + ",");
                w.Line("    " + DecoderSpecArguments(l.Decoder) + ");");
            }
            w.Line();
            w.Line("private readonly " + AttentionWeights + " _weights;");
            if (l.Projections != Projections.None)
                w.Line("private readonly " + PackedProjections + " _packed;");
            if (l.Projections != Projections.None)
                w.Line("private readonly " + ScratchBuffer + " _scratch = new " + ScratchBuffer + "();");
            EmitRotaryField(w, l);
            w.Line("private int _maxDegreeOfParallelism = " + WorkerPool + ".Shared.MaxDegreeOfParallelism;");
            w.Line();
            using (w.Block("private " + l.ClassName + "(" + AttentionWeights + " weights)"))
            {
                w.Line("_weights = weights;");
                if (l.Projections != Projections.None)
                {
                    w.Line("// Pack the projection matrices once into the panel layout the GEMM microkernel reads.");
                    w.Line("_packed = " + PackedProjections + ".Create(Spec, weights);");
                }
                EmitRotaryTableCreation(w, l);
            }
            w.Line();
            w.Line("/// <summary>The layer's weights as loaded: F32, in the layout this layer computes with.</summary>");
            w.Line("public " + AttentionWeights + " Weights => _weights;");
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// The most threads one <c>Forward</c> uses (the caller's included), from the shared worker pool; defaults to one per core.");
            w.Line("/// Results are identical for every value.");
            w.Line("/// </summary>");
            w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">The value is less than 1.</exception>");
            using (w.Block("public int MaxDegreeOfParallelism"))
            {
                w.Line("get => _maxDegreeOfParallelism;");
                w.Line("set => _maxDegreeOfParallelism = " + Guard + ".Positive(value, nameof(MaxDegreeOfParallelism));");
            }
            w.Line();

            string expects = ExpectedTensors(l);
            w.Line("/// <summary>");
            w.Line("/// Loads the layer from a safetensors checkpoint, taking the tensors whose names start with <paramref name=\"prefix\"/>");
            w.Line("/// (for example <c>\"blocks.0.attn.\"</c>). <paramref name=\"path\"/> is a <c>.safetensors</c> file, a sharded checkpoint's index");
            w.Line("/// (<c>model.safetensors.index.json</c>) or a folder holding either. The naming convention is detected from the names:");
            w.Line("/// timm <c>qkv/proj</c>, torch <c>in_proj_weight/out_proj</c>, d2l <c>W_q..W_o</c>, <c>Wq/Wk/Wv/fc</c>, HF <c>q_proj..o_proj</c> or <c>qkv_proj</c>,");
            w.Line("/// CLIP/BART/Whisper <c>q_proj..out_proj</c>, BERT <c>self.query..output.dense</c>, GPT-2 <c>c_attn/c_proj</c> (transposed at load).");
            w.Line("/// Expects " + expects + ".");
            w.Line("/// </summary>");
            w.Line("/// <exception cref=\"global::System.IO.FileNotFoundException\">The file, or a shard the layer needs, does not exist.</exception>");
            w.Line("/// <exception cref=\"global::System.IO.InvalidDataException\">The file is malformed, or a tensor is missing, unexpected, or has the wrong shape or dtype.</exception>");
            w.Line("public static " + l.ClassName + " Load(string path, string prefix = \"\")");
            w.Line("    => new " + l.ClassName + "(" + AttentionWeights + ".Load(path, prefix, Spec));");
            w.Line();
            w.Line("/// <summary>Loads the layer from a safetensors checkpoint read from <paramref name=\"stream\"/>; see <see cref=\"Load(string, string)\"/>.</summary>");
            w.Line("/// <exception cref=\"global::System.IO.InvalidDataException\">The data is malformed, or a tensor is missing, unexpected, or has the wrong shape or dtype.</exception>");
            w.Line("public static " + l.ClassName + " Load(global::System.IO.Stream stream, string prefix = \"\")");
            w.Line("    => new " + l.ClassName + "(" + AttentionWeights + ".Load(stream, prefix, Spec));");
            EmitLoadFromOpened(w, l);
        }

        /// <summary>The <c>Load</c>s from an opened checkpoint or file, so the layers of a model share one mapping.</summary>
        private static void EmitLoadFromOpened(CodeWriter w, LayerModel l)
        {
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Loads the layer from an opened checkpoint (one file, or an index and its shards), which stays open: the layers of a model");
            w.Line("/// read their tensors from shards mapped once. See <see cref=\"Load(string, string)\"/>.");
            w.Line("/// </summary>");
            w.Line("/// <exception cref=\"global::System.IO.FileNotFoundException\">A shard the layer needs does not exist.</exception>");
            w.Line("/// <exception cref=\"global::System.IO.InvalidDataException\">A shard is malformed or lacks a tensor its index lists, or a tensor is missing, unexpected, or has the wrong shape or dtype.</exception>");
            w.Line("public static " + l.ClassName + " Load(" + SafetensorsCheckpoint + " checkpoint, string prefix = \"\")");
            w.Line("    => new " + l.ClassName + "(" + AttentionWeights + ".Load(checkpoint, prefix, Spec));");
            w.Line();
            w.Line("/// <summary>Loads the layer from an opened safetensors file, which stays open; see <see cref=\"Load(string, string)\"/>.</summary>");
            w.Line("/// <exception cref=\"global::System.IO.InvalidDataException\">A tensor is missing, unexpected, or has the wrong shape or dtype.</exception>");
            w.Line("public static " + l.ClassName + " Load(" + SafetensorsFile + " file, string prefix = \"\")");
            w.Line("    => new " + l.ClassName + "(" + AttentionWeights + ".Load(file, prefix, Spec));");
        }

        /// <summary>The decoder options a layer has, as <c>AttentionLayerSpec.Create</c> arguments (only those set).</summary>
        private static string DecoderSpecArguments(DecoderTerms d)
        {
            var parts = new System.Collections.Generic.List<string>();
            if (d.HasRotary)
            {
                parts.Add("rotary: " + RotaryEnum + "." + d.Rotary);
                parts.Add("rotaryBase: RotaryBase");
                parts.Add("rotaryDims: RotaryDims");
            }
            if (d.SlidingWindow > 0) parts.Add("slidingWindow: SlidingWindow");
            if (d.Softcap > 0f) parts.Add("softcap: Softcap");
            if (d.Alibi) parts.Add("alibi: true");
            if (d.HasCache) parts.Add("cacheTokens: CacheTokens");
            return string.Join(", ", parts);
        }

        private static string MaskExpression(AttentionMask mask)
        {
            if (mask == AttentionMask.None) return MaskEnum + ".None";
            string text = "";
            foreach (AttentionMask flag in new[] { AttentionMask.ValidLengths, AttentionMask.ValidLengthsPerQuery, AttentionMask.KeepMask, AttentionMask.KeyPaddingMask, AttentionMask.Causal })
            {
                if ((mask & flag) == 0) continue;
                text += (text.Length > 0 ? " | " : "") + MaskEnum + "." + flag;
            }
            return text;
        }

        /// <summary>The tensors a checkpoint must hold, in timm/torch terms, for the Load docs.</summary>
        private static string ExpectedTensors(LayerModel l)
        {
            string text = l.Projections switch
            {
                Projections.Fused => "a fused input matrix [" + Int(l.FusedWidth) + ", " + Int(l.QuerySize) + "] (for example <c>qkv.weight</c> or <c>in_proj_weight</c>)",
                Projections.Separate => "query, key and value matrices [" + Int(l.QueryWidth) + ", " + Int(l.QuerySize) + "], [" + Int(l.KvWidth) + ", " +
                    Int(l.KeySize) + "], [" + Int(l.KvWidth) + ", " + Int(l.ValueSize) + "] (for example <c>q_proj.weight</c> or <c>W_q.weight</c>)",
                _ => "no projection matrices",
            };
            if (l.QkvBias) text += " with biases";
            if (l.Projections != Projections.None)
                text += ", an output matrix [" + Int(l.ModelDim) + ", " + Int(l.QueryWidth) + "]" + (l.OutputBias ? " with bias" : "");
            if (l.RelativePositionBias)
                text += ", and <c>relative_position_bias_table</c> [" + Int(2 * l.QueryTokens - 1) + ", " + Int(l.Heads) + "]";
            return text;
        }
    }
}
