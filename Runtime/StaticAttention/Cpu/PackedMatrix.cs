using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticAttention.Internal.Cpu
{
    /// <summary>
    /// A weight matrix <c>W [outFeatures, inFeatures]</c> (PyTorch <c>nn.Linear</c> layout) and optional bias
    /// <c>[outFeatures]</c>, packed once, at load, into the panel layout that <see cref="Gemm"/>'s microkernel reads.
    /// </summary>
    /// <remarks>
    /// Layout: the input features are cut into blocks of <c>KC</c> (the last one shorter), the output features into panels
    /// of <c>NR</c> (the last one zero-padded). Block by block, panel by panel, each panel is stored k-major: for every input
    /// feature k of the block, the <c>NR</c> weights <c>W[panel·NR + j, k]</c> side by side, so the microkernel loads one
    /// panel row per k step. The data sits in a pinned, 64-byte aligned array. Immutable, so one instance may serve any
    /// number of threads.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed unsafe class PackedMatrix
    {
        private const int Alignment = 64;

        // Pinned arrays: the kernels read them through raw pointers without fixing them.
        private readonly float[] _data;
        private readonly float[] _bias;
        private readonly int _dataOffset;
        private readonly int _biasOffset;

        private PackedMatrix(int outFeatures, int inFeatures, GemmTile tile, int kc, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias)
        {
            OutFeatures = outFeatures;
            InFeatures = inFeatures;
            Tile = tile;
            Width = tile.Width();
            PanelWidth = tile.NR();
            BlockDepth = kc;
            Panels = (outFeatures + PanelWidth - 1) / PanelWidth;
            PaddedOut = Panels * PanelWidth;
            KBlocks = (inFeatures + kc - 1) / kc;

            long length = (long)PaddedOut * inFeatures;
            if (length > Array.MaxLength - Alignment)
            {
                throw new ArgumentException(
                    $"The packed weight [{outFeatures}, {inFeatures}] would need {length} elements, more than an array can hold.", nameof(weight));
            }

            _data = AllocateAligned((int)length, out _dataOffset);
            _bias = AllocateAligned(PaddedOut, out _biasOffset);
            bias.CopyTo(_bias.AsSpan(_biasOffset));

            Span<float> data = _data.AsSpan(_dataOffset, (int)length);
            for (int kb = 0; kb < KBlocks; kb++)
            {
                int k0 = kb * kc;
                int depth = Math.Min(kc, inFeatures - k0);
                Span<float> block = data.Slice(k0 * PaddedOut, depth * PaddedOut);
                for (int o = 0; o < outFeatures; o++)
                {
                    int panel = o / PanelWidth, j = o % PanelWidth;
                    ReadOnlySpan<float> row = weight.Slice(o * inFeatures + k0, depth);
                    Span<float> dst = block.Slice(panel * depth * PanelWidth + j);
                    for (int k = 0; k < depth; k++)
                    {
                        dst[k * PanelWidth] = row[k];
                    }
                }
            }
        }

        /// <summary>Output features (rows of W).</summary>
        public int OutFeatures { get; }

        /// <summary>Input features (columns of W).</summary>
        public int InFeatures { get; }

        /// <summary>The vector width the matrix was packed for; <see cref="Gemm.Forward"/> runs the kernel of that width.</summary>
        public VectorWidth Width { get; }

        /// <summary>The register tile the layout is made for.</summary>
        internal GemmTile Tile { get; }

        /// <summary>Output features per panel (the tile's NR).</summary>
        internal int PanelWidth { get; }

        /// <summary>Input features per k-block (KC).</summary>
        internal int BlockDepth { get; }

        /// <summary>Panels, the last one zero-padded.</summary>
        internal int Panels { get; }

        /// <summary><see cref="Panels"/>·<see cref="PanelWidth"/>.</summary>
        internal int PaddedOut { get; }

        /// <summary>Number of k-blocks.</summary>
        internal int KBlocks { get; }

        /// <summary>The packed weights; pinned, so the pointer stays valid as long as this instance is alive.</summary>
        internal float* Data => (float*)Unsafe.AsPointer(ref _data[_dataOffset]);

        /// <summary>The packed weights as a span (tests).</summary>
        internal ReadOnlySpan<float> DataSpan => _data.AsSpan(_dataOffset, PaddedOut * InFeatures);

        /// <summary>The padded bias as a span (tests).</summary>
        internal ReadOnlySpan<float> BiasSpan => _bias.AsSpan(_biasOffset, PaddedOut);

        /// <summary>The bias padded with zeros to <see cref="PaddedOut"/> (all zeros without a bias); pinned.</summary>
        internal float* Bias => (float*)Unsafe.AsPointer(ref _bias[_biasOffset]);

        /// <summary>
        /// Packs <paramref name="weight"/> <c>[outFeatures, inFeatures]</c> and <paramref name="bias"/> <c>[outFeatures]</c>
        /// (or empty: no bias) for the width of <see cref="CpuKernel.Width"/>.
        /// </summary>
        /// <exception cref="ArgumentException">A size is not positive or a span has the wrong length.</exception>
        public static PackedMatrix Pack(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int outFeatures, int inFeatures) =>
            Pack(weight, bias, outFeatures, inFeatures, GemmTiles.For(CpuKernel.Width), GemmTiles.BlockDepthFor(Math.Max(inFeatures, 1)));

        /// <summary>Packs for a given tile and k-block depth (tests and tuning).</summary>
        internal static PackedMatrix Pack(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int outFeatures, int inFeatures, GemmTile tile, int kc)
        {
            if (outFeatures <= 0 || inFeatures <= 0)
            {
                throw new ArgumentException(
                    $"PackedMatrix sizes must be positive, but outFeatures is {outFeatures} and inFeatures {inFeatures}.",
                    outFeatures <= 0 ? nameof(outFeatures) : nameof(inFeatures));
            }

            if (weight.Length != (long)outFeatures * inFeatures)
            {
                throw new ArgumentException(
                    $"weight must have {(long)outFeatures * inFeatures} elements ([outFeatures {outFeatures}, inFeatures {inFeatures}]), but has {weight.Length}.",
                    nameof(weight));
            }

            if (bias.Length != 0 && bias.Length != outFeatures)
            {
                throw new ArgumentException($"bias must be empty or have {outFeatures} elements (outFeatures), but has {bias.Length}.", nameof(bias));
            }

            ArgumentOutOfRangeException.ThrowIfLessThan(kc, 1);
            return new PackedMatrix(outFeatures, inFeatures, tile, kc, weight, bias);
        }

        private static float[] AllocateAligned(int length, out int offset)
        {
            float[] array = GC.AllocateArray<float>(length + Alignment / sizeof(float), pinned: true);
            nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
            offset = (int)((Alignment - (address & (Alignment - 1))) & (Alignment - 1)) / sizeof(float);
            return array;
        }
    }
}
