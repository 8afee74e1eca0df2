#!/usr/bin/env python3
"""Writes Runtime/StaticAttention/Cpu/Gemm.Kernels.cs, the GEMM microkernels, one register tile per struct.

Usage: python3 tools/gemm-kernels.py [--check]
  (no option) rewrites the file; --check exits 1 when the file differs from what this script writes.
Edit the tiles here (TILES: vector width in bits, rows MR, columns NR), not in the generated file.
"""
import pathlib
import sys

TILES = [(512, 8, 32), (512, 12, 32), (256, 6, 16), (256, 4, 24)]

HEADER = """// Microkernels of the packed GEMM, one register tile per struct, written by tools/gemm-kernels.py (edit the script, not this file).
// Every accumulator is a named local and every input row a pointer, so the JIT keeps the tile in registers: checked with
// DOTNET_JitDisasm, the k loop is NV panel loads, MR broadcasts and MR·NV FMAs with no spills (12×32 only reloads three
// of its twelve row pointers from the stack, there being too few general registers).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticAttention.Cpu
{
"""


def offset(base, term):
    return base if term == 0 else f"{base} + {term}"


def tile(bits, mr, nr):
    lanes = bits // 32
    nv = nr // lanes
    vt = f"Vector{bits}"
    t = f"{vt}<float>"
    out = []
    w = out.append
    w("    /// <summary>")
    w(f"    /// A {mr}×{nr} tile with {vt}: <c>c[r·ldc + j] = init[r·initStride + j] + Σ_k a[r·lda + k] · b[k·{nr} + j]</c> for r &lt; {mr}, j &lt; {nr}:")
    w(f"    /// {mr * nv} accumulators, {nv} panel loads and {mr} broadcasts per k step.")
    w("    /// </summary>")
    w(f"    internal readonly unsafe struct Kernel{bits}x{mr}x{nr} : IMicroKernel")
    w("    {")
    w(f"        public static int MR => {mr};")
    w("")
    w(f"        public static int NR => {nr};")
    w("")
    w(f"        public static VectorWidth Width => VectorWidth.{vt};")
    w("")
    w("        [MethodImpl(MethodImplOptions.AggressiveOptimization)]")
    w("        public static void Run(float* a, nint lda, float* b, nint kc, float* init, nint initStride, float* c, nint ldc)")
    w("        {")
    for r in range(mr):
        row = "init" if r == 0 else f"init + {r} * initStride"
        loads = ", ".join(f"c{r}_{v} = {vt}.Load({offset(row, v * lanes)})" for v in range(nv))
        w(f"            {t} {loads};")
    w("")
    w("            float* a0 = a;")
    for r in range(1, mr):
        w(f"            float* a{r} = a{r - 1} + lda;")
    w("            for (nint k = 0; k < kc; k++)")
    w("            {")
    for v in range(nv):
        w(f"                {t} b{v} = {vt}.Load({offset('b', v * lanes)});")
    for r in range(mr):
        w(f"                {t} x{r} = {vt}.Create(a{r}[k]);")
        for v in range(nv):
            w(f"                c{r}_{v} = {vt}.FusedMultiplyAdd(x{r}, b{v}, c{r}_{v});")
    w(f"                b += {nr};")
    w("            }")
    w("")
    for r in range(mr):
        if r > 0:
            w("            c += ldc;")
        for v in range(nv):
            w(f"            c{r}_{v}.Store({offset('c', v * lanes)});")
    w("        }")
    w("    }")
    return "\n".join(out) + "\n"


def source():
    return HEADER + "\n".join(tile(*t) for t in TILES) + "}\n"


def main():
    path = pathlib.Path(__file__).resolve().parent.parent / "Runtime/StaticAttention/Cpu/Gemm.Kernels.cs"
    text = source()
    if "--check" in sys.argv[1:]:
        if path.read_text(encoding="utf-8") != text:
            print(f"{path} differs from what tools/gemm-kernels.py writes", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
