using System;
using System.Text;

namespace StaticAttention.Weights
{
    /// <summary>Formats shapes for exception messages, as <c>[576, 192]</c>.</summary>
    internal static class ShapeFormat
    {
        public static string Format(ReadOnlySpan<int> shape)
        {
            var text = new StringBuilder("[");
            for (int i = 0; i < shape.Length; i++)
            {
                if (i > 0) text.Append(", ");
                text.Append(shape[i]);
            }

            return text.Append(']').ToString();
        }
    }
}
