using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticAttention.Tests.Kernels;

/// <summary>Small SIMD helpers over raw references; callers have checked the lengths.</summary>
internal static class VectorMath
{
    /// <summary>Returns <c>Σ_i a[i]·b[i]</c> over <paramref name="n"/> floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Dot(ref float a, ref float b, int n)
    {
        int i = 0;
        float s = 0f;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            Vector<float> acc = Vector<float>.Zero;
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                acc = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref a, (nuint)i), Vector.LoadUnsafe(ref b, (nuint)i), acc);
            }

            s = Vector.Sum(acc);
        }

        for (; i < n; i++)
        {
            s += Unsafe.Add(ref a, i) * Unsafe.Add(ref b, i);
        }

        return s;
    }

    /// <summary>Computes <c>y[i] += alpha·x[i]</c> over <paramref name="n"/> floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MultiplyAdd(float alpha, ref float x, ref float y, int n)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            Vector<float> a = new(alpha);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.FusedMultiplyAdd(a, Vector.LoadUnsafe(ref x, (nuint)i), Vector.LoadUnsafe(ref y, (nuint)i))
                    .StoreUnsafe(ref y, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref y, i) += alpha * Unsafe.Add(ref x, i);
        }
    }
}
