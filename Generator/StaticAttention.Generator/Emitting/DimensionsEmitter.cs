using System.Threading;
using StaticAttention.Generator.Model;
using static StaticAttention.Generator.Emitting.Literals;

namespace StaticAttention.Generator.Emitting
{
    /// <summary>
    /// Writes <c>StaticAttention.Dimensions.g.cs</c>: one marker struct <c>D{n} : IDimension</c> per size the compilation's
    /// layers use (and no referenced assembly already provides), so typed tensors can state static shapes.
    /// </summary>
    internal static class DimensionsEmitter
    {
        public const string HintName = "StaticAttention.Dimensions.g.cs";
        public const string Namespace = "StaticAttention.Dimensions";

        /// <summary>The marker type for <paramref name="size"/>, fully qualified.</summary>
        public static string Dimension(int size) => "global::" + Namespace + ".D" + Int(size);

        /// <summary>The typed tensor <c>Tensor&lt;D{tokens}, D{features}&gt;</c>, fully qualified.</summary>
        public static string Tensor(int tokens, int features) =>
            "global::StaticAttention.Tensors.Tensor<" + Dimension(tokens) + ", " + Dimension(features) + ">";

        public static string Emit(DimensionsModel model, CancellationToken cancellationToken)
        {
            var w = new CodeWriter();
            w.FileHeader(": the static dimensions this assembly's layers use");
            string visibility = model.Public ? "public" : "internal";
            using (w.Block("namespace " + Namespace))
            {
                for (int i = 0; i < model.Sizes.Length; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int size = model.Sizes[i];
                    if (i > 0) w.Line();
                    w.Line("/// <summary>The static dimension " + Int(size) + ", for typed tensors.</summary>");
                    w.Line(RuntimeTypes.GeneratedCode);
                    using (w.Block(visibility + " readonly struct D" + Int(size) + " : global::StaticAttention.Tensors.IDimension"))
                    {
                        w.Line("/// <summary>" + Int(size) + ".</summary>");
                        w.Line("public static int Value => " + Int(size) + ";");
                    }
                }
            }
            return w.ToString();
        }
    }
}
