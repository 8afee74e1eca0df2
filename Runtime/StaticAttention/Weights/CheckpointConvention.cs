using System.Collections.Generic;

namespace StaticAttention.Weights
{
    /// <summary>
    /// The tensor names one PyTorch code base gives an attention layer's parameters (after the layer's prefix).
    /// A convention stores q, k, v fused (one matrix, q rows then k rows then v rows), separately, or either way.
    /// </summary>
    /// <param name="Name">Short name reported as <see cref="AttentionWeights.Convention"/>.</param>
    /// <param name="FusedWeight">The fused input matrix, or null when the convention has none.</param>
    /// <param name="FusedBias">The fused input bias (torch also uses it beside separate matrices), or null.</param>
    /// <param name="QueryWeight">The separate query matrix, or null when the convention only fuses.</param>
    /// <param name="KeyWeight">The separate key matrix, or null.</param>
    /// <param name="ValueWeight">The separate value matrix, or null.</param>
    /// <param name="QueryBias">The separate query bias, or null when separate matrices share <paramref name="FusedBias"/>.</param>
    /// <param name="KeyBias">The separate key bias, or null.</param>
    /// <param name="ValueBias">The separate value bias, or null.</param>
    /// <param name="OutputWeight">The output matrix.</param>
    /// <param name="OutputBias">The output bias.</param>
    /// <param name="Conv1DWeights">True when matrices are stored <c>[in, out]</c> (GPT-2's <c>Conv1D</c>) and transposed at load.</param>
    /// <param name="OptionalKeyBias">True when the separate key bias may be absent and then counts as zeros (Whisper's <c>k_proj</c>).</param>
    internal sealed record CheckpointConvention(
        string Name,
        string? FusedWeight,
        string? FusedBias,
        string? QueryWeight,
        string? KeyWeight,
        string? ValueWeight,
        string? QueryBias,
        string? KeyBias,
        string? ValueBias,
        string OutputWeight,
        string OutputBias,
        bool Conv1DWeights = false,
        bool OptionalKeyBias = false)
    {
        /// <summary>The relative position bias table's name, the same in every convention.</summary>
        public const string RelativePositionBiasTable = "relative_position_bias_table";

        /// <summary>Convention name reported when the layer has no projections.</summary>
        public const string NoneName = "none";

        /// <summary>timm ViT / AIM / TimeSformer: <c>qkv</c> and <c>proj</c>.</summary>
        public static readonly CheckpointConvention Timm = new(
            "timm", "qkv.weight", "qkv.bias", null, null, null, null, null, null, "proj.weight", "proj.bias");

        /// <summary><c>torch.nn.MultiheadAttention</c>: <c>in_proj_weight</c> or <c>q/k/v_proj_weight</c> (with a shared
        /// <c>in_proj_bias</c>), and <c>out_proj</c>.</summary>
        public static readonly CheckpointConvention Torch = new(
            "torch", "in_proj_weight", "in_proj_bias", "q_proj_weight", "k_proj_weight", "v_proj_weight", null, null, null,
            "out_proj.weight", "out_proj.bias");

        /// <summary>d2l <c>MultiHeadAttention</c>: <c>W_q, W_k, W_v, W_o</c>.</summary>
        public static readonly CheckpointConvention D2l = new(
            "d2l", null, null, "W_q.weight", "W_k.weight", "W_v.weight", "W_q.bias", "W_k.bias", "W_v.bias", "W_o.weight", "W_o.bias");

        /// <summary>The classic multi-head attention module of many tutorials: <c>Wq, Wk, Wv, fc</c>.</summary>
        public static readonly CheckpointConvention WqFc = new(
            "wq-fc", null, null, "Wq.weight", "Wk.weight", "Wv.weight", "Wq.bias", "Wk.bias", "Wv.bias", "fc.weight", "fc.bias");

        /// <summary>Hugging Face / Llama: <c>q_proj, k_proj, v_proj, o_proj</c>, or Phi-3's fused <c>qkv_proj</c>.</summary>
        public static readonly CheckpointConvention HuggingFace = new(
            "hf", "qkv_proj.weight", "qkv_proj.bias", "q_proj.weight", "k_proj.weight", "v_proj.weight", "q_proj.bias", "k_proj.bias",
            "v_proj.bias", "o_proj.weight", "o_proj.bias");

        /// <summary>CLIP, BART, Whisper, OPT, GPT-J: <c>q_proj, k_proj, v_proj, out_proj</c>; Whisper's <c>k_proj</c> has no bias.</summary>
        public static readonly CheckpointConvention Clip = new(
            "clip", null, null, "q_proj.weight", "k_proj.weight", "v_proj.weight", "q_proj.bias", "k_proj.bias", "v_proj.bias",
            "out_proj.weight", "out_proj.bias", OptionalKeyBias: true);

        /// <summary>BERT / RoBERTa under <c>encoder.layer.N.attention.</c>: <c>self.query, self.key, self.value, output.dense</c>.</summary>
        public static readonly CheckpointConvention Bert = new(
            "bert", null, null, "self.query.weight", "self.key.weight", "self.value.weight", "self.query.bias", "self.key.bias",
            "self.value.bias", "output.dense.weight", "output.dense.bias");

        /// <summary>GPT-2 under <c>h.N.attn.</c>: <c>c_attn</c> (fused) and <c>c_proj</c>, <c>Conv1D</c> matrices stored <c>[in, out]</c>.</summary>
        public static readonly CheckpointConvention Gpt2 = new(
            "gpt2", "c_attn.weight", "c_attn.bias", null, null, null, null, null, null, "c_proj.weight", "c_proj.bias", Conv1DWeights: true);

        /// <summary>Every known convention, in detection order (which also breaks ties, see <see cref="AttentionWeightsLoader"/>).</summary>
        public static IReadOnlyList<CheckpointConvention> All { get; } = [Timm, Torch, D2l, WqFc, HuggingFace, Clip, Bert, Gpt2];

        /// <summary>Every name any convention uses, the table included: a tensor under the prefix with one of these names
        /// that the layer does not read is an error; any other name (for example <c>norm1.weight</c>) is ignored.</summary>
        public static IReadOnlySet<string> Vocabulary { get; } = BuildVocabulary();

        /// <summary>True when the convention can store q, k, v as one matrix.</summary>
        public bool HasFusedForm => FusedWeight is not null;

        /// <summary>True when the convention can store q, k, v as separate matrices.</summary>
        public bool HasSeparateForm => QueryWeight is not null;

        /// <summary>The convention's names, table excluded (nulls skipped).</summary>
        public IEnumerable<string> Names()
        {
            foreach (string? name in new[] { FusedWeight, FusedBias, QueryWeight, KeyWeight, ValueWeight, QueryBias, KeyBias, ValueBias, OutputWeight, OutputBias })
            {
                if (name is not null) yield return name;
            }
        }

        /// <summary>The input-projection bias names of this convention (either form).</summary>
        public bool IsInputBias(string name) => name == FusedBias || name == QueryBias || name == KeyBias || name == ValueBias;

        /// <summary>A one-line description of the convention's matrix names, for messages.</summary>
        public string Describe()
        {
            string inputs = (FusedWeight, QueryWeight) switch
            {
                (not null, not null) => $"{FusedWeight} or {QueryWeight}/{KeyWeight}/{ValueWeight}",
                (not null, null) => FusedWeight,
                _ => $"{QueryWeight}/{KeyWeight}/{ValueWeight}",
            };
            return $"{Name} ({inputs}, {OutputWeight})";
        }

        private static HashSet<string> BuildVocabulary()
        {
            var names = new HashSet<string>(System.StringComparer.Ordinal) { RelativePositionBiasTable };
            foreach (CheckpointConvention convention in All) names.UnionWith(convention.Names());
            return names;
        }
    }
}
