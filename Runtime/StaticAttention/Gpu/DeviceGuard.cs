using System;
using ILGPU;

namespace StaticAttention.Gpu
{
    /// <summary>
    /// Argument checks of the device (<see cref="ArrayView{T}"/>) overloads of generated layers; like <see cref="Guard"/>,
    /// every failure is an <see cref="ArgumentException"/> naming the parameter and the numbers.
    /// </summary>
    public static class DeviceGuard
    {
        /// <summary>The batch implied by a device input of <paramref name="length"/> elements, <paramref name="perItem"/> per item.</summary>
        /// <exception cref="ArgumentException">The length is not a whole, non-zero multiple of <paramref name="perItem"/>, or the batch does not fit an <see cref="int"/>.</exception>
        public static int Batch(long length, int perItem, string paramName)
        {
            if (length <= 0 || perItem <= 0 || length % perItem != 0 || length / perItem > int.MaxValue)
            {
                throw new ArgumentException(
                    $"{paramName} has {length} elements, but must hold a whole, non-zero number of items of {perItem} elements each.",
                    paramName);
            }

            return (int)(length / perItem);
        }

        /// <summary>Throws unless the view's <paramref name="actual"/> length equals <paramref name="batch"/>·<paramref name="perItem"/>.</summary>
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
    }
}
