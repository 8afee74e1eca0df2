using StaticAttention.Reference;
using StaticAttention.Weights;

namespace StaticAttention.Package.Tests;

/// <summary>
/// The layer the consumer declares (<c>Heads = 2, ModelDim = 16, Tokens = 4</c>, fused qkv with biases, timm names),
/// its checkpoint and input, and the same computation done here with the runtime's reference implementation.
/// <see cref="Data"/> is written twice, here and in <see cref="Program"/>, on purpose: integer arithmetic giving
/// exactly representable floats, so both sides have the very same numbers.
/// </summary>
public static class TinyLayer
{
    public const int Heads = 2, ModelDim = 16, Tokens = 4, Batch = 3;

    /// <summary>
    /// The consumer's <c>Program.cs</c>: the README's minimal example (top-level statements, the layer in the global
    /// namespace) plus the lines that print what the test checks.
    /// </summary>
    public const string Program = """
        using System.Globalization;
        using StaticAttention;
        using StaticAttention.Weights;

        const int C = TinyAttention.ModelDim;
        string path = args.Length > 0 ? args[0] : "tiny.safetensors";

        // A tiny checkpoint with timm's names: qkv.weight [3C, C], qkv.bias [3C], proj.weight [C, C], proj.bias [C].
        SafetensorsWriter.Write(path, new (string Name, int[] Shape, float[] Data)[]
        {
            ("qkv.weight", new[] { 3 * C, C }, Data(3 * C * C, 1)),
            ("qkv.bias", new[] { 3 * C }, Data(3 * C, 2)),
            ("proj.weight", new[] { C, C }, Data(C * C, 3)),
            ("proj.bias", new[] { C }, Data(C, 4)),
        });

        var layer = TinyAttention.Load(path);                         // checks every name, shape and dtype
        float[] x = Data(3 * TinyAttention.Tokens * C, 5);            // (batch 3, Tokens, ModelDim)
        float[] y = new float[x.Length];
        layer.Forward(x: x, output: y);

        Console.WriteLine($"shape: Heads={TinyAttention.Heads} HeadDim={TinyAttention.HeadDim} ModelDim={TinyAttention.ModelDim} Tokens={TinyAttention.Tokens}");
        Console.WriteLine("checksum: " + y.Sum(v => (double)v).ToString("R", CultureInfo.InvariantCulture));
        Console.WriteLine("output: " + string.Join(' ', y.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));

        // Multiples of 1/32 in [-11/32, 11/32]: exact in float, so the test can recompute them bit for bit.
        static float[] Data(int count, int seed)
        {
            var data = new float[count];
            for (int i = 0; i < count; i++)
            {
                data[i] = ((i * 37 + seed * 101) % 23 - 11) / 32f;
            }

            return data;
        }

        [MultiHeadAttention(Heads = 2, ModelDim = 16, Tokens = 4, QkvBias = true, OutputBias = true)]
        public partial class TinyAttention;

        """;

    /// <summary>The same values as the consumer's <c>Data</c>: multiples of 1/32 in [-11/32, 11/32].</summary>
    public static float[] Data(int count, int seed)
    {
        var data = new float[count];
        for (int i = 0; i < count; i++)
        {
            data[i] = ((i * 37 + seed * 101) % 23 - 11) / 32f;
        }

        return data;
    }

    /// <summary>What the consumer's layer must print, from the double-precision reference implementation.</summary>
    public static float[] Expected()
    {
        const int c = ModelDim;
        AttentionLayerSpec spec = AttentionLayerSpec.Create(
            "TinyAttention", Heads, ModelDim, Tokens, Tokens,
            projections: Projections.Fused, qkvBias: true, outputBias: true, selfAttention: true);
        var weights = new AttentionWeights
        {
            Fused = Data(3 * c * c, 1),
            FusedBias = Data(3 * c, 2),
            Output = Data(c * c, 3),
            OutputBias = Data(c, 4),
        };
        float[] x = Data(Batch * Tokens * c, 5);
        float[] expected = new float[x.Length];
        ReferenceAttention.Forward(spec, weights, Batch, x, x, x, default, default, expected, default);
        return expected;
    }
}
