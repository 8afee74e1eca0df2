namespace StaticAttention.Weights
{
    /// <summary>Conversions between <see cref="SafetensorsDType"/> and the header's dtype strings, and element sizes.</summary>
    public static class SafetensorsDTypes
    {
        /// <summary>Parses a header dtype string (case-sensitive, as the format writes it); false when unknown.</summary>
        public static bool TryParse(string text, out SafetensorsDType dtype)
        {
            switch (text)
            {
                case "BOOL": dtype = SafetensorsDType.Bool; return true;
                case "U8": dtype = SafetensorsDType.U8; return true;
                case "I8": dtype = SafetensorsDType.I8; return true;
                case "U16": dtype = SafetensorsDType.U16; return true;
                case "I16": dtype = SafetensorsDType.I16; return true;
                case "U32": dtype = SafetensorsDType.U32; return true;
                case "I32": dtype = SafetensorsDType.I32; return true;
                case "U64": dtype = SafetensorsDType.U64; return true;
                case "I64": dtype = SafetensorsDType.I64; return true;
                case "F16": dtype = SafetensorsDType.F16; return true;
                case "BF16": dtype = SafetensorsDType.BF16; return true;
                case "F32": dtype = SafetensorsDType.F32; return true;
                case "F64": dtype = SafetensorsDType.F64; return true;
                case "F8_E4M3": dtype = SafetensorsDType.F8E4M3; return true;
                case "F8_E5M2": dtype = SafetensorsDType.F8E5M2; return true;
                case "F8_E8M0": dtype = SafetensorsDType.F8E8M0; return true;
                case "C64": dtype = SafetensorsDType.C64; return true;
                default: dtype = default; return false;
            }
        }

        /// <summary>The dtype string the safetensors header uses for <paramref name="dtype"/> (for example <c>"BF16"</c>).</summary>
        public static string ToHeaderString(this SafetensorsDType dtype) => dtype switch
        {
            SafetensorsDType.Bool => "BOOL",
            SafetensorsDType.F8E4M3 => "F8_E4M3",
            SafetensorsDType.F8E5M2 => "F8_E5M2",
            SafetensorsDType.F8E8M0 => "F8_E8M0",
            _ => dtype.ToString(),
        };

        /// <summary>Bytes per element of <paramref name="dtype"/>.</summary>
        public static int SizeInBytes(this SafetensorsDType dtype) => dtype switch
        {
            SafetensorsDType.Bool or SafetensorsDType.U8 or SafetensorsDType.I8
                or SafetensorsDType.F8E4M3 or SafetensorsDType.F8E5M2 or SafetensorsDType.F8E8M0 => 1,
            SafetensorsDType.U16 or SafetensorsDType.I16 or SafetensorsDType.F16 or SafetensorsDType.BF16 => 2,
            SafetensorsDType.U32 or SafetensorsDType.I32 or SafetensorsDType.F32 => 4,
            _ => 8,
        };

        /// <summary>True for the dtypes <see cref="SafetensorsFile.ReadFloat32(SafetensorsTensor)"/> converts: F32, F16, BF16.</summary>
        public static bool IsFloat32Convertible(this SafetensorsDType dtype)
            => dtype is SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16;
    }
}
