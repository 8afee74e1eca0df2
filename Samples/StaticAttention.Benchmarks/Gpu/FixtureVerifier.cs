using System.Globalization;
using System.Text.Json;
using ILGPU.Runtime;
using StaticAttention.Weights;

namespace StaticAttention.Benchmarks.Gpu;

/// <summary>
/// <c>--verify</c>: every case of <c>Fixtures/cases.json</c> (copied beside the app) through its layer on the accelerator,
/// compared with PyTorch's expected outputs (and attention weights) to 1e-4 of the largest |expected|, as the tests do.
/// </summary>
public static class FixtureVerifier
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Runs every case; prints one line each; returns whether all passed.</summary>
    public static bool Run(Accelerator accelerator)
    {
        string directory = Path.Combine(AppContext.BaseDirectory, "Fixtures");
        using JsonDocument cases = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "cases.json")));
        bool ok = true;
        foreach (JsonElement item in cases.RootElement.EnumerateArray())
        {
            string name = item.GetProperty("name").GetString()!;
            string weights = Path.Combine(directory, item.GetProperty("weights").GetString()!);
            string prefix = item.GetProperty("weight_prefix").GetString()!;
            using SafetensorsFile io = SafetensorsFile.Open(Path.Combine(directory, item.GetProperty("io").GetString()!));
            (float[] Output, float[] Weights) actual = RunCase(name, weights, prefix, io, accelerator);
            double error = Error(io.ReadFloat32(io.GetTensor("expected.output")), actual.Output);
            if (actual.Weights.Length > 0) error = Math.Max(error, Error(io.ReadFloat32(io.GetTensor("expected.attention")), actual.Weights));
            bool pass = error <= 1e-4;
            ok &= pass;
            Console.WriteLine($"verify {name,-26} {(pass ? "ok  " : "FAIL")} max |error| / max |expected| = {error.ToString("E2", Inv)}");
        }

        return ok;
    }

    private static (float[] Output, float[] Weights) RunCase(string name, string weights, string prefix, SafetensorsFile io, Accelerator accelerator)
    {
        float[] F(string tensor) => io.ReadFloat32(io.GetTensor(tensor));
        int[] Lengths(string tensor) => Array.ConvertAll(io.ReadInt64(io.GetTensor(tensor)), v => checked((int)v));
        bool[] Mask(string tensor) => Array.ConvertAll(io.ReadInt64(io.GetTensor(tensor)), v => v != 0);
        int Batch(string tensor) => io.GetTensor(tensor).Shape[0];

        switch (name)
        {
            case "aim_temporal_qkv":
            {
                var layer = FixtureTemporalQkv.Load(weights, prefix);
                using var session = layer.UseAccelerator(accelerator);
                float[] x = F("x"), output = new float[x.Length];
                layer.Forward(x, output);
                return (output, []);
            }
            case "aim_temporal_noqkv":
            {
                var layer = FixtureTemporalNoQkv.Load(weights, prefix);
                using var session = layer.UseAccelerator(accelerator);
                float[] x = F("x"), output = new float[x.Length];
                layer.Forward(x, output);
                return (output, []);
            }
            case "d2l_valid_lens_1d":
            {
                var layer = FixtureD2lValidLengths.Load(weights, prefix);
                using var session = layer.UseAccelerator(accelerator);
                var output = new float[Batch("queries") * FixtureD2lValidLengths.QueryTokens * FixtureD2lValidLengths.ModelDim];
                layer.Forward(F("queries"), F("keys"), F("values"), Lengths("valid_lens"), output);
                return (output, []);
            }
            case "d2l_valid_lens_2d":
            {
                var layer = FixtureD2lPerQuery.Load(weights, prefix);
                using var session = layer.UseAccelerator(accelerator);
                var output = new float[Batch("queries") * FixtureD2lPerQuery.QueryTokens * FixtureD2lPerQuery.ModelDim];
                layer.Forward(F("queries"), F("keys"), F("values"), Lengths("valid_lens"), output);
                return (output, []);
            }
            case "seedc_mask_weights":
            {
                var layer = FixtureSeedCMasked.Load(weights, prefix);
                using var session = layer.UseAccelerator(accelerator);
                int batch = Batch("query");
                var output = new float[batch * FixtureSeedCMasked.QueryTokens * FixtureSeedCMasked.ModelDim];
                var attention = new float[batch * FixtureSeedCMasked.Heads * FixtureSeedCMasked.QueryTokens * FixtureSeedCMasked.KeyTokens];
                layer.Forward(F("query"), F("key"), F("value"), Mask("mask"), output, attention);
                return (output, attention);
            }
            case "seedc_cross":
            {
                var layer = FixtureSeedCCross.Load(weights, prefix);
                using var session = layer.UseAccelerator(accelerator);
                int batch = Batch("query");
                var output = new float[batch * FixtureSeedCCross.QueryTokens * FixtureSeedCCross.ModelDim];
                var attention = new float[batch * FixtureSeedCCross.Heads * FixtureSeedCCross.QueryTokens * FixtureSeedCCross.KeyTokens];
                layer.Forward(F("query"), F("key"), F("value"), output, attention);
                return (output, attention);
            }
            case "deit_tiny_block":
            {
                var layer = FixtureDeit.Load(weights, prefix);
                using var session = layer.UseAccelerator(accelerator);
                float[] x = F("x"), output = new float[x.Length];
                layer.Forward(x, output);
                return (output, []);
            }
            case "torch_mha_causal_padding":
            {
                var layer = FixtureTorchCausal.Load(weights, prefix);
                using var session = layer.UseAccelerator(accelerator);
                float[] x = F("x"), output = new float[x.Length];
                var attention = new float[Batch("x") * FixtureTorchCausal.Heads * FixtureTorchCausal.Tokens * FixtureTorchCausal.Tokens];
                layer.Forward(x, Mask("key_padding_mask"), output, attention);
                return (output, attention);
            }
            case "gqa_causal":
            {
                var layer = FixtureGqaCausal.Load(weights, prefix);
                using var session = layer.UseAccelerator(accelerator);
                float[] x = F("x"), output = new float[x.Length];
                layer.Forward(x, output);
                return (output, []);
            }
            default:
                throw new InvalidDataException($"cases.json has a case '{name}' that --verify does not know; add its layer to Gpu/GpuLayers.cs.");
        }
    }

    /// <summary>max |actual - expected| / max |expected| (NaN where NaN is expected counts as equal).</summary>
    private static double Error(float[] expected, float[] actual)
    {
        if (expected.Length != actual.Length) return double.PositiveInfinity;
        double scale = 0, worst = 0;
        foreach (float e in expected) if (float.IsFinite(e)) scale = Math.Max(scale, Math.Abs(e));
        for (int i = 0; i < expected.Length; i++)
        {
            if (float.IsNaN(expected[i])) { if (!float.IsNaN(actual[i])) return double.PositiveInfinity; continue; }
            double d = Math.Abs((double)expected[i] - actual[i]);
            if (double.IsNaN(d)) return double.PositiveInfinity;
            worst = Math.Max(worst, d);
        }

        return scale == 0 ? worst : worst / scale;
    }
}
