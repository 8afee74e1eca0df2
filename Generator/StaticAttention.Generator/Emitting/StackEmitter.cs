using System;
using System.Threading;
using StaticAttention.Generator.Model;
using static StaticAttention.Generator.Emitting.Literals;

namespace StaticAttention.Generator.Emitting
{
    /// <summary>Writes a <c>[LayerStack]</c>: the layers as properties, a constructor, and a typed <c>Forward</c> through all of them.</summary>
    internal static class StackEmitter
    {
        public static string Emit(StackModel stack, CancellationToken cancellationToken)
        {
            var w = new CodeWriter();
            w.FileHeader(" from the [LayerStack] attribute on " + stack.ClassName);
            IDisposable hierarchy = w.Hierarchy(stack.Hierarchy);
            StackMember first = stack.Members[0], last = stack.Members[stack.Members.Length - 1];
            string input = DimensionsEmitter.Tensor(first.Tokens, first.InputFeatures);
            string output = DimensionsEmitter.Tensor(last.Tokens, last.OutputFeatures);
            w.Line("/// <summary>");
            w.Line("/// A stack of " + Int(stack.Members.Length) + " attention layers, checked at compile time: (" + Int(first.Tokens) + ", " +
                   Int(first.InputFeatures) + ") -> (" + Int(last.Tokens) + ", " + Int(last.OutputFeatures) + ") per batch item.");
            w.Line("/// </summary>");
            w.Line(RuntimeTypes.GeneratedCode);
            using (w.Block("partial class " + stack.ClassName))
            {
                w.Line("/// <summary>Sequence length through the stack.</summary>");
                w.Line("public const int Tokens = " + Int(first.Tokens) + ";");
                w.Line("/// <summary>Feature size of the stack's input.</summary>");
                w.Line("public const int InputFeatures = " + Int(first.InputFeatures) + ";");
                w.Line("/// <summary>Feature size of the stack's output.</summary>");
                w.Line("public const int OutputFeatures = " + Int(last.OutputFeatures) + ";");
                w.Line();
                var parameters = new string[stack.Members.Length];
                for (int i = 0; i < stack.Members.Length; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    StackMember m = stack.Members[i];
                    w.Line("/// <summary>Layer " + Int(i) + ": (" + Int(m.Tokens) + ", " + Int(m.InputFeatures) + ") -> (" + Int(m.Tokens) + ", " + Int(m.OutputFeatures) + ").</summary>");
                    w.Line("public " + m.TypeName + " Layer" + Int(i) + " { get; }");
                    parameters[i] = m.TypeName + " layer" + Int(i);
                }
                w.Line();
                w.Line("/// <summary>Builds the stack from its loaded layers, first to last.</summary>");
                w.Line("/// <exception cref=\"global::System.ArgumentNullException\">A layer is null.</exception>");
                using (w.Block("public " + stack.ClassName + "(" + string.Join(", ", parameters) + ")"))
                {
                    for (int i = 0; i < stack.Members.Length; i++)
                        w.Line("Layer" + Int(i) + " = layer" + Int(i) + " ?? throw new global::System.ArgumentNullException(nameof(layer" + Int(i) + "));");
                }
                w.Line();
                w.Line("/// <summary>Runs every layer in order and returns the last one's output (dispose it); intermediate tensors are disposed.</summary>");
                using (w.Block("public " + output + " Forward(" + input + " x)"))
                {
                    w.Line("global::System.ArgumentNullException.ThrowIfNull(x);");
                    if (stack.Members.Length == 1)
                    {
                        w.Line("return Layer0.Forward(x);");
                    }
                    else
                    {
                        var blocks = new IDisposable[stack.Members.Length - 1];
                        string current = "x";
                        for (int i = 0; i < stack.Members.Length - 1; i++)
                        {
                            w.Line("var h" + Int(i + 1) + " = Layer" + Int(i) + ".Forward(" + current + ");");
                            current = "h" + Int(i + 1);
                            blocks[i] = w.Block("using (" + current + ")");
                        }
                        w.Line("return Layer" + Int(stack.Members.Length - 1) + ".Forward(" + current + ");");
                        for (int i = blocks.Length - 1; i >= 0; i--) blocks[i].Dispose();
                    }
                }
            }
            hierarchy.Dispose();
            return w.ToString();
        }
    }
}
