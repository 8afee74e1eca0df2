using System.Buffers.Binary;
using System.Text;
using StaticAttention.Weights;
using static StaticAttention.Tests.Weights.SafetensorsBytes;

namespace StaticAttention.Tests.Weights;

/// <summary>F16 and BF16 convert to F32 exactly; integer widening; dtype checks on reads; the writer round-trips.</summary>
public class SafetensorsConversionTests
{
    [Fact]
    public void F16ConvertsExactly()
    {
        // 1, -2, 65504 (largest), 2^-24 (smallest subnormal), +inf, 0.333251953125, -0.
        ushort[] bits = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00, 0x3555, 0x8000];
        float[] expected = [1f, -2f, 65504f, MathF.Pow(2, -24), float.PositiveInfinity, 0.333251953125f, -0f];
        using SafetensorsFile file = SafetensorsFile.Read(new MemoryStream(Build("{" + Entry("h", "F16", "[7]", 0, 14) + "}", UInt16s(bits))));

        float[] values = file.ReadFloat32(file.GetTensor("h"));

        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), values.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void BF16ConvertsExactly()
    {
        // 1, -3, +inf, 0.333984375, the smallest subnormal (bits 0x00010000), quiet NaN (bits kept).
        ushort[] bits = [0x3F80, 0xC040, 0x7F80, 0x3EAB, 0x0001, 0x7FC0];
        float[] expected = [1f, -3f, float.PositiveInfinity, 0.333984375f, BitConverter.Int32BitsToSingle(0x00010000), BitConverter.Int32BitsToSingle(0x7FC00000)];
        using SafetensorsFile file = SafetensorsFile.Read(new MemoryStream(Build("{" + Entry("b", "BF16", "[2,3]", 0, 12) + "}", UInt16s(bits))));

        float[] values = file.ReadFloat32(file.GetTensor("b"));

        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), values.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void NarrowIntegersWidenToInt64()
    {
        byte[] data = [0xFF, 0x7F, 0xFE, 0xFF, 0x05, 0x00, 0x00, 0x80];
        string header = "{" + Entry("i8", "I8", "[2]", 0, 2) + "," + Entry("i16", "I16", "[1]", 2, 4) + ","
            + Entry("i32", "I32", "[1]", 4, 8) + "}";
        using SafetensorsFile file = SafetensorsFile.Read(new MemoryStream(Build(header, data)));

        Assert.Equal([-1L, 127L], file.ReadInt64(file.GetTensor("i8")));
        Assert.Equal([-2L], file.ReadInt64(file.GetTensor("i16")));
        Assert.Equal([int.MinValue + 5L], file.ReadInt64(file.GetTensor("i32")));
    }

    [Fact]
    public void EveryKnownDTypeParsesWithItsSize()
    {
        (string DType, int Size)[] known =
        [
            ("F64", 8), ("F32", 4), ("F16", 2), ("BF16", 2), ("I64", 8), ("I32", 4), ("I16", 2), ("I8", 1), ("U64", 8), ("U32", 4),
            ("U16", 2), ("U8", 1), ("BOOL", 1), ("F8_E4M3", 1), ("F8_E5M2", 1), ("F8_E8M0", 1), ("C64", 8),
        ];
        var entries = new List<string>();
        long offset = 0;
        foreach ((string dtype, int size) in known)
        {
            entries.Add(Entry("t_" + dtype, dtype, "[3]", offset, offset + 3 * size));
            offset += 3 * size;
        }

        using SafetensorsFile file = SafetensorsFile.Read(new MemoryStream(Build("{" + string.Join(",", entries) + "}", new byte[offset])));

        Assert.Equal(known.Length, file.Tensors.Count);
        foreach ((string dtype, int size) in known)
        {
            SafetensorsTensor tensor = file.GetTensor("t_" + dtype);
            Assert.Equal(dtype, tensor.DType.ToHeaderString());
            Assert.Equal(size, tensor.DType.SizeInBytes());
        }
    }

    [Fact]
    public void ReadsRefuseOtherDTypesNamingTheTensorAndDType()
    {
        string header = "{" + Entry("ints", "I64", "[2]", 0, 16) + "," + Entry("floats", "F32", "[2]", 16, 24) + "}";
        using SafetensorsFile file = SafetensorsFile.Read(new MemoryStream(Build(header, new byte[24])));

        var asFloat = Assert.Throws<InvalidDataException>(() => file.ReadFloat32(file.GetTensor("ints")));
        Assert.Contains("'ints'", asFloat.Message);
        Assert.Contains("I64", asFloat.Message);
        var asInt = Assert.Throws<InvalidDataException>(() => file.ReadInt64(file.GetTensor("floats")));
        Assert.Contains("'floats'", asInt.Message);
        Assert.Contains("F32", asInt.Message);
        var asBool = Assert.Throws<InvalidDataException>(() => file.ReadBool(file.GetTensor("ints")));
        Assert.Contains("'ints'", asBool.Message);
    }

    [Fact]
    public void GetTensorOfAMissingNameThrowsInvalidDataListingNames()
    {
        using SafetensorsFile file = SafetensorsFile.Read(new MemoryStream(Write(("a", [1], [1f]))));

        var e = Assert.Throws<InvalidDataException>(() => file.GetTensor("b"));
        Assert.Contains("'b'", e.Message);
        Assert.Contains("'a'", e.Message);
        Assert.False(file.TryGetTensor("b", out _));
    }

    [Fact]
    public void ReadIntoSpanOfWrongLengthIsAnArgumentException()
    {
        using SafetensorsFile file = SafetensorsFile.Read(new MemoryStream(Write(("a", [2, 2], [1f, 2f, 3f, 4f]))));

        var e = Assert.Throws<ArgumentException>(() => file.ReadFloat32(file.GetTensor("a"), new float[3]));
        Assert.Contains("4", e.Message);
        Assert.Contains("3", e.Message);
    }

    [Fact]
    public void WriterSortsNamesPadsTheHeaderAndRoundTrips()
    {
        byte[] bytes = Write(("zeta", [2, 3], Ramp(6)), ("alpha", [4], Ramp(4, -1f)), ("scalar", [], [7f]));

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, headerLength % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.StartsWith("{\"alpha\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"scalar\"", header);
        Assert.Equal(8 + (int)headerLength + 4 * 11, bytes.Length);

        using SafetensorsFile file = SafetensorsFile.Read(new MemoryStream(bytes));
        Assert.Equal(["alpha", "scalar", "zeta"], file.Tensors.Select(t => t.Name));
        Assert.Equal([-1f, -0.5f, 0f, 0.5f], file.ReadFloat32(file.GetTensor("alpha")));
        Assert.Equal([7f], file.ReadFloat32(file.GetTensor("scalar")));
        Assert.Empty(file.GetTensor("scalar").Shape);
        Assert.Equal([2, 3], file.GetTensor("zeta").Shape);
        Assert.Equal(Ramp(6), file.ReadFloat32(file.GetTensor("zeta")));
        Assert.Equal(bytes, Write(("scalar", [], [7f]), ("alpha", [4], Ramp(4, -1f)), ("zeta", [2, 3], Ramp(6))));
    }

    [Fact]
    public void WriterToPathRoundTripsThroughOpen()
    {
        string path = Path.Combine(Path.GetTempPath(), $"sa-writer-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafetensorsWriter.Write(path, [("w", [3, 2], Ramp(6, 1f))]);
            using SafetensorsFile file = SafetensorsFile.Open(path);
            Assert.Equal(Ramp(6, 1f), file.ReadFloat32(file.GetTensor("w")));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void WriterRejectsBadTensors()
    {
        Assert.Throws<ArgumentException>(() => Write(("a", [2, 2], [1f])));
        Assert.Throws<ArgumentException>(() => Write(("a", [1], [1f]), ("a", [1], [2f])));
        Assert.Throws<ArgumentException>(() => Write(("__metadata__", [1], [1f])));
        Assert.Throws<ArgumentException>(() => Write(("a", [-1], [])));
    }
}
