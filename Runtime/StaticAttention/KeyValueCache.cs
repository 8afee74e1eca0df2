using System;

namespace StaticAttention
{
    /// <summary>
    /// The keys and values a decoder layer has seen so far, <c>[Batch, KvHeads, Capacity, HeadDim]</c> each, for incremental
    /// decoding: each cached <c>Forward</c> appends its tokens and attends over everything held. The memory is allocated
    /// once, when the cache is made (by the layer's <c>CreateCache</c>), and freed by <see cref="Dispose"/>.
    /// </summary>
    /// <remarks>
    /// Not thread-safe: a cache holds one decoding sequence per batch item, and its calls must not overlap. Each generated
    /// layer with a cache has its own derived cache type, so a cache made by a layer of another shape does not compile.
    /// </remarks>
    public abstract class KeyValueCache : IDisposable
    {
        private float[]? _keys;
        private float[]? _values;

        /// <summary>Allocates keys and values for <paramref name="batch"/> sequences of up to <paramref name="capacity"/> tokens.</summary>
        /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
        /// <exception cref="ArgumentException">The cache would hold more elements than one array can.</exception>
        protected KeyValueCache(int batch, int kvHeads, int capacity, int headDim)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kvHeads);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headDim);
            long length = (long)batch * kvHeads * capacity * headDim;
            if (length > Array.MaxLength)
            {
                throw new ArgumentException(
                    $"A cache of batch {batch}, {kvHeads} key/value heads, {capacity} tokens and head width {headDim} needs {length} floats each for keys and values, more than one array can hold.",
                    nameof(batch));
            }

            Batch = batch;
            KvHeads = kvHeads;
            Capacity = capacity;
            HeadDim = headDim;
            _keys = new float[length];
            _values = new float[length];
        }

        /// <summary>The number of sequences the cache holds.</summary>
        public int Batch { get; }

        /// <summary>The most tokens per sequence the cache can hold.</summary>
        public int Capacity { get; }

        /// <summary>The tokens per sequence held now: the position of the next token.</summary>
        public int Length { get; private set; }

        /// <summary>Key/value heads.</summary>
        public int KvHeads { get; }

        /// <summary>Per-head width.</summary>
        public int HeadDim { get; }

        /// <summary>Whether <see cref="Dispose"/> has freed the cache.</summary>
        public bool IsDisposed => _keys is null;

        /// <summary>Empties the cache (<see cref="Length"/> 0), keeping its memory for the next sequence.</summary>
        /// <exception cref="ObjectDisposedException">The cache is disposed.</exception>
        public void Reset()
        {
            ThrowIfDisposed();
            Length = 0;
        }

        /// <summary>Frees the keys and values; any later use of the cache throws <see cref="ObjectDisposedException"/>.</summary>
        public void Dispose()
        {
            _keys = null;
            _values = null;
            Length = 0;
            GC.SuppressFinalize(this);
        }

        /// <summary>The keys, <c>[Batch, KvHeads, Capacity, HeadDim]</c>.</summary>
        internal float[] Keys => _keys ?? throw Disposed();

        /// <summary>The values, <c>[Batch, KvHeads, Capacity, HeadDim]</c>.</summary>
        internal float[] Values => _values ?? throw Disposed();

        /// <summary>Elements between two batch items.</summary>
        internal int ItemStride => KvHeads * Capacity * HeadDim;

        /// <summary>Elements between two heads of one item.</summary>
        internal int HeadStride => Capacity * HeadDim;

        /// <summary>Adds <paramref name="tokens"/> to <see cref="Length"/>, once their keys and values are written.</summary>
        internal void Advance(int tokens) => Length += tokens;

        /// <summary>Throws <see cref="ObjectDisposedException"/> when the cache is disposed.</summary>
        internal void ThrowIfDisposed()
        {
            if (IsDisposed) throw Disposed();
        }

        private ObjectDisposedException Disposed() => new(GetType().FullName, "The key/value cache has been disposed.");
    }
}
