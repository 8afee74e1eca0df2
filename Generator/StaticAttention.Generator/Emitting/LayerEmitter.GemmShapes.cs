using StaticAttention.Generator.Model;
using static StaticAttention.Generator.Emitting.Literals;
using static StaticAttention.Generator.Emitting.RuntimeTypes;

namespace StaticAttention.Generator.Emitting
{
    internal static partial class LayerEmitter
    {
        /// <summary>
        /// One <c>IGemmShape</c> struct per projection: the sizes and tile counts as literals, so the runtime's
        /// <c>Gemm.Forward&lt;TShape&gt;</c> is compiled for this shape with constant loop bounds and no edge branches it lacks.
        /// </summary>
        private static void EmitGemmShapes(CodeWriter w, LayerModel l)
        {
            foreach (GemmShape shape in l.GemmShapes)
            {
                w.Line();
                w.Line("/// <summary>The shape of " + shape.What + ": [rows, " + Int(shape.Inner) + "] · [" + Int(shape.Width) + ", " + Int(shape.Inner) + "]ᵀ, rows = batch·tokens.</summary>");
                using (w.Block("private readonly struct " + shape.TypeName + " : " + IGemmShape))
                {
                    w.Line("// K = " + shape.InnerName + " = " + Int(shape.Inner) + " input features, N = " + shape.WidthName + " = " + Int(shape.Width) + " output features.");
                    w.Line("public static int Inner => " + Int(shape.Inner) + ";");
                    w.Line("public static int Width => " + Int(shape.Width) + ";");
                    w.Line();
                    w.Line("// Vector512 panels of 32 features: " + Int(shape.Width) + " = " + Int(shape.Panels32) + "·32 + " + Int(shape.Remainder32) + ".");
                    w.Line("public static int Panels32 => " + Int(shape.Panels32) + ";");
                    w.Line("public static int Remainder32 => " + Int(shape.Remainder32) + ";");
                    w.Line();
                    w.Line("// Vector256 panels of 16 features: " + Int(shape.Width) + " = " + Int(shape.Panels16) + "·16 + " + Int(shape.Remainder16) + ".");
                    w.Line("public static int Panels16 => " + Int(shape.Panels16) + ";");
                    w.Line("public static int Remainder16 => " + Int(shape.Remainder16) + ";");
                    w.Line();
                    w.Line(shape.DepthBlocks == 1
                        ? "// One k-block: all " + Int(shape.Inner) + " input features (a block holds at most " + Int(KernelLimits.GemmMaxBlockDepth) + ")."
                        : "// k-blocks of " + Int(shape.BlockDepth) + " input features, equal parts of at most " + Int(KernelLimits.GemmMaxBlockDepth) + ": " + Int(shape.Inner) + " = (" + Int(shape.DepthBlocks) + " - 1)·" + Int(shape.BlockDepth) + " + " + Int(shape.LastDepth) + ".");
                    w.Line("public static int BlockDepth => " + Int(shape.BlockDepth) + ";");
                    w.Line("public static int DepthBlocks => " + Int(shape.DepthBlocks) + ";");
                    w.Line("public static int LastDepth => " + Int(shape.LastDepth) + ";");
                }
            }
        }

        /// <summary>A projection through the packed GEMM with its static shape.</summary>
        private static void EmitGemmCall(CodeWriter w, GemmShape shape, string input, string rows, string output) =>
            w.Line(Gemm + ".Forward<" + shape.TypeName + ">(" + input + ", " + rows + ", _packed." + shape.Packed + ", " + output + ", " + WorkerPool + ".Shared, _maxDegreeOfParallelism);");
    }
}
