namespace StaticAttention.Generator.Parsing
{
    /// <summary>
    /// The attribute's named arguments as written, before defaults: each value with whether it was given. The
    /// validator checks these; the parser turns them into a <see cref="Model.LayerModel"/>.
    /// </summary>
    internal sealed class LayerArguments
    {
        public const string HeadsName = "Heads";
        public const string ModelDimName = "ModelDim";
        public const string TokensName = "Tokens";
        public const string QueryTokensName = "QueryTokens";
        public const string KeyTokensName = "KeyTokens";
        public const string QuerySizeName = "QuerySize";
        public const string KeySizeName = "KeySize";
        public const string ValueSizeName = "ValueSize";
        public const string KvHeadsName = "KvHeads";
        public const string HeadDimName = "HeadDim";
        public const string ProjectionsName = "Projections";
        public const string QkvBiasName = "QkvBias";
        public const string OutputBiasName = "OutputBias";
        public const string RelativePositionBiasName = "RelativePositionBias";
        public const string MaskName = "Mask";
        public const string ReturnWeightsName = "ReturnWeights";
        public const string ScaleName = "Scale";
        public const string RotaryName = "Rotary";
        public const string RotaryBaseName = "RotaryBase";
        public const string RotaryDimsName = "RotaryDims";
        public const string SlidingWindowName = "SlidingWindow";
        public const string SoftcapName = "Softcap";
        public const string AlibiName = "Alibi";
        public const string CacheTokensName = "CacheTokens";

        /// <summary>The size arguments, in the order they are checked for SA0002.</summary>
        public static readonly string[] SizeNames =
        {
            HeadsName, ModelDimName, TokensName, QueryTokensName, KeyTokensName,
            QuerySizeName, KeySizeName, ValueSizeName, KvHeadsName, HeadDimName,
        };

        public string ClassName { get; set; } = "";

        public int? Heads { get; set; }
        public int? ModelDim { get; set; }
        public int? Tokens { get; set; }
        public int? QueryTokens { get; set; }
        public int? KeyTokens { get; set; }
        public int? QuerySize { get; set; }
        public int? KeySize { get; set; }
        public int? ValueSize { get; set; }
        public int? KvHeads { get; set; }
        public int? HeadDim { get; set; }
        public int? Projections { get; set; }
        public bool QkvBias { get; set; }
        public bool OutputBias { get; set; }
        public bool RelativePositionBias { get; set; }
        public int? Mask { get; set; }
        public bool ReturnWeights { get; set; }
        public float? Scale { get; set; }
        public int? Rotary { get; set; }
        public float? RotaryBase { get; set; }
        public int? RotaryDims { get; set; }
        public int? SlidingWindow { get; set; }
        public float? Softcap { get; set; }
        public bool Alibi { get; set; }
        public int? CacheTokens { get; set; }

        /// <summary>The value of a size argument by name, or null when not given.</summary>
        public int? Size(string name) => name switch
        {
            HeadsName => Heads,
            ModelDimName => ModelDim,
            TokensName => Tokens,
            QueryTokensName => QueryTokens,
            KeyTokensName => KeyTokens,
            QuerySizeName => QuerySize,
            KeySizeName => KeySize,
            ValueSizeName => ValueSize,
            KvHeadsName => KvHeads,
            HeadDimName => HeadDim,
            _ => null,
        };
    }
}
