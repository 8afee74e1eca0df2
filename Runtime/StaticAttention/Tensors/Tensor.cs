using System;
using StaticAttention.Internal;

namespace StaticAttention.Tensors
{
    /// <summary>
    /// An activation <c>[Batch, TTokens, TFeatures]</c>, row-major, whose static dimensions are types: a generated layer's
    /// typed <c>Forward</c> takes and returns tensors whose types state its shapes, so wiring a <c>(8, 768)</c> activation
    /// where <c>(16, 768)</c> is expected is a compile error. The batch is the only dynamic dimension.
    /// </summary>
    /// <remarks>
    /// Each tensor owns a plain array of exactly <see cref="Length"/> floats, not pooled memory: a <see cref="Span"/> taken
    /// before <see cref="Dispose"/> still points at this tensor's own values afterwards, never at memory that another
    /// tensor has been given. <see cref="Dispose"/> drops the array (the garbage collector frees it), after which every
    /// member except <see cref="Batch"/> and <see cref="Length"/> throws <see cref="ObjectDisposedException"/>. For calls
    /// that allocate nothing, pass an output tensor to the layer's <c>Forward(x, output)</c> and reuse it. Convert from
    /// and to spans with <see cref="FromSpan"/> and <see cref="CopyTo"/>, which check the length. A tensor is not
    /// synchronised: share one between threads only for reading.
    /// </remarks>
    /// <typeparam name="TTokens">The sequence length, for example <c>D8</c>.</typeparam>
    /// <typeparam name="TFeatures">The feature size, for example <c>D768</c>.</typeparam>
    public sealed class Tensor<TTokens, TFeatures> : IDisposable
        where TTokens : IDimension
        where TFeatures : IDimension
    {
        private float[]? _array;

        /// <summary>Creates a zeroed tensor of <paramref name="batch"/> items of <c>Tokens·Features</c> floats.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="batch"/> is less than 1, or the tensor would not fit in one array.</exception>
        public Tensor(int batch)
        {
            Length = CheckedLength(batch, nameof(batch));
            Batch = batch;
            _array = new float[Length];
        }

        private Tensor(int batch, int length, float[] array)
        {
            Batch = batch;
            Length = length;
            _array = array;
        }

        /// <summary>The sequence length, <c>TTokens.Value</c>.</summary>
        public static int Tokens => TTokens.Value;

        /// <summary>The feature size, <c>TFeatures.Value</c>.</summary>
        public static int Features => TFeatures.Value;

        /// <summary>Floats per batch item, <c>Tokens·Features</c>.</summary>
        public static int ItemLength => checked(TTokens.Value * TFeatures.Value);

        /// <summary>The batch size, at least 1.</summary>
        public int Batch { get; }

        /// <summary>The number of floats, <c>Batch·Tokens·Features</c>.</summary>
        public int Length { get; }

        /// <summary>The values, <c>[Batch, Tokens, Features]</c> row-major.</summary>
        /// <exception cref="ObjectDisposedException">The tensor was disposed.</exception>
        public Span<float> Span => new Span<float>(Buffer, 0, Length);

        /// <summary>Batch item <paramref name="index"/>: <c>[Tokens, Features]</c>, row-major.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside <c>[0, Batch)</c>.</exception>
        /// <exception cref="ObjectDisposedException">The tensor was disposed.</exception>
        public Span<float> Item(int index)
        {
            if ((uint)index >= (uint)Batch)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index, $"index must be in [0, {Batch}), but is {index}.");
            }

            return new Span<float>(Buffer, index * ItemLength, ItemLength);
        }

        private float[] Buffer => _array ?? throw new ObjectDisposedException(nameof(Tensor<TTokens, TFeatures>));

        /// <summary>
        /// Copies <paramref name="source"/>, <c>[batch, Tokens, Features]</c> row-major, into a new tensor; the batch is
        /// <c>source.Length / (Tokens·Features)</c>.
        /// </summary>
        /// <exception cref="ArgumentException"><paramref name="source"/> is not a whole, non-zero number of items.</exception>
        public static Tensor<TTokens, TFeatures> FromSpan(ReadOnlySpan<float> source)
        {
            int batch = Guard.Batch(source.Length, ItemLength, nameof(source));
            return new Tensor<TTokens, TFeatures>(batch, source.Length, source.ToArray());
        }

        /// <summary>Copies the values into <paramref name="destination"/>, which must be exactly <see cref="Length"/> long.</summary>
        /// <exception cref="ArgumentException"><paramref name="destination"/> has another length.</exception>
        /// <exception cref="ObjectDisposedException">The tensor was disposed.</exception>
        public void CopyTo(Span<float> destination)
        {
            Guard.Length(destination.Length, Batch, ItemLength, nameof(destination), Shape);
            Span.CopyTo(destination);
        }

        /// <summary>The values as a new array.</summary>
        /// <exception cref="ObjectDisposedException">The tensor was disposed.</exception>
        public float[] ToArray() => Span.ToArray();

        /// <summary>The shape in words, for example <c>[batch 2, Tokens 8, Features 768]</c>.</summary>
        public string Shape => $"[batch {Batch}, Tokens {Tokens}, Features {Features}]";

        /// <inheritdoc/>
        public override string ToString() => $"Tensor{Shape}";

        /// <summary>Drops the tensor's array, so that later use throws <see cref="ObjectDisposedException"/>; later calls do nothing.</summary>
        public void Dispose() => _array = null;

        private static int CheckedLength(int batch, string paramName)
        {
            if (batch < 1)
            {
                throw new ArgumentOutOfRangeException(paramName, batch, $"{paramName} must be at least 1, but is {batch}.");
            }

            long length = (long)batch * ItemLength;
            if (length > System.Array.MaxLength)
            {
                throw new ArgumentOutOfRangeException(paramName, batch,
                    $"A batch of {batch} items of {ItemLength} floats ({length}) does not fit in one array.");
            }

            return (int)length;
        }
    }
}
