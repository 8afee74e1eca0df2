using System.Runtime.InteropServices;

namespace StaticAttention.Gpu
{
    /// <summary>
    /// Four consecutive floats, 16 bytes: generated kernels read and write global and shared memory through views of
    /// this struct so that each access is one 16-byte instruction (<c>ld.shared.v4.f32</c>, <c>ld.global.v4.f32</c>).
    /// </summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
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
    }
}
