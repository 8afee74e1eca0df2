using System;
using System.CodeDom.Compiler;
using System.IO;

namespace StaticAttention.Generator.Emitting
{
    /// <summary>A small indented writer for emitted source: lines, blank lines and braced blocks.</summary>
    internal sealed class CodeWriter
    {
        private readonly StringWriter _text = new StringWriter { NewLine = "\n" };
        private readonly IndentedTextWriter _writer;

        public CodeWriter() => _writer = new IndentedTextWriter(_text, "    ") { NewLine = "\n" };

        /// <summary>Writes one line at the current indentation.</summary>
        public void Line(string text = "")
        {
            if (text.Length == 0)
            {
                // No trailing indentation on blank lines.
                _writer.WriteLineNoTabs("");
                return;
            }
            _writer.WriteLine(text);
        }

        /// <summary>Writes <c>{</c>, indents, and writes <c>}</c> when disposed.</summary>
        public IDisposable Block(string? header = null)
        {
            if (header is not null) Line(header);
            Line("{");
            _writer.Indent++;
            return new BlockScope(this);
        }

        public override string ToString() => _text.ToString();

        private sealed class BlockScope : IDisposable
        {
            private readonly CodeWriter _owner;

            public BlockScope(CodeWriter owner) => _owner = owner;

            public void Dispose()
            {
                _owner._writer.Indent--;
                _owner.Line("}");
            }
        }
    }
}
