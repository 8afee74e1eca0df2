#!/usr/bin/env bash
# ONNX Runtime on the parts of the modules, so that a module's gap to ORT can be split into its projections and its
# attention core: the projections alone (MatMul + Add, weights constant, as in ORT's module graphs) and the cores of
# ViT-B and classic Wq/Wk/Wv/fc modules (unfused ops, com.microsoft.MultiHeadAttention, opset-23 Attention), under the names our
# benchmark prints (gemm_qkv_197, core_vit, ...). Same engine, settings and timing as ../shared/peer/ort/run.sh
# (CPU EP, 2 intra-op threads, mean over >= 1.5 s, per-0.1 s batches): it builds a copy of that peer with two more
# options, --gemm and --core, written below.
# Usage: benchmarks/ort-parts.sh            (STATICATTENTION_SHARED: default <repo>/../shared)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="${STATICATTENTION_SHARED:-$root/../shared}"
work="${ORT_PARTS_DIR:-/tmp/staticattention-ort-parts}"
mkdir -p "$work"
cp "$shared"/peer/ort/*.cs "$shared"/peer/ort/OrtPeer.csproj "$work/"

# The two options go in front of the peer's own "--sanity-only" case; stop if the peer no longer has it.
anchor='                case "--sanity-only": MinSec = -1; break;'
grep -qF "$anchor" "$work/Program.cs" || { echo "ort-parts: ../shared/peer/ort/Program.cs has changed (no '--sanity-only' case); update benchmarks/ort-parts.sh" >&2; exit 1; }
cat > "$work/parts.cs.txt" <<'CS'
                case "--gemm": // name,M,K,N: y = x·W + b with W [K, N] constant
                {
                    var part = args[++i].Split(',');
                    int m = int.Parse(part[1], Inv), k = int.Parse(part[2], Inv), n = int.Parse(part[3], Inv);
                    var rnd = new Random(3);
                    float[] Rand(int count) { var a = new float[count]; for (int j = 0; j < count; j++) a[j] = (float)(rnd.NextDouble() - 0.5); return a; }
                    var g = new GraphBuilder();
                    var x = g.Input("x", m, k);
                    g.Node("Add", [g.Node("MatMul", [x, g.InitF("w", Rand(k * n), k, n)]), g.InitF("b", Rand(n), n)], "y");
                    g.Output("y", m, n);
                    Time(new Case { Variant = "matmul", Model = g.Build(17, false), Inputs = [new("x", Rand(m * k), [m, k])], OutName = "y", OutShape = [m, n] },
                        part[0], 2.0 * m * k * n);
                    partsOnly = true;
                    break;
                }
                case "--core": // name,B,H,N,D
                {
                    var part = args[++i].Split(',');
                    var shape = new CoreShape(part[0], int.Parse(part[1], Inv), int.Parse(part[2], Inv), int.Parse(part[3], Inv), int.Parse(part[4], Inv));
                    var p = CoreParams.Make(shape, 7);
                    foreach (var mk in new Func<CoreParams, Case>[] { Models.CoreUnfused, Models.CoreMha, Models.CoreAttn23 })
                        Time(mk(p), shape.Name, shape.Flops);
                    partsOnly = true;
                    break;
                }
CS
python3 - "$work/Program.cs" "$work/parts.cs.txt" "$anchor" <<'PY'
import sys
path, parts, anchor = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3]
src = open(path).read()
src = src.replace(anchor, parts + anchor, 1)
# After the options: with --gemm or --core, stop there (no sanity checks, no module shapes).
src = src.replace("        string? only = null;", "        string? only = null;\n        bool partsOnly = false;", 1)
marker = "        Console.WriteLine($\"# ONNX Runtime"
src = src.replace(marker, "        if (partsOnly) return 0;\n" + marker, 1)
open(path, "w").write(src)
PY
dotnet build -c Release -nologo -v q -o "$work/bin" "$work/OrtPeer.csproj" >&2
echo "# ONNX Runtime on the modules' parts: $(date -u '+%Y-%m-%d %H:%M:%S') UTC"
exec dotnet "$work/bin/OrtPeer.dll" \
  --gemm gemm_qkv_197,197,768,2304 --gemm gemm_proj_197,197,768,768 --gemm gemm_qkv_512,512,512,1536 \
  --gemm gemm_qkv_1568,1568,768,2304 --gemm gemm_proj_1568,1568,768,768 \
  --core core_vit,1,12,197,64 --core core_seedc,4,8,128,64
