using System.Collections.Generic;
using System.Text;

namespace StaticAttention.Weights
{
    /// <summary>Lists tensor names in exception messages, capped so a large checkpoint stays readable.</summary>
    internal static class NameList
    {
        /// <summary>The first <paramref name="limit"/> names, comma separated, with "... (N more)" when cut; "(none)" when empty.</summary>
        public static string Describe(IReadOnlyList<SafetensorsTensor> tensors, int limit)
        {
            var names = new List<string>(tensors.Count);
            foreach (SafetensorsTensor tensor in tensors) names.Add(tensor.Name);
            return Describe(names, limit);
        }

        /// <summary>The first <paramref name="limit"/> names, comma separated, with "... (N more)" when cut; "(none)" when empty.</summary>
        public static string Describe(IReadOnlyList<string> names, int limit)
        {
            if (names.Count == 0) return "(none)";
            var text = new StringBuilder();
            for (int i = 0; i < names.Count && i < limit; i++)
            {
                if (i > 0) text.Append(", ");
                text.Append('\'').Append(names[i]).Append('\'');
            }

            if (names.Count > limit) text.Append(", ... (").Append(names.Count - limit).Append(" more)");
            return text.ToString();
        }
    }
}
