using StaticAttention.Tests.Fixtures;
using System.Text;
using System.Text.Json;
using StaticAttention.Weights;
using static StaticAttention.Tests.Weights.SafetensorsBytes;

namespace StaticAttention.Tests.Weights;

/// <summary>Truncated and corrupt files: each is an <see cref="InvalidDataException"/> naming the tensor and the numbers.</summary>
public class SafetensorsBadInputTests
{
    private static InvalidDataException Rejects(byte[] bytes)
        => Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(new MemoryStream(bytes)).Dispose());

    private static InvalidDataException RejectsHeader(string header, int dataBytes = 64)
        => Rejects(Build(header, new byte[dataBytes]));

    private static void AssertContains(Exception e, params string[] parts)
    {
        foreach (string part in parts) Assert.Contains(part, e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(7)]
    public void FileShorterThanTheLengthPrefix(int length)
        => AssertContains(Rejects(new byte[length]), $"{length} bytes", "8-byte");

    [Fact]
    public void HeaderLengthBelowTwo() => AssertContains(Rejects(WithLength(1, "{}"u8.ToArray())), "length 1", "less than 2");

    [Fact]
    public void HeaderLengthBeyondTheFile()
        => AssertContains(Rejects(WithLength(100, "{}"u8.ToArray())), "length 100", "exceeds the 2 bytes");

    [Fact]
    public void HugeHeaderLength()
        => AssertContains(Rejects(WithLength(1UL << 63, "{}"u8.ToArray())), "9223372036854775808");

    [Fact]
    public void MaximalHeaderLength()
        => AssertContains(Rejects(WithLength(ulong.MaxValue, new byte[16])), ulong.MaxValue.ToString());

    [Fact]
    public void DataCutShort()
    {
        byte[] bytes = Write(("a", [4], Ramp(4)), ("b", [2, 2], Ramp(4)));
        int dataLength = 32;
        var e = Rejects(bytes[..^4]);
        AssertContains(e, "'b'", "[16, 32]", $"{dataLength - 4} bytes");
    }

    [Fact]
    public void EmptyFileOpenedByPath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"sa-empty-{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, []);
        try
        {
            AssertContains(Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path)), "0 bytes");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TruncatedFileOpenedByPath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"sa-cut-{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, File.ReadAllBytes(FixtureFiles.PathOf("gqa_causal.weights.safetensors"))[..^100]);
        try
        {
            AssertContains(Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path)), "'v_proj.weight'", "40960");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("{\"a\":}")]
    [InlineData("hello!!!")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},}")]
    [InlineData("{\"a\":1} trailing")]
    public void HeaderNotJson(string header)
    {
        var e = RejectsHeader(header);
        Assert.IsType<JsonException>(e.InnerException, exactMatch: false);
        AssertContains(e, "not valid JSON", $"({Encoding.UTF8.GetByteCount(header)} bytes)");
    }

    [Theory]
    [InlineData("[1,2]", "Array")]
    [InlineData("\"text\"", "String")]
    [InlineData("42", "Number")]
    public void HeaderNotAnObject(string header, string kind) => AssertContains(RejectsHeader(header), "JSON object", kind);

    [Fact]
    public void DeeplyNestedArrays() => AssertContains(RejectsHeader(new string('[', 10000)), "not valid JSON", "4 deep");

    [Fact]
    public void DeeplyNestedObjectsInsideAnEntry()
    {
        string header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[[[[[1]]]]],\"data_offsets\":[0,4]}}";
        AssertContains(RejectsHeader(header), "not valid JSON");
    }

    [Fact]
    public void InvalidUtf8InAName()
    {
        byte[] header = [.. "{\"a"u8, 0xFF, 0xFE, .. "\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"u8];
        AssertContains(Rejects(Build(header, new byte[4])), "UTF-8", $"({header.Length} bytes)");
    }

    [Theory]
    [InlineData("{\"\\ud800\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}")]
    [InlineData("{\"w\":{\"dtype\":\"F3\\udc00\",\"shape\":[1],\"data_offsets\":[0,4]}}")]
    [InlineData("{\"__metadata__\":{\"\\ud800x\":\"pt\"}}")]
    public void EscapedLoneSurrogate(string header) => Assert.Contains("UTF-16", RejectsHeader(header).Message);

    [Theory]
    [InlineData("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", "'dtype'")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", "'shape'")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", "'data_offsets'")]
    public void EntryMissingAField(string header, string field) => AssertContains(RejectsHeader(header), "'w'", field, "no");

    [Theory]
    [InlineData("{\"w\":5}", "Number")]
    [InlineData("{\"w\":{\"dtype\":5,\"shape\":[1],\"data_offsets\":[0,4]}}", "'dtype'")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}}", "'shape'")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":{}}}", "'data_offsets'")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}", "shape[0]")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", "shape[0]")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", "found 3")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,null]}}", "data_offsets[1]")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999]}}", "data_offsets[1]")]
    public void EntryWithWrongJsonKinds(string header, string detail) => AssertContains(RejectsHeader(header), "'w'", detail);

    [Fact]
    public void MetadataMustBeStrings()
        => AssertContains(RejectsHeader("{\"__metadata__\":{\"format\":1}}"), "__metadata__", "'format'", "Number");

    [Fact]
    public void MetadataIsIgnored()
    {
        using SafetensorsFile file = SafetensorsFile.Read(new MemoryStream(Build("{\"__metadata__\":{\"format\":\"pt\"}}")));
        Assert.Empty(file.Tensors);
    }

    [Fact]
    public void UnknownDType() => AssertContains(RejectsHeader("{" + Entry("w", "F33", "[1]", 0, 4) + "}"), "'w'", "unknown dtype 'F33'");

    [Fact]
    public void NegativeShapeDimension()
        => AssertContains(RejectsHeader("{" + Entry("w", "F32", "[2,-3]", 0, 4) + "}"), "'w'", "shape[1] = -3");

    [Fact]
    public void ShapeDimensionBeyondInt()
        => AssertContains(RejectsHeader("{" + Entry("w", "F32", "[4294967296]", 0, 4) + "}"), "'w'", "4294967296");

    [Fact]
    public void ShapeElementCountOverflows()
        => AssertContains(RejectsHeader("{" + Entry("w", "F32", "[2147483647,2147483647,4]", 0, 4) + "}"), "'w'", "[2147483647, 2147483647, 4]");

    [Fact]
    public void ShapeByteCountOverflows()
        => AssertContains(RejectsHeader("{" + Entry("w", "F64", "[2147483647,2147483647,2]", 0, 8) + "}"), "'w'", "9223372028264841218", "8 bytes");

    [Fact]
    public void ZeroDimensionMakesAnEmptyTensorWhateverTheOtherDimensions()
    {
        using SafetensorsFile file = SafetensorsFile.Read(new MemoryStream(Build("{" + Entry("w", "F32", "[2147483647,0,2147483647]", 0, 0) + "}")));
        Assert.Empty(file.ReadFloat32(file.GetTensor("w")));
    }

    [Fact]
    public void NegativeOffset()
        => AssertContains(RejectsHeader("{" + Entry("w", "F32", "[1]", -4, 0) + "}"), "'w'", "data_offsets[0] = -4");

    [Fact]
    public void ReversedOffsets()
        => AssertContains(RejectsHeader("{" + Entry("w", "F32", "[1]", 8, 4) + "}"), "'w'", "[8, 4]", "reversed");

    [Fact]
    public void OffsetsBeyondTheData()
        => AssertContains(RejectsHeader("{" + Entry("w", "F32", "[4]", 56, 72) + "}", dataBytes: 64), "'w'", "[56, 72]", "64 bytes");

    [Fact]
    public void OverlappingTensors()
    {
        string header = "{" + Entry("a", "F32", "[4]", 0, 16) + "," + Entry("b", "F32", "[4]", 12, 28) + "}";
        AssertContains(RejectsHeader(header), "'b'", "'a'", "[12, 28]", "[0, 16]", "overlap");
    }

    [Fact]
    public void ShapeDisagreesWithByteCount()
        => AssertContains(RejectsHeader("{" + Entry("w", "F32", "[3]", 0, 8) + "}"), "'w'", "[0, 8]", "8 bytes", "[3]", "12 bytes");

    [Fact]
    public void DuplicateTensorName()
    {
        string entry = Entry("w", "F32", "[1]", 0, 4);
        AssertContains(RejectsHeader("{" + entry + "," + entry + "}"), "'w'", "more than once");
    }

    [Fact]
    public void NonexistentPathIsFileNotFound()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"sa-missing-{Guid.NewGuid():N}", "weights.safetensors");
        var e = Assert.Throws<FileNotFoundException>(() => SafetensorsFile.Open(missing));
        Assert.Equal(missing, e.FileName);
    }

    [Fact]
    public void RandomCorruptionNeverEscapesAsAnotherExceptionType()
    {
        byte[] original = File.ReadAllBytes(FixtureFiles.PathOf("aim_temporal_qkv.weights.safetensors"));
        var random = new Random(1234);
        AttentionLayerSpec layer = AttentionLayerSpec.Create("TemporalAttention", heads: 4, modelDim: 64, queryTokens: 8, keyTokens: 8,
            qkvBias: true, outputBias: true, relativePositionBias: true, selfAttention: true);
        for (int trial = 0; trial < 300; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            int position = random.Next(0, 8 + 408);
            bytes[position] = (byte)random.Next(256);
            int length = trial % 3 == 0 ? random.Next(0, bytes.Length) : bytes.Length;
            try
            {
                using SafetensorsFile file = SafetensorsFile.Read(new MemoryStream(bytes, 0, length));
                foreach (SafetensorsTensor tensor in file.Tensors)
                {
                    if (tensor.DType.IsFloat32Convertible()) file.ReadFloat32(tensor);
                }

                AttentionWeights.Load(file, "", layer);
            }
            catch (InvalidDataException)
            {
            }
        }
    }
}
