using Microsoft.CodeAnalysis.Text;

namespace StaticAttention.Generator.Tests;

/// <summary>An expected diagnostic marked in test source as <c>{|SA0001:text|}</c>: its ID and the span of <c>text</c>.</summary>
internal readonly record struct MarkedSpan(string Id, TextSpan Span);

/// <summary>
/// Parses the markup used by Roslyn's testing libraries, <c>{|ID:text|}</c> (not nested), into the plain source and the
/// marked spans in order of appearance. Several diagnostics on one span are written <c>{|SA0003,SA0006:text|}</c>.
/// </summary>
internal sealed record MarkupSource(string Source, IReadOnlyList<MarkedSpan> Spans)
{
    private const string Open = "{|";
    private const string Close = "|}";

    public static MarkupSource Parse(string markup)
    {
        var source = new System.Text.StringBuilder(markup.Length);
        var spans = new List<MarkedSpan>();
        int position = 0;
        while (true)
        {
            int open = markup.IndexOf(Open, position, StringComparison.Ordinal);
            if (open < 0)
            {
                source.Append(markup, position, markup.Length - position);
                break;
            }

            int colon = markup.IndexOf(':', open);
            int close = markup.IndexOf(Close, open, StringComparison.Ordinal);
            if (colon < 0 || close < 0 || colon > close)
            {
                throw new FormatException($"Unterminated markup at offset {open}: expected {{|ID:text|}}.");
            }

            source.Append(markup, position, open - position);
            string id = markup[(open + Open.Length)..colon];
            string text = markup[(colon + 1)..close];
            if (text.Contains(Open, StringComparison.Ordinal))
            {
                throw new FormatException($"Nested markup at offset {open} is not supported.");
            }

            foreach (string oneId in id.Split(','))
            {
                spans.Add(new MarkedSpan(oneId.Trim(), new TextSpan(source.Length, text.Length)));
            }

            source.Append(text);
            position = close + Close.Length;
        }

        return new MarkupSource(source.ToString(), spans);
    }
}
