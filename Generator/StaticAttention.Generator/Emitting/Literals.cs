using System.Globalization;

namespace StaticAttention.Generator.Emitting
{
    /// <summary>C# literals for emitted code, culture-invariant and round-trippable.</summary>
    internal static class Literals
    {
        public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

        public static string Long(long value) => value.ToString(CultureInfo.InvariantCulture);

        public static string Float(float value) => value.ToString("R", CultureInfo.InvariantCulture) + "f";

        public static string Bool(bool value) => value ? "true" : "false";

        public static string String(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }
}
