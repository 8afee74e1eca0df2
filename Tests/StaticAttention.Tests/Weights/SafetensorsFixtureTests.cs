using StaticAttention.Tests.Fixtures;
using StaticAttention.Weights;

namespace StaticAttention.Tests.Weights;

/// <summary>Reads every fixture weights and io file and checks names, dtypes, shapes and some values.</summary>
public class SafetensorsFixtureTests
{
    public static TheoryData<string> CaseNames => new(FixtureFiles.Cases.Select(c => c.Name));

    [Fact]
    public void CasesJsonListsAllNineCases() => Assert.Equal(9, FixtureFiles.Cases.Count);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void WeightsFileHoldsTheListedTensorsAsF32(string caseName)
    {
        FixtureDescription fixture = FixtureFiles.Case(caseName);
        using SafetensorsFile file = SafetensorsFile.Open(FixtureFiles.PathOf(fixture.Weights));

        foreach (string name in fixture.WeightNames)
        {
            Assert.True(file.TryGetTensor(name, out SafetensorsTensor tensor), name);
            Assert.Equal(SafetensorsDType.F32, tensor.DType);
            Assert.Equal(tensor.ElementCount * 4, tensor.ByteLength);
            float[] values = file.ReadFloat32(tensor);
            Assert.Equal(tensor.ElementCount, values.Length);
            Assert.All(values, v => Assert.True(float.IsFinite(v)));
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void IoFileHoldsTheListedInputsAndExpectedOutputs(string caseName)
    {
        FixtureDescription fixture = FixtureFiles.Case(caseName);
        using SafetensorsFile file = SafetensorsFile.Open(FixtureFiles.PathOf(fixture.Io));

        foreach (string description in fixture.Inputs)
        {
            // "x F32 [6,8,64]"
            string[] parts = description.Split(' ');
            SafetensorsTensor tensor = file.GetTensor(parts[0]);
            Assert.Equal(parts[1], tensor.DType.ToHeaderString());
            Assert.Equal(parts[2], "[" + string.Join(",", tensor.Shape) + "]");
        }

        foreach (string description in fixture.Expected)
        {
            // "expected.output [6,8,64]"
            string[] parts = description.Split(' ');
            SafetensorsTensor tensor = file.GetTensor(parts[0]);
            Assert.Equal(SafetensorsDType.F32, tensor.DType);
            Assert.Equal(parts[1], "[" + string.Join(",", tensor.Shape) + "]");
        }

        Assert.Equal(fixture.Inputs.Length + fixture.Expected.Length, file.Tensors.Count);
    }

    [Fact]
    public void TimmWeightsHaveTheirShapesAndFirstValues()
    {
        using SafetensorsFile file = SafetensorsFile.Open(FixtureFiles.PathOf("aim_temporal_qkv.weights.safetensors"));

        Assert.Equal(["proj.bias", "proj.weight", "qkv.bias", "qkv.weight", "relative_position_bias_table"], file.Tensors.Select(t => t.Name));
        SafetensorsTensor qkv = file.GetTensor("qkv.weight");
        Assert.Equal([192, 64], qkv.Shape);
        Assert.Equal("[192, 64]", qkv.ShapeText);
        Assert.Equal(12288, qkv.ElementCount);
        Assert.Equal(17408, qkv.DataBegin);
        Assert.Equal(66560, qkv.DataEnd);
        float[] values = file.ReadFloat32(qkv);
        Assert.Equal(-0.08773957192897797f, values[0]);
        Assert.Equal(-0.003361716866493225f, values[1]);
        Assert.Equal([15, 4], file.GetTensor("relative_position_bias_table").Shape);
    }

    [Fact]
    public void D2lValidLensReadAsInt64()
    {
        using SafetensorsFile file1 = SafetensorsFile.Open(FixtureFiles.PathOf("d2l_valid_lens_1d.io.safetensors"));
        SafetensorsTensor lens1 = file1.GetTensor("valid_lens");
        Assert.Equal(SafetensorsDType.I64, lens1.DType);
        Assert.Equal([3L, 6L, 0L], file1.ReadInt64(lens1));

        using SafetensorsFile file2 = SafetensorsFile.Open(FixtureFiles.PathOf("d2l_valid_lens_2d.io.safetensors"));
        SafetensorsTensor lens2 = file2.GetTensor("valid_lens");
        Assert.Equal([2, 3], lens2.Shape);
        Assert.Equal([1L, 2L, 5L, 5L, 0L, 3L], file2.ReadInt64(lens2));
    }

    [Fact]
    public void SeedCMaskReadsAsInt64ZerosAndOnes()
    {
        using SafetensorsFile file = SafetensorsFile.Open(FixtureFiles.PathOf("seedc_mask_weights.io.safetensors"));
        long[] mask = file.ReadInt64(file.GetTensor("mask"));

        Assert.Equal(200, mask.Length);
        Assert.Equal([1L, 1L, 1L, 1L, 1L, 1L, 1L, 0L, 0L, 0L], mask[..10]);
        Assert.Equal(160, mask.Sum());
        Assert.All(mask, m => Assert.True(m is 0 or 1));
    }

    [Fact]
    public void KeyPaddingMaskReadsAsBoolAndTheUnalignedF32AfterItReadsToo()
    {
        using SafetensorsFile file = SafetensorsFile.Open(FixtureFiles.PathOf("torch_mha_causal_padding.io.safetensors"));
        SafetensorsTensor maskTensor = file.GetTensor("key_padding_mask");
        Assert.Equal(SafetensorsDType.Bool, maskTensor.DType);
        Assert.Equal([3, 7], maskTensor.Shape);

        bool[] mask = file.ReadBool(maskTensor);
        int[] padded = Enumerable.Range(0, mask.Length).Where(i => mask[i]).ToArray();
        Assert.Equal([13, 19, 20], padded);
        Assert.Equal([0L, 0L, 0L, 0L, 0L, 0L, 0L], file.ReadInt64(maskTensor)[..7]);

        // x starts at data offset 5061, not a multiple of 4.
        SafetensorsTensor x = file.GetTensor("x");
        Assert.Equal(5061, x.DataBegin);
        float[] values = file.ReadFloat32(x);
        using var stream = File.OpenRead(FixtureFiles.PathOf("torch_mha_causal_padding.io.safetensors"));
        using SafetensorsFile copy = SafetensorsFile.Read(stream);
        Assert.Equal(values, copy.ReadFloat32(copy.GetTensor("x")));
    }

    [Fact]
    public void StreamAndNonSeekableStreamReadTheSameAsTheMappedFile()
    {
        string path = FixtureFiles.PathOf("deit_tiny_block.weights.safetensors");
        using SafetensorsFile mapped = SafetensorsFile.Open(path);
        using SafetensorsFile chunked = SafetensorsFile.Read(new NonSeekableStream(File.ReadAllBytes(path)));

        Assert.Equal(mapped.Length, chunked.Length);
        Assert.Equal(mapped.Tensors.Select(t => t.ToString()), chunked.Tensors.Select(t => t.ToString()));
        foreach (SafetensorsTensor tensor in mapped.Tensors)
        {
            Assert.Equal(mapped.ReadFloat32(tensor), chunked.ReadFloat32(chunked.GetTensor(tensor.Name)));
        }
    }

    [Fact]
    public void ReadingAfterDisposeThrowsObjectDisposed()
    {
        SafetensorsFile file = SafetensorsFile.Open(FixtureFiles.PathOf("gqa_causal.weights.safetensors"));
        SafetensorsTensor tensor = file.GetTensor("q_proj.weight");
        file.Dispose();

        Assert.Throws<ObjectDisposedException>(() => file.ReadFloat32(tensor));
    }
}
