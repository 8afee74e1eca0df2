using System.Buffers.Binary;
using System.Text;

namespace StaticAttention.Tests.Weights;

/// <summary>Builds raw safetensors bytes, well-formed or not, for tests.</summary>
internal static class SafetensorsBytes
{
    /// <summary>An 8-byte length of <paramref name="header"/>, the header as UTF-8, then <paramref name="data"/>.</summary>
    public static byte[] Build(string header, byte[]? data = null) => Build(Encoding.UTF8.GetBytes(header), data);

    /// <summary>An 8-byte length of <paramref name="header"/>, the header bytes, then <paramref name="data"/>.</summary>
    public static byte[] Build(byte[] header, byte[]? data = null)
        => WithLength((ulong)header.Length, [.. header, .. data ?? []]);

    /// <summary>An arbitrary 8-byte header length followed by <paramref name="rest"/>.</summary>
    public static byte[] WithLength(ulong headerLength, byte[] rest)
    {
        var bytes = new byte[8 + rest.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength);
        rest.CopyTo(bytes, 8);
        return bytes;
    }

    /// <summary>A one-tensor header: <c>{"name":{"dtype":..,"shape":..,"data_offsets":[begin,end]}}</c>.</summary>
    public static string Entry(string name, string dtype, string shape, long begin, long end)
        => $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";

    /// <summary>Little-endian bytes of 16-bit values (F16 / BF16 bit patterns).</summary>
    public static byte[] UInt16s(params ushort[] values)
    {
        var bytes = new byte[2 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), values[i]);
        return bytes;
    }

    /// <summary>Little-endian bytes of 64-bit integers.</summary>
    public static byte[] Int64s(params long[] values)
    {
        var bytes = new byte[8 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8 * i), values[i]);
        return bytes;
    }

    /// <summary>Writes F32 tensors with the library's writer and returns the bytes.</summary>
    public static byte[] Write(params (string Name, int[] Shape, float[] Data)[] tensors)
    {
        using var stream = new MemoryStream();
        StaticAttention.Weights.SafetensorsWriter.Write(stream, tensors);
        return stream.ToArray();
    }

    /// <summary>Deterministic, distinct values <c>start, start + 0.5, ...</c> for <paramref name="count"/> elements.</summary>
    public static float[] Ramp(int count, float start = 0f)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = start + 0.5f * i;
        return values;
    }
}

/// <summary>A read-only stream that cannot seek, to exercise the chunked read path.</summary>
internal sealed class NonSeekableStream(byte[] bytes) : Stream
{
    private readonly MemoryStream _inner = new(bytes);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 1000));
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
