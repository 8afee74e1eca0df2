namespace StaticAttention.Weights
{
    /// <summary>
    /// The element types a safetensors header may name (its <c>"dtype"</c> strings). Every one parses; reading
    /// converts only the types the <c>Read*</c> methods of <see cref="SafetensorsFile"/> document.
    /// </summary>
    public enum SafetensorsDType
    {
        /// <summary><c>BOOL</c>: one byte, nonzero is true.</summary>
        Bool,

        /// <summary><c>U8</c>: unsigned 8-bit integer.</summary>
        U8,

        /// <summary><c>I8</c>: signed 8-bit integer.</summary>
        I8,

        /// <summary><c>U16</c>: unsigned 16-bit integer.</summary>
        U16,

        /// <summary><c>I16</c>: signed 16-bit integer.</summary>
        I16,

        /// <summary><c>U32</c>: unsigned 32-bit integer.</summary>
        U32,

        /// <summary><c>I32</c>: signed 32-bit integer.</summary>
        I32,

        /// <summary><c>U64</c>: unsigned 64-bit integer.</summary>
        U64,

        /// <summary><c>I64</c>: signed 64-bit integer.</summary>
        I64,

        /// <summary><c>F16</c>: IEEE 754 half precision.</summary>
        F16,

        /// <summary><c>BF16</c>: bfloat16, the upper 16 bits of an F32.</summary>
        BF16,

        /// <summary><c>F32</c>: IEEE 754 single precision.</summary>
        F32,

        /// <summary><c>F64</c>: IEEE 754 double precision.</summary>
        F64,

        /// <summary><c>F8_E4M3</c>: 8-bit float, 4 exponent bits, 3 mantissa bits.</summary>
        F8E4M3,

        /// <summary><c>F8_E5M2</c>: 8-bit float, 5 exponent bits, 2 mantissa bits.</summary>
        F8E5M2,

        /// <summary><c>F8_E8M0</c>: 8-bit exponent-only scale format.</summary>
        F8E8M0,

        /// <summary><c>C64</c>: complex number of two F32.</summary>
        C64,
    }
}
