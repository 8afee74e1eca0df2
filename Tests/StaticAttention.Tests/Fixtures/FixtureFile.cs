using StaticAttention.Weights;

namespace StaticAttention.Tests.Fixtures;

/// <summary>One fixture safetensors file (weights or io), read with the runtime's reader, with typed accessors for tests.</summary>
internal sealed class FixtureFile
{
    private readonly SafetensorsFile _file;

    public FixtureFile(string fileName)
    {
        using FileStream stream = File.OpenRead(FixtureFiles.PathOf(fileName));
        _file = SafetensorsFile.Read(stream);
    }

    public bool Has(string name) => _file.TryGetTensor(name, out _);

    public IReadOnlyList<int> Shape(string name) => _file.GetTensor(name).Shape;

    public float[] F32(string name) => _file.ReadFloat32(_file.GetTensor(name));

    public float[] F32OrEmpty(string name) => Has(name) ? F32(name) : [];

    /// <summary>An integer tensor (d2l's I64 valid_lens) as ints.</summary>
    public int[] I64AsInt(string name) => Array.ConvertAll(_file.ReadInt64(_file.GetTensor(name)), v => checked((int)v));

    /// <summary>A BOOL tensor, or an I64 0/1 mask read as value != 0.</summary>
    public bool[] Bool(string name) => Array.ConvertAll(_file.ReadInt64(_file.GetTensor(name)), v => v != 0);
}
