using System.Buffers.Binary;
using System.Text.Json;

namespace StaticAttention.Tests.Reference;

/// <summary>
/// A minimal, test-only safetensors reader (F32, I64, BOOL) for the PyTorch fixtures, so the reference and the
/// kernels can be checked against PyTorch independently of the runtime's own loader.
/// </summary>
internal sealed class FixtureFile
{
    private readonly byte[] _bytes;
    private readonly Dictionary<string, (string Dtype, long Start, long End)> _tensors = new();
    private readonly long _dataStart;

    public FixtureFile(string name)
    {
        _bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(_bytes);
        _dataStart = 8 + headerLength;
        using var header = JsonDocument.Parse(_bytes.AsMemory(8, (int)headerLength));
        foreach (var property in header.RootElement.EnumerateObject())
        {
            if (property.Name == "__metadata__") continue;
            var offsets = property.Value.GetProperty("data_offsets");
            _tensors[property.Name] = (property.Value.GetProperty("dtype").GetString()!, offsets[0].GetInt64(), offsets[1].GetInt64());
        }
    }

    public bool Has(string name) => _tensors.ContainsKey(name);

    public float[] F32(string name)
    {
        var data = Data(name, "F32");
        var values = new float[data.Length / 4];
        for (int n = 0; n < values.Length; n++) values[n] = BinaryPrimitives.ReadSingleLittleEndian(data.Slice(4 * n));
        return values;
    }

    public float[] F32OrEmpty(string name) => Has(name) ? F32(name) : [];

    public int[] I64AsInt(string name)
    {
        var data = Data(name, "I64");
        var values = new int[data.Length / 8];
        for (int n = 0; n < values.Length; n++) values[n] = checked((int)BinaryPrimitives.ReadInt64LittleEndian(data.Slice(8 * n)));
        return values;
    }

    /// <summary>A BOOL tensor, or an I64 one read as value != 0.</summary>
    public bool[] Bool(string name)
    {
        if (_tensors[name].Dtype == "I64") return Array.ConvertAll(I64AsInt(name), v => v != 0);
        var data = Data(name, "BOOL");
        var values = new bool[data.Length];
        for (int n = 0; n < values.Length; n++) values[n] = data[n] != 0;
        return values;
    }

    private ReadOnlySpan<byte> Data(string name, string dtype)
    {
        var (actual, start, end) = _tensors[name];
        Assert.True(actual == dtype, $"{name} is {actual}, expected {dtype}");
        return _bytes.AsSpan((int)(_dataStart + start), (int)(end - start));
    }
}
