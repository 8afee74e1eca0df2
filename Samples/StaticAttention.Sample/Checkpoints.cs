using StaticAttention.Weights;

namespace StaticAttention.Sample;

/// <summary>Writes small deterministic checkpoints under the layers' usual PyTorch names, so the sample needs no download.</summary>
internal static class Checkpoints
{
    public static string WriteTemporal(string directory) => Write(directory, "temporal.safetensors", new Random(1),
        ("qkv.weight", [3 * 768, 768]), ("qkv.bias", [3 * 768]), ("proj.weight", [768, 768]), ("proj.bias", [768]),
        ("relative_position_bias_table", [2 * 8 - 1, 12]));

    public static string WriteD2l(string directory) => Write(directory, "d2l.safetensors", new Random(2),
        ("W_q.weight", [100, 64]), ("W_k.weight", [100, 48]), ("W_v.weight", [100, 32]), ("W_o.weight", [100, 100]));

    public static string WriteClassic(string directory) => Write(directory, "classic.safetensors", new Random(3),
        ("Wq.weight", [512, 512]), ("Wq.bias", [512]), ("Wk.weight", [512, 512]), ("Wk.bias", [512]),
        ("Wv.weight", [512, 512]), ("Wv.bias", [512]), ("fc.weight", [512, 512]), ("fc.bias", [512]));

    public static string WriteLlamaStyle(string directory) => Write(directory, "llama-style.safetensors", new Random(4),
        ("model.layers.0.self_attn.q_proj.weight", [256, 256]), ("model.layers.0.self_attn.k_proj.weight", [64, 256]),
        ("model.layers.0.self_attn.v_proj.weight", [64, 256]), ("model.layers.0.self_attn.o_proj.weight", [256, 256]));

    /// <summary>Uniform(-1/sqrt(in), 1/sqrt(in)) values, as nn.Linear initialises them.</summary>
    private static string Write(string directory, string file, Random random, params (string Name, int[] Shape)[] tensors)
    {
        var entries = new List<(string, int[], float[])>();
        foreach (var (name, shape) in tensors)
        {
            int count = 1;
            foreach (int d in shape) count *= d;
            float bound = 1f / MathF.Sqrt(shape[^1]);
            var data = new float[count];
            for (int i = 0; i < count; i++) data[i] = (float)(random.NextDouble() * 2 - 1) * bound;
            entries.Add((name, shape, data));
        }
        string path = Path.Combine(directory, file);
        SafetensorsWriter.Write(path, entries);
        return path;
    }
}
