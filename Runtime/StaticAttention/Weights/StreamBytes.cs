using System;
using System.Collections.Generic;
using System.IO;

namespace StaticAttention.Weights
{
    /// <summary>Reads a stream to its end without ever allocating for more bytes than it actually delivers.</summary>
    internal static class StreamBytes
    {
        private const int ChunkSize = 1 << 16;

        /// <summary>The bytes from the stream's position to its end: an array and how many of its bytes are filled.</summary>
        public static (byte[] Bytes, int Length) ReadToEnd(Stream stream)
        {
            if (!stream.CanRead) throw new ArgumentException("The stream is not readable.", nameof(stream));
            return stream.CanSeek ? ReadSeekable(stream) : ReadChunked(stream);
        }

        private static (byte[] Bytes, int Length) ReadSeekable(Stream stream)
        {
            long remaining = Math.Max(0, stream.Length - stream.Position);
            if (remaining > Array.MaxLength)
                throw new InvalidDataException(
                    $"Stream holds {remaining} bytes, more than fit in memory as one array ({Array.MaxLength}); open the file by path instead.");
            var bytes = new byte[remaining];
            int filled = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            return (bytes, filled);
        }

        private static (byte[] Bytes, int Length) ReadChunked(Stream stream)
        {
            var chunks = new List<byte[]>();
            long total = 0;
            while (true)
            {
                var chunk = new byte[ChunkSize];
                int filled = stream.ReadAtLeast(chunk, ChunkSize, throwOnEndOfStream: false);
                total += filled;
                if (total > Array.MaxLength)
                    throw new InvalidDataException(
                        $"Stream holds more than {Array.MaxLength} bytes, more than fit in memory as one array; open the file by path instead.");
                if (filled < ChunkSize)
                {
                    if (filled > 0) chunks.Add(chunk.AsSpan(0, filled).ToArray());
                    break;
                }

                chunks.Add(chunk);
            }

            var bytes = new byte[total];
            int offset = 0;
            foreach (byte[] chunk in chunks)
            {
                chunk.CopyTo(bytes, offset);
                offset += chunk.Length;
            }

            return (bytes, (int)total);
        }
    }
}
