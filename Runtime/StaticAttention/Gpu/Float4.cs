using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticAttention.Internal.Gpu
{
    /// <summary>
    /// Four consecutive floats, 16 bytes: generated kernels read and write global and shared memory through views of
    /// this struct so that each access is one 16-byte instruction (<c>ld.shared.v4.f32</c>, <c>ld.global.v4.f32</c>), and
    /// shuffle four rows' values (maxima, sums) across a warp together, one <c>Warp.ShuffleXor</c> per butterfly step.
    /// </summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public struct Float4
    {
        /// <summary>The first float.</summary>
        public float X;

        /// <summary>The second float.</summary>
        public float Y;

        /// <summary>The third float.</summary>
        public float Z;

        /// <summary>The fourth float.</summary>
        public float W;

        /// <summary>The four floats, in order.</summary>
        public Float4(float x, float y, float z, float w)
        {
            X = x;
            Y = y;
            Z = z;
            W = w;
        }

        /// <summary>The element-wise maximum.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float4 Max(Float4 a, Float4 b) =>
            new(System.MathF.Max(a.X, b.X), System.MathF.Max(a.Y, b.Y), System.MathF.Max(a.Z, b.Z), System.MathF.Max(a.W, b.W));

        /// <summary>The element-wise sum.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float4 Add(Float4 a, Float4 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z, a.W + b.W);
    }
}
