using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticAttention.Internal.Cpu.Vectors
{
    /// <summary><see cref="IFloatVectorOps{TV}"/> for <see cref="Vector512{T}"/> of floats: AVX-512, 16 floats, 32 registers.</summary>
    internal readonly unsafe struct Float512 : IFloatVectorOps<Vector512<float>>
    {
        public static int Count => 16;

        public static int Registers => 32;

        public static Vector512<float> Zero
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Vector512<float>.Zero;
        }

        public static Vector512<float> Indices
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Vector512<float>.Indices;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Create(float value) => Vector512.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Load(float* source) => Vector512.Load(source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector512<float> value, float* destination) => value.Store(destination);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Divide(Vector512<float> a, Vector512<float> b) => a / b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> FusedMultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> MaxNative(Vector512<float> a, Vector512<float> b) => Vector512.MaxNative(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> ConditionalSelect(Vector512<float> mask, Vector512<float> whenTrue, Vector512<float> whenFalse) =>
            Vector512.ConditionalSelect(mask, whenTrue, whenFalse);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Equal(Vector512<float> a, Vector512<float> b) => Vector512.Equals(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> LessThan(Vector512<float> a, Vector512<float> b) => Vector512.LessThan(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> LessThanOrEqual(Vector512<float> a, Vector512<float> b) => Vector512.LessThanOrEqual(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool LessThanOrEqualAll(Vector512<float> a, Vector512<float> b) => Vector512.LessThanOrEqualAll(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static uint MostSignificantBits(Vector512<float> value) => (uint)value.ExtractMostSignificantBits();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sum(Vector512<float> value) => Vector512.Sum(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float HorizontalMax(Vector512<float> value)
        {
            Vector256<float> m8 = Vector256.MaxNative(value.GetLower(), value.GetUpper());
            Vector128<float> m4 = Vector128.MaxNative(m8.GetLower(), m8.GetUpper());
            return MathF.Max(MathF.Max(m4[0], m4[1]), MathF.Max(m4[2], m4[3]));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Exp(Vector512<float> x) => FastExp.Exp(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Exp2NonPositive(Vector512<float> x) => FastExp.Exp2NonPositive(x);
    }
}
