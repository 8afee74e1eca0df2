using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticAttention.Internal.Cpu
{
    /// <summary>
    /// A vectorised single-precision <c>exp</c> for the softmax: exp(x) = 2^n · exp(r) with n = round(x·log2 e) and
    /// r = x - n·ln 2 in [-ln2/2, ln2/2] (ln 2 split in two, Cody-Waite, with FMAs), exp(r) = 1 + r + r²·P(r) with
    /// Cephes' degree-5 minimax P. Relative error at most 2 ulp over x in [ln(float.MinNormal), 88.37].
    /// </summary>
    /// <remarks>
    /// Below ln(float.MinNormal) ≈ -87.3365 (including -inf) the result is 0 (no subnormals); above 88.37 it is +inf;
    /// NaN gives NaN. The three overloads compute the same operations in the same order, so a lane of a vector result is
    /// bitwise equal to the scalar result.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class FastExp
    {
        private const float Log2E = 1.44269504088896341f;
        private const float Ln2Hi = 0.693359375f;        // few bits, so n·Ln2Hi is exact
        private const float Ln2Lo = -2.12194440e-4f;     // ln 2 - Ln2Hi
        private const float RoundMagic = 12582912f;      // 1.5·2^23: adding it rounds to an integer in the low mantissa bits
        private const float Lowest = -87.33654f;         // ln(float.MinNormal): below, 0
        private const float Highest = 88.37f;            // n stays ≤ 127 up to here; above, +inf
        private const float P0 = 1.9875691500e-4f;
        private const float P1 = 1.3981999507e-3f;
        private const float P2 = 8.3334519073e-3f;
        private const float P3 = 4.1665795894e-2f;
        private const float P4 = 1.6666665459e-1f;
        private const float P5 = 5.0000001201e-1f;

        /// <summary>exp(<paramref name="x"/>), lane for lane equal to the vector overloads.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Exp(float x)
        {
            float t = MathF.FusedMultiplyAdd(x, Log2E, RoundMagic);
            float n = t - RoundMagic;
            float r = MathF.FusedMultiplyAdd(n, -Ln2Hi, x);
            r = MathF.FusedMultiplyAdd(n, -Ln2Lo, r);
            float p = MathF.FusedMultiplyAdd(P0, r, P1);
            p = MathF.FusedMultiplyAdd(p, r, P2);
            p = MathF.FusedMultiplyAdd(p, r, P3);
            p = MathF.FusedMultiplyAdd(p, r, P4);
            p = MathF.FusedMultiplyAdd(p, r, P5);
            float y = MathF.FusedMultiplyAdd(p, r * r, r + 1f);
            float scale = BitConverter.Int32BitsToSingle((BitConverter.SingleToInt32Bits(t) - BitConverter.SingleToInt32Bits(RoundMagic) + 127) << 23);
            float result = y * scale;
            if (x < Lowest) return 0f;
            if (x > Highest) return float.PositiveInfinity;
            return result;
        }

        /// <summary>exp of every lane of <paramref name="x"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Exp(Vector256<float> x)
        {
            Vector256<float> t = Vector256.FusedMultiplyAdd(x, Vector256.Create(Log2E), Vector256.Create(RoundMagic));
            Vector256<float> n = t - Vector256.Create(RoundMagic);
            Vector256<float> r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Hi), x);
            r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Lo), r);
            Vector256<float> p = Vector256.FusedMultiplyAdd(Vector256.Create(P0), r, Vector256.Create(P1));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P2));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P3));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P4));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P5));
            Vector256<float> y = Vector256.FusedMultiplyAdd(p, r * r, r + Vector256<float>.One);
            Vector256<int> bits = (t.AsInt32() - Vector256.Create(BitConverter.SingleToInt32Bits(RoundMagic) - 127)) << 23;
            Vector256<float> result = y * bits.AsSingle();
            result = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(Lowest)), Vector256<float>.Zero, result);
            return Vector256.ConditionalSelect(
                Vector256.GreaterThan(x, Vector256.Create(Highest)), Vector256.Create(float.PositiveInfinity), result);
        }

        /// <summary>exp of every lane of <paramref name="x"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Exp(Vector512<float> x)
        {
            Vector512<float> t = Vector512.FusedMultiplyAdd(x, Vector512.Create(Log2E), Vector512.Create(RoundMagic));
            Vector512<float> n = t - Vector512.Create(RoundMagic);
            Vector512<float> r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), x);
            r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
            Vector512<float> p = Vector512.FusedMultiplyAdd(Vector512.Create(P0), r, Vector512.Create(P1));
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P2));
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P3));
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P4));
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P5));
            Vector512<float> y = Vector512.FusedMultiplyAdd(p, r * r, r + Vector512<float>.One);
            Vector512<int> bits = (t.AsInt32() - Vector512.Create(BitConverter.SingleToInt32Bits(RoundMagic) - 127)) << 23;
            Vector512<float> result = y * bits.AsSingle();
            result = Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(Lowest)), Vector512<float>.Zero, result);
            return Vector512.ConditionalSelect(
                Vector512.GreaterThan(x, Vector512.Create(Highest)), Vector512.Create(float.PositiveInfinity), result);
        }

        private const float Magic2 = 12583039f;          // 1.5·2^23 + 127: t = x + Magic2 holds round(x) + 127 in its low mantissa bits
        private const float Lowest2 = -126f;              // log2(float.MinNormal): below, 0
        private const float Highest2 = 127f;              // above, +inf
        private const float Q0 = 1.535336188319500e-4f;   // Cephes exp2f: 2^r = 1 + r·Q(r), r in [-1/2, 1/2]
        private const float Q1 = 1.339887440266574e-3f;
        private const float Q2 = 9.618437357674640e-3f;
        private const float Q3 = 5.550332471162809e-2f;
        private const float Q4 = 2.402264791363012e-1f;
        private const float Q5 = 6.931472028550421e-1f;

        /// <summary>
        /// 2^<paramref name="x"/>: 2^n · 2^r with n = round(x), r = x − n (exact) in [-1/2, 1/2], 2^r = 1 + r·Q(r) with Cephes'
        /// degree-5 Q. Relative error at most 2 ulp over x in [-126, 127]; below -126 (including -inf) 0, above 127 +inf,
        /// NaN gives NaN. Lane for lane equal to the vector overloads.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Exp2(float x)
        {
            float t = x + Magic2;
            float n = t - Magic2;
            float r = x - n;
            float p = MathF.FusedMultiplyAdd(Q0, r, Q1);
            p = MathF.FusedMultiplyAdd(p, r, Q2);
            p = MathF.FusedMultiplyAdd(p, r, Q3);
            p = MathF.FusedMultiplyAdd(p, r, Q4);
            p = MathF.FusedMultiplyAdd(p, r, Q5);
            float y = MathF.FusedMultiplyAdd(p, r, 1f);
            float result = y * BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(t) << 23);
            if (x < Lowest2) return 0f;
            if (x > Highest2) return float.PositiveInfinity;
            return result;
        }

        /// <summary>2^x of every lane, as <see cref="Exp2(float)"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Exp2(Vector256<float> x) => Vector256.ConditionalSelect(
            Vector256.GreaterThan(x, Vector256.Create(Highest2)),
            Vector256.Create(float.PositiveInfinity),
            Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(Lowest2)), Vector256<float>.Zero, Exp2NonPositive(x)));

        /// <summary>2^x of every lane, as <see cref="Exp2(float)"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Exp2(Vector512<float> x) => Vector512.ConditionalSelect(
            Vector512.GreaterThan(x, Vector512.Create(Highest2)),
            Vector512.Create(float.PositiveInfinity),
            Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(Lowest2)), Vector512<float>.Zero, Exp2NonPositive(x)));

        /// <summary>
        /// 2^x of every lane for lanes at most <see cref="Highest2"/> (the softmax's x ≤ 0), NaN or -inf: <see cref="Exp2(float)"/>
        /// without the tests, x clamped below at -127 (whose scale bits are 0, so the result is 0). Equal to
        /// <see cref="Exp2(float)"/> for x in [-126, 127], x ≤ -127 and NaN; for x in (-127, -126) a tiny or subnormal value
        /// instead of 0 (no weight of a softmax, whose largest term is 1, is changed by it).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Exp2NonPositive(Vector256<float> x)
        {
            x = Vector256.MaxNative(Vector256.Create(Lowest2 - 1f), x); // -inf → -127, whose scale is 0; a NaN x stays (the second operand)
            Vector256<float> t = x + Vector256.Create(Magic2);
            Vector256<float> r = x - (t - Vector256.Create(Magic2));
            Vector256<float> p = Vector256.FusedMultiplyAdd(Vector256.Create(Q0), r, Vector256.Create(Q1));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(Q2));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(Q3));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(Q4));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(Q5));
            Vector256<float> y = Vector256.FusedMultiplyAdd(p, r, Vector256<float>.One);
            return y * (t.AsInt32() << 23).AsSingle();
        }

        /// <summary><see cref="Exp2NonPositive(Vector256{float})"/>, Vector512.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Exp2NonPositive(Vector512<float> x)
        {
            x = Vector512.MaxNative(Vector512.Create(Lowest2 - 1f), x); // -inf → -127, whose scale is 0; a NaN x stays (the second operand)
            Vector512<float> t = x + Vector512.Create(Magic2);
            Vector512<float> r = x - (t - Vector512.Create(Magic2));
            Vector512<float> p = Vector512.FusedMultiplyAdd(Vector512.Create(Q0), r, Vector512.Create(Q1));
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(Q2));
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(Q3));
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(Q4));
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(Q5));
            Vector512<float> y = Vector512.FusedMultiplyAdd(p, r, Vector512<float>.One);
            return y * (t.AsInt32() << 23).AsSingle();
        }
    }
}
