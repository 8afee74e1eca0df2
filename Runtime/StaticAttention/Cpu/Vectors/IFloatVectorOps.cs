using System.Runtime.Intrinsics;

namespace StaticAttention.Internal.Cpu.Vectors
{
    /// <summary>
    /// The operations the attention kernels need on one SIMD register of floats <typeparamref name="TV"/>
    /// (<see cref="Vector256{T}"/> or <see cref="Vector512{T}"/>), so that each kernel is written once and instantiated
    /// per width: <c>Kernel&lt;Vector512&lt;float&gt;, Float512&gt;</c> and <c>Kernel&lt;Vector256&lt;float&gt;, Float256&gt;</c>.
    /// </summary>
    /// <remarks>
    /// The kernels take the vector type itself as a type argument and every operation on it, arithmetic included (the
    /// reference assemblies do not expose the vectors' generic-math operator interfaces), as static members of a second, struct type argument. The JIT
    /// specialises each instantiation and inlines every member to the one instruction it wraps, so the code is the same as
    /// with the vector type written out. (Not a wrapper struct holding the vector: the register allocator adds a move after
    /// FMAs on a value's last use.) Kernels that are large should stay their own JIT roots
    /// (NoInlining), or the root they would be inlined into runs out of inlining budget and leaves members as calls.
    /// </remarks>
    /// <typeparam name="TV">The vector type.</typeparam>
    internal unsafe interface IFloatVectorOps<TV>
        where TV : struct
    {
        /// <summary>Floats per vector: 8 or 16.</summary>
        static abstract int Count { get; }

        /// <summary>Vector registers the instruction set has (16 with AVX2, 32 with AVX-512): kernels size their register tiles by it.</summary>
        static abstract int Registers { get; }

        /// <summary>All lanes zero.</summary>
        static abstract TV Zero { get; }

        /// <summary>Lane i holds i (0, 1, 2, ...).</summary>
        static abstract TV Indices { get; }

        /// <summary>Every lane <paramref name="value"/>.</summary>
        static abstract TV Create(float value);

        /// <summary>Loads <see cref="Count"/> floats (no alignment needed).</summary>
        static abstract TV Load(float* source);

        /// <summary>Stores the lanes of <paramref name="value"/> to <paramref name="destination"/> (no alignment needed).</summary>
        static abstract void Store(TV value, float* destination);

        /// <summary>Lane-wise <c>a + b</c>.</summary>
        static abstract TV Add(TV a, TV b);

        /// <summary>Lane-wise <c>a - b</c>.</summary>
        static abstract TV Subtract(TV a, TV b);

        /// <summary>Lane-wise <c>a · b</c>.</summary>
        static abstract TV Multiply(TV a, TV b);

        /// <summary>Lane-wise <c>a / b</c>.</summary>
        static abstract TV Divide(TV a, TV b);

        /// <summary><c>a·b + c</c> per lane, rounded once.</summary>
        static abstract TV FusedMultiplyAdd(TV a, TV b, TV c);

        /// <summary>The larger per lane, as the instruction gives it (with a NaN, the second operand).</summary>
        static abstract TV MaxNative(TV a, TV b);

        /// <summary>Per lane: <paramref name="whenTrue"/> where <paramref name="mask"/> is all ones, else <paramref name="whenFalse"/>.</summary>
        static abstract TV ConditionalSelect(TV mask, TV whenTrue, TV whenFalse);

        /// <summary>All ones per lane where <c>a == b</c>.</summary>
        static abstract TV Equal(TV a, TV b);

        /// <summary>All ones per lane where <c>a &lt; b</c>.</summary>
        static abstract TV LessThan(TV a, TV b);

        /// <summary>All ones per lane where <c>a &lt;= b</c>.</summary>
        static abstract TV LessThanOrEqual(TV a, TV b);

        /// <summary>Whether every lane of <paramref name="a"/> is at most the same lane of <paramref name="b"/> (false where either is NaN).</summary>
        static abstract bool LessThanOrEqualAll(TV a, TV b);

        /// <summary>Bit i set where lane i has its sign bit set (the lanes of a comparison mask).</summary>
        static abstract uint MostSignificantBits(TV value);

        /// <summary>The sum of the lanes.</summary>
        static abstract float Sum(TV value);

        /// <summary>The largest lane (native max on the halves, then <see cref="System.MathF.Max(float, float)"/> on the last four: a NaN lane may be dropped).</summary>
        static abstract float HorizontalMax(TV value);

        /// <summary><see cref="FastExp.Exp(Vector256{float})"/> of this width.</summary>
        static abstract TV Exp(TV x);

        /// <summary><see cref="FastExp.Exp2NonPositive(Vector256{float})"/> of this width.</summary>
        static abstract TV Exp2NonPositive(TV x);
    }
}
