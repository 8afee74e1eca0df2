using System;

namespace StaticAttention
{
    /// <summary>Argument checks shared by generated layers. Every failure is an <see cref="ArgumentException"/> naming the parameter and the numbers.</summary>
    public static class Guard
    {
        /// <summary>
        /// Returns the batch implied by an input of <paramref name="length"/> elements with <paramref name="perItem"/>
        /// elements per batch item; throws unless it is whole and at least 1.
        /// </summary>
        public static int Batch(int length, int perItem, string paramName) => throw new NotImplementedException();

        /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
        public static void Length(int actual, int expected, string paramName, string shape) => throw new NotImplementedException();

        /// <summary>Throws unless every length is in <c>[0, keyTokens]</c>.</summary>
        public static void ValidLengths(ReadOnlySpan<int> validLengths, int keyTokens, string paramName) => throw new NotImplementedException();
    }
}
