using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticAttention.Internal.Cpu.Vectors
{
    /// <summary><see cref="IFloatVectorOps{TV}"/> for <see cref="Vector256{T}"/> of floats: AVX2, 8 floats, 16 registers.</summary>
    internal readonly unsafe struct Float256 : IFloatVectorOps<Vector256<float>>
    {
        public static int Count => 8;

        public static int Registers => 16;

        public static Vector256<float> Zero
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Vector256<float>.Zero;
        }

        public static Vector256<float> Indices
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Vector256<float>.Indices;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Create(float value) => Vector256.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(float* source) => Vector256.Load(source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector256<float> value, float* destination) => value.Store(destination);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> FusedMultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> MaxNative(Vector256<float> a, Vector256<float> b) => Vector256.MaxNative(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> ConditionalSelect(Vector256<float> mask, Vector256<float> whenTrue, Vector256<float> whenFalse) =>
            Vector256.ConditionalSelect(mask, whenTrue, whenFalse);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Equal(Vector256<float> a, Vector256<float> b) => Vector256.Equals(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> LessThan(Vector256<float> a, Vector256<float> b) => Vector256.LessThan(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> LessThanOrEqual(Vector256<float> a, Vector256<float> b) => Vector256.LessThanOrEqual(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool LessThanOrEqualAll(Vector256<float> a, Vector256<float> b) => Vector256.LessThanOrEqualAll(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static uint MostSignificantBits(Vector256<float> value) => (uint)value.ExtractMostSignificantBits();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sum(Vector256<float> value) => Vector256.Sum(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float HorizontalMax(Vector256<float> value)
        {
            Vector128<float> m4 = Vector128.MaxNative(value.GetLower(), value.GetUpper());
            return MathF.Max(MathF.Max(m4[0], m4[1]), MathF.Max(m4[2], m4[3]));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Exp(Vector256<float> x) => FastExp.Exp(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Exp2NonPositive(Vector256<float> x) => FastExp.Exp2NonPositive(x);
    }
}
