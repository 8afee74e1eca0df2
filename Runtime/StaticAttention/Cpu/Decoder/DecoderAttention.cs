using System;
using System.ComponentModel;
using System.Runtime.Intrinsics;
using StaticAttention.Internal.Cpu.Decoder;
using StaticAttention.Internal.Cpu.Vectors;
using StaticAttention.Internal.Threading;

namespace StaticAttention.Internal.Cpu
{
    /// <summary>
    /// The attention core of decoder layers: scores with the layer's <see cref="IDecoderScoreTerms"/> (scale, softcap, ALiBi,
    /// causal and window masks), softmax and the weighted sum of values, over keys and values in any strided layout (a
    /// projected qkv buffer, or a <see cref="KeyValueCache"/>), and the appending of new keys and values to a cache.
    /// </summary>
    /// <remarks>Allocates nothing per call (each thread keeps its working memory). The vector width is <see cref="CpuKernel.Width"/>.</remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static unsafe class DecoderAttention
    {
        /// <summary>
        /// Attends <paramref name="queryTokens"/> query rows of each of <paramref name="batch"/> items over
        /// <paramref name="keyCount"/> keys. Query row <c>i</c> of item <c>b</c> is row <c>b·queryTokens + i</c> of
        /// <paramref name="q"/> (<paramref name="qStride"/> apart, head <c>h</c> at column <c>h·headDim</c>) and has position
        /// <c>firstPosition + i</c>; keys <c>0..keyCount-1</c> have positions <c>0..keyCount-1</c>, element <c>c</c> of key
        /// <c>j</c> of key/value head <c>g</c> of item <c>b</c> at <c>k[b·kvItemStride + g·kvHeadStride + j·kvRowStride + c]</c>
        /// (<paramref name="v"/> alike). Query head <c>h</c> reads key/value head <c>h / (heads / kvHeads)</c>.
        /// <paramref name="context"/> is <c>[batch·queryTokens, heads·headDim]</c>.
        /// </summary>
        /// <remarks>
        /// Scores are <c>scale·q·k</c>, then the softcap, then ALiBi (<c>-alibiSlopes[h]·(p - j)</c>), then the masks; a row
        /// with no visible key gives zeros, and a NaN spreads over its row, as in PyTorch.
        /// </remarks>
        /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or a stride or position is negative.</exception>
        /// <exception cref="ArgumentException">The heads do not divide, or a span is too short for the sizes and strides.</exception>
        public static void Forward<TTerms>(TTerms terms,
            ReadOnlySpan<float> q, int qStride, ReadOnlySpan<float> k, ReadOnlySpan<float> v, int kvItemStride, int kvHeadStride, int kvRowStride,
            int batch, int heads, int kvHeads, int headDim, int queryTokens, int firstPosition, int keyCount, float scale,
            ReadOnlySpan<float> alibiSlopes, Span<float> context, WorkerPool pool, int maxDegreeOfParallelism)
            where TTerms : struct, IDecoderScoreTerms
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kvHeads);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headDim);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queryTokens);
            ArgumentOutOfRangeException.ThrowIfNegative(firstPosition);
            ArgumentOutOfRangeException.ThrowIfNegative(keyCount);
            ArgumentOutOfRangeException.ThrowIfNegative(kvItemStride);
            ArgumentOutOfRangeException.ThrowIfNegative(kvHeadStride);
            ArgumentOutOfRangeException.ThrowIfNegative(kvRowStride);
            if (heads % kvHeads != 0)
            {
                throw new ArgumentException($"{heads} query heads are not a multiple of {kvHeads} key/value heads.", nameof(kvHeads));
            }

            long width = (long)heads * headDim;
            if (qStride < width)
            {
                throw new ArgumentOutOfRangeException(nameof(qStride), qStride, $"The query row stride must be at least {heads}·{headDim} = {width}.");
            }

            long rows = (long)batch * queryTokens;
            if (q.Length < (rows - 1) * qStride + width)
            {
                Short(q.Length, (rows - 1) * qStride + width, nameof(q), $"{rows} rows of stride {qStride} holding {heads} heads of {headDim}");
            }

            if (context.Length < rows * width)
            {
                Short(context.Length, rows * width, nameof(context), $"[batch {batch}·{queryTokens} query rows, {heads}·{headDim}]");
            }

            long kvLength = keyCount == 0 ? 0 : (batch - 1) * (long)kvItemStride + (kvHeads - 1) * (long)kvHeadStride + (keyCount - 1) * (long)kvRowStride + headDim;
            if (k.Length < kvLength || v.Length < kvLength)
            {
                Short(k.Length < kvLength ? k.Length : v.Length, kvLength, k.Length < kvLength ? nameof(k) : nameof(v),
                    $"batch {batch}, {kvHeads} key/value heads, {keyCount} keys of {headDim} at strides {kvItemStride}, {kvHeadStride}, {kvRowStride}");
            }

            if (terms.Alibi && alibiSlopes.Length < heads) Short(alibiSlopes.Length, heads, nameof(alibiSlopes), "one slope per head");
            ArgumentNullException.ThrowIfNull(pool);

            fixed (float* qp = q, kp = k, vp = v, sp = alibiSlopes, cp = context)
            {
                if (CpuKernel.Width == VectorWidth.Vector512)
                {
                    Run<TTerms, Vector512<float>, Float512>(terms, qp, qStride, kp, vp, kvItemStride, kvHeadStride, kvRowStride,
                        batch, heads, kvHeads, headDim, queryTokens, firstPosition, keyCount, scale, sp, cp, pool, maxDegreeOfParallelism);
                }
                else
                {
                    Run<TTerms, Vector256<float>, Float256>(terms, qp, qStride, kp, vp, kvItemStride, kvHeadStride, kvRowStride,
                        batch, heads, kvHeads, headDim, queryTokens, firstPosition, keyCount, scale, sp, cp, pool, maxDegreeOfParallelism);
                }
            }
        }

        /// <summary>
        /// Writes the keys and values of <paramref name="tokens"/> new tokens per sequence into <paramref name="cache"/> at
        /// positions <c>cache.Length .. cache.Length + tokens - 1</c> and advances <c>cache.Length</c> by
        /// <paramref name="tokens"/>. <paramref name="k"/> and <paramref name="v"/> are rows <c>[cache.Batch·tokens]</c>,
        /// <paramref name="rowStride"/> apart, with key/value head <c>g</c> at columns <c>g·cache.HeadDim</c>.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="cache"/> is null.</exception>
        /// <exception cref="ObjectDisposedException"><paramref name="cache"/> is disposed.</exception>
        /// <exception cref="ArgumentException">The tokens do not fit in the cache, or a span is too short.</exception>
        public static void Append(KeyValueCache cache, ReadOnlySpan<float> k, ReadOnlySpan<float> v, int rowStride, int tokens)
        {
            ArgumentNullException.ThrowIfNull(cache);
            cache.ThrowIfDisposed();
            if (tokens <= 0 || tokens > cache.Capacity - cache.Length)
            {
                throw new ArgumentException(
                    $"Appending {tokens} tokens to a cache that holds {cache.Length} of its capacity of {cache.Capacity} tokens: between 1 and {cache.Capacity - cache.Length} fit.",
                    nameof(tokens));
            }

            int d = cache.HeadDim, width = cache.KvHeads * d;
            if (rowStride < width)
            {
                throw new ArgumentOutOfRangeException(nameof(rowStride), rowStride, $"The row stride must be at least {cache.KvHeads}·{d} = {width}.");
            }

            long rows = (long)cache.Batch * tokens, needed = (rows - 1) * rowStride + width;
            if (k.Length < needed || v.Length < needed)
            {
                Short(k.Length < needed ? k.Length : v.Length, needed, k.Length < needed ? nameof(k) : nameof(v),
                    $"{rows} rows ({cache.Batch} sequences of {tokens} tokens) of stride {rowStride} holding {cache.KvHeads} heads of {d}");
            }

            float[] keys = cache.Keys, values = cache.Values;
            int itemStride = cache.ItemStride, headStride = cache.HeadStride;
            for (int b = 0; b < cache.Batch; b++)
            {
                for (int t = 0; t < tokens; t++)
                {
                    int source = (b * tokens + t) * rowStride;
                    for (int g = 0; g < cache.KvHeads; g++)
                    {
                        int target = b * itemStride + g * headStride + (cache.Length + t) * d;
                        k.Slice(source + g * d, d).CopyTo(keys.AsSpan(target, d));
                        v.Slice(source + g * d, d).CopyTo(values.AsSpan(target, d));
                    }
                }
            }

            cache.Advance(tokens);
        }

        /// <summary>
        /// Attends <paramref name="queryTokens"/> query rows per sequence over everything in <paramref name="cache"/>: call it
        /// after <see cref="Append"/> of the same tokens, so the rows have positions <c>cache.Length - queryTokens ..
        /// cache.Length - 1</c>. <paramref name="q"/> is <c>[cache.Batch·queryTokens, qStride]</c>, <paramref name="context"/>
        /// <c>[cache.Batch·queryTokens, heads·cache.HeadDim]</c>.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="cache"/> is null.</exception>
        /// <exception cref="ObjectDisposedException"><paramref name="cache"/> is disposed.</exception>
        /// <exception cref="ArgumentException">The cache holds fewer than <paramref name="queryTokens"/> tokens, or a span is too short.</exception>
        public static void Forward<TTerms>(TTerms terms, ReadOnlySpan<float> q, int qStride, KeyValueCache cache, int heads, int queryTokens,
            float scale, ReadOnlySpan<float> alibiSlopes, Span<float> context, WorkerPool pool, int maxDegreeOfParallelism)
            where TTerms : struct, IDecoderScoreTerms
        {
            ArgumentNullException.ThrowIfNull(cache);
            cache.ThrowIfDisposed();
            if (queryTokens <= 0 || queryTokens > cache.Length)
            {
                throw new ArgumentException(
                    $"{queryTokens} query tokens per sequence, but the cache holds {cache.Length}: append the tokens' keys and values first.", nameof(queryTokens));
            }

            Forward(terms, q, qStride, cache.Keys, cache.Values, cache.ItemStride, cache.HeadStride, cache.HeadDim,
                cache.Batch, heads, cache.KvHeads, cache.HeadDim, queryTokens, cache.Length - queryTokens, cache.Length, scale,
                alibiSlopes, context, pool, maxDegreeOfParallelism);
        }

        private static void Run<TTerms, TV, TOps>(TTerms terms, float* q, int qStride, float* k, float* v, int kvItemStride, int kvHeadStride, int kvRowStride,
            int batch, int heads, int kvHeads, int headDim, int queryTokens, int firstPosition, int keyCount, float scale,
            float* slopes, float* context, WorkerPool pool, int maxDegreeOfParallelism)
            where TTerms : struct, IDecoderScoreTerms
            where TV : struct
            where TOps : struct, IFloatVectorOps<TV>
        {
            var operands = new DecoderOperands
            {
                Q = q, QStride = qStride, K = k, V = v,
                KvItemStride = kvItemStride, KvHeadStride = kvHeadStride, KvRowStride = kvRowStride,
                Batch = batch, Heads = heads, KvHeads = kvHeads, HeadDim = headDim, QueryTokens = queryTokens,
                FirstPosition = firstPosition, KeyCount = keyCount, Scale = scale, Slopes = slopes, Context = context,
            };
            if (headDim % (2 * TOps.Count) == 0)
            {
                // About 128 tile rows (query rows × the heads of a group) per job.
                int tileRowsPerJob = Math.Clamp(128 / (heads / kvHeads), 1, queryTokens);
                int tileChunks = (queryTokens + tileRowsPerJob - 1) / tileRowsPerJob;
                var tiles = new DecoderTiles<TTerms, TV, TOps> { Terms = terms, Op = operands, RowsPerJob = tileRowsPerJob, Chunks = tileChunks };
                pool.Run(ref tiles, tileChunks * batch * kvHeads, maxDegreeOfParallelism);
                return;
            }

            int rowsPerJob = Math.Min(queryTokens, 32);
            int chunks = (queryTokens + rowsPerJob - 1) / rowsPerJob;
            var job = new DecoderRows<TTerms, TV, TOps> { Terms = terms, Op = operands, RowsPerJob = rowsPerJob, Chunks = chunks };
            pool.Run(ref job, chunks * batch * kvHeads, maxDegreeOfParallelism);
        }

        private static void Short(long actual, long needed, string name, string shape) =>
            throw new ArgumentException($"{name} must have at least {needed} elements ({shape}), but has {actual}.", name);
    }
}
