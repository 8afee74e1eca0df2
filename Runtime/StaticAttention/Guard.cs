using System;
using System.ComponentModel;

namespace StaticAttention.Internal
{
    /// <summary>Argument checks shared by generated layers. Every failure is an <see cref="ArgumentException"/> naming the parameter and the numbers.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class Guard
    {
        /// <summary>
        /// Returns the batch implied by an input of <paramref name="length"/> elements with <paramref name="perItem"/>
        /// elements per batch item; throws unless it is whole and at least 1.
        /// </summary>
        /// <exception cref="ArgumentException"><paramref name="length"/> is not a whole, non-zero multiple of <paramref name="perItem"/>.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="perItem"/> is not positive.</exception>
        public static int Batch(int length, int perItem, string paramName) => Batch((long)length, perItem, paramName);

        /// <summary>
        /// <see cref="Batch(int, int, string)"/> for a 64-bit length, such as a device view's; the batch must also fit an
        /// <see cref="int"/>.
        /// </summary>
        /// <exception cref="ArgumentException"><paramref name="length"/> is not a whole, non-zero multiple of <paramref name="perItem"/>,
        /// or the batch exceeds <see cref="int.MaxValue"/>.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="perItem"/> is not positive.</exception>
        public static int Batch(long length, int perItem, string paramName)
        {
            if (perItem <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(perItem), perItem, "The number of elements per batch item must be positive.");
            }

            if (length <= 0 || length % perItem != 0 || length / perItem > int.MaxValue)
            {
                throw new ArgumentException(
                    $"{paramName} has {length} elements, but must hold a whole, non-zero number of items of {perItem} elements each.",
                    paramName);
            }

            return (int)(length / perItem);
        }

        /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="batch"/>·<paramref name="perItem"/> (computed without overflow).</summary>
        /// <param name="actual">The length that was passed.</param>
        /// <param name="batch">The batch, derived from the first input.</param>
        /// <param name="perItem">The elements this span needs per batch item.</param>
        /// <param name="paramName">The parameter's name, used in the message.</param>
        /// <param name="shape">A description of the expected shape, for example <c>[batch, QueryTokens 8, ModelDim 64]</c>.</param>
        /// <exception cref="ArgumentException">The lengths differ.</exception>
        public static void Length(int actual, int batch, int perItem, string paramName, string shape) =>
            Length((long)actual, batch, perItem, paramName, shape);

        /// <summary><see cref="Length(int, int, int, string, string)"/> for a 64-bit length, such as a device view's.</summary>
        /// <exception cref="ArgumentException">The lengths differ.</exception>
        public static void Length(long actual, int batch, int perItem, string paramName, string shape)
        {
            long expected = (long)batch * perItem;
            if (actual != expected)
            {
                throw new ArgumentException(
                    $"{paramName} must have {expected} elements ({shape} with batch {batch}), but has {actual}.", paramName);
            }
        }

        /// <summary>
        /// The scratch a call needs, <paramref name="batch"/>·<paramref name="perItem"/> floats; throws when that does not fit
        /// in one array, naming the input the batch came from.
        /// </summary>
        /// <exception cref="ArgumentException">The batch is too large for one call.</exception>
        public static int ScratchLength(int batch, int perItem, string paramName) => ScratchLength(batch, perItem, 0, paramName);

        /// <summary>
        /// The scratch a call needs, <paramref name="batch"/>·<paramref name="perItem"/> + <paramref name="fixedLength"/> floats;
        /// throws when that does not fit in one array, naming the input the batch came from.
        /// </summary>
        /// <exception cref="ArgumentException">The batch is too large for one call.</exception>
        public static int ScratchLength(int batch, int perItem, int fixedLength, string paramName)
        {
            long length = (long)batch * perItem + fixedLength;
            if (length > Array.MaxLength)
            {
                throw new ArgumentException(
                    $"A batch of {batch} needs {length} floats of scratch memory, more than one array can hold; split {paramName} into smaller batches.",
                    paramName);
            }

            return (int)length;
        }

        /// <summary>Returns <paramref name="value"/> when it is at least 1; throws otherwise.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is less than 1.</exception>
        public static int Positive(int value, string paramName)
        {
            if (value < 1)
            {
                throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be at least 1, but is {value}.");
            }

            return value;
        }

        /// <summary>
        /// The tokens per sequence that an input of <paramref name="inputLength"/> elements appends to <paramref name="cache"/>:
        /// <c>n = inputLength / (cache.Batch·elementsPerToken)</c>, which must be whole and in <c>[1, Capacity - Length]</c>.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="cache"/> is null.</exception>
        /// <exception cref="ObjectDisposedException"><paramref name="cache"/> is disposed.</exception>
        /// <exception cref="ArgumentException">The input is not a whole number of tokens per sequence, is empty, or does not fit in the cache.</exception>
        public static int AppendTokens(KeyValueCache cache, int inputLength, int elementsPerToken, string parameterName)
        {
            ArgumentNullException.ThrowIfNull(cache);
            cache.ThrowIfDisposed();
            long perToken = (long)cache.Batch * elementsPerToken;
            if (perToken <= 0 || inputLength <= 0 || inputLength % perToken != 0)
            {
                throw new ArgumentException(
                    $"{parameterName} has {inputLength} elements, but must hold a whole, non-zero number of tokens for each of the cache's batch of {cache.Batch} sequences, {elementsPerToken} elements per token.",
                    parameterName);
            }

            long tokens = inputLength / perToken;
            if (tokens > cache.Capacity - cache.Length)
            {
                throw new ArgumentException(
                    $"{parameterName} has {inputLength} elements: {tokens} tokens for each of the cache's batch of {cache.Batch} sequences ({elementsPerToken} elements per token), but the cache holds {cache.Length} of its capacity of {cache.Capacity} tokens, so only {cache.Capacity - cache.Length} more fit.",
                    parameterName);
            }

            return (int)tokens;
        }

        /// <summary>Throws unless every length is in <c>[0, keyTokens]</c>.</summary>
        /// <exception cref="ArgumentOutOfRangeException">A length is negative or greater than <paramref name="keyTokens"/>.</exception>
        public static void ValidLengths(ReadOnlySpan<int> validLengths, int keyTokens, string paramName)
        {
            for (int i = 0; i < validLengths.Length; i++)
            {
                int value = validLengths[i];
                if ((uint)value > (uint)keyTokens)
                {
                    throw new ArgumentOutOfRangeException(
                        paramName, value, $"{paramName}[{i}] is {value}, but every valid length must be in [0, {keyTokens}].");
                }
            }
        }
    }
}
