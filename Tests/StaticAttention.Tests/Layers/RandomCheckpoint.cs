using StaticAttention.Weights;

namespace StaticAttention.Tests.Layers;

/// <summary>Deterministic random checkpoints for any layer spec, under timm (fused) or HF (separate) names.</summary>
public static class RandomCheckpoint
{
    public static MemoryStream For(AttentionLayerSpec spec, int seed)
    {
        var random = new Random(seed);
        var tensors = new List<(string, int[], float[])>();
        void Add(string name, params int[] shape)
        {
            int count = 1;
            foreach (int d in shape) count *= d;
            var data = new float[count];
            for (int i = 0; i < count; i++) data[i] = (float)(random.NextDouble() * 2 - 1) / MathF.Sqrt(shape[^1]);
            tensors.Add((name, shape, data));
        }

        switch (spec.Projections)
        {
            case Projections.Fused:
                Add("qkv.weight", spec.FusedWidth, spec.QuerySize);
                if (spec.QkvBias) Add("qkv.bias", spec.FusedWidth);
                break;
            case Projections.Separate:
                Add("q_proj.weight", spec.QueryWidth, spec.QuerySize);
                Add("k_proj.weight", spec.KvWidth, spec.KeySize);
                Add("v_proj.weight", spec.KvWidth, spec.ValueSize);
                if (spec.QkvBias)
                {
                    Add("q_proj.bias", spec.QueryWidth);
                    Add("k_proj.bias", spec.KvWidth);
                    Add("v_proj.bias", spec.KvWidth);
                }
                break;
        }
        if (spec.Projections != Projections.None)
        {
            Add(spec.Projections == Projections.Fused ? "proj.weight" : "o_proj.weight", spec.ModelDim, spec.QueryWidth);
            if (spec.OutputBias) Add(spec.Projections == Projections.Fused ? "proj.bias" : "o_proj.bias", spec.ModelDim);
        }
        if (spec.RelativePositionBias) Add("relative_position_bias_table", spec.RelativePositionRows, spec.Heads);

        var stream = new MemoryStream();
        SafetensorsWriter.Write(stream, tensors);
        stream.Position = 0;
        return stream;
    }

    public static float[] Values(int count, Random random, float scale = 1f)
    {
        var data = new float[count];
        for (int i = 0; i < count; i++) data[i] = (float)(random.NextDouble() * 2 - 1) * scale;
        return data;
    }
}
