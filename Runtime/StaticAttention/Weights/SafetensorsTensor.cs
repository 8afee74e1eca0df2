using System;
using System.Collections.Immutable;

namespace StaticAttention.Weights
{
    /// <summary>One tensor entry of a safetensors header, already validated: its dtype is known, its shape's element count
    /// times the dtype size equals its byte range, and the range lies inside the file's data area.</summary>
    public sealed class SafetensorsTensor
    {
        internal SafetensorsTensor(string name, SafetensorsDType dtype, ImmutableArray<int> shape, long elementCount, long dataBegin, long dataEnd)
        {
            Name = name;
            DType = dtype;
            Shape = shape;
            ElementCount = elementCount;
            DataBegin = dataBegin;
            DataEnd = dataEnd;
        }

        /// <summary>The tensor's full name in the file (for example <c>blocks.0.attn.qkv.weight</c>).</summary>
        public string Name { get; }

        /// <summary>The element type.</summary>
        public SafetensorsDType DType { get; }

        /// <summary>The dimensions, outermost first (row-major). Empty for a scalar.</summary>
        public ImmutableArray<int> Shape { get; }

        /// <summary>The number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
        public long ElementCount { get; }

        /// <summary>First byte of the data, relative to the first byte after the header.</summary>
        public long DataBegin { get; }

        /// <summary>One past the last byte of the data, relative to the first byte after the header.</summary>
        public long DataEnd { get; }

        /// <summary>The data's size in bytes: <c>DataEnd - DataBegin</c>.</summary>
        public long ByteLength => DataEnd - DataBegin;

        /// <summary>True when <see cref="Shape"/> equals <paramref name="expected"/> element by element.</summary>
        public bool HasShape(params ReadOnlySpan<int> expected)
        {
            if (Shape.Length != expected.Length) return false;
            for (int i = 0; i < expected.Length; i++)
            {
                if (Shape[i] != expected[i]) return false;
            }

            return true;
        }

        /// <summary>The shape as text, for example <c>[576, 192]</c>.</summary>
        public string ShapeText => ShapeFormat.Format(Shape.AsSpan());

        /// <inheritdoc/>
        public override string ToString() => $"{Name} {DType.ToHeaderString()} {ShapeText}";
    }
}
