#!/usr/bin/env bash
# One command for the benchmark numbers, all in one session on this machine:
#   1. benchmarks/peak.c               the true fp32 FMA peak (all cores, then one), 256-bit and, with AVX-512, 512-bit
#                                       FMAs; the larger all-core figure becomes STATICATTENTION_PEAK_GFLOPS for our % of
#                                       peak. ../shared/peer/peak.sh runs too, for reference: it reports 1.25x or more
#                                       (gcc merges its ten equal chains into one; see benchmarks/peak.c)
#   2. rounds (default 2), each: ours (--quick, run --ours-runs times, default 4: as many timings per shape as ORT's
#      four variants give it), ONNX Runtime (../shared/peer/ort/run.sh, four variants), ONNX Runtime on the modules'
#      parts (benchmarks/ort-parts.sh: the projections alone, the ViT-B and classic-module cores), libtorch via TorchSharp
#      (../shared/peer/run.sh), so ours and the peers alternate
#   3. a Markdown summary per shape: our mean ms (best round), ORT's best variant, libtorch, speedup = peer ms / ours
# Usage (from anywhere):  benchmarks/run.sh [--rounds N] [--ours-runs K] [--only vit_b,core_long]
# Environment: STATICATTENTION_SHARED (default: <repo>/../shared), STATICATTENTION_LOG (default: /tmp/staticattention-bench-<utc>.log),
#              STATICATTENTION_SKIP_TORCH=1 / STATICATTENTION_SKIP_ORT=1 to leave a peer out, STATICATTENTION_SKIP_ORT_PARTS=1
#              to leave out ORT on the parts.
# Everything printed goes to the log as well; its path is printed first and last. Logs stay out of the repository.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
shared="${STATICATTENTION_SHARED:-$root/../shared}"
log="${STATICATTENTION_LOG:-/tmp/staticattention-bench-$(date -u +%Y%m%d-%H%M%S).log}"
rounds=2
ours_runs=4
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --ours-runs) ours_runs="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    *) echo "usage: benchmarks/run.sh [--rounds N] [--ours-runs K] [--only name[,name...]]" >&2; exit 2 ;;
  esac
done

echo "log: $log"
exec > >(tee "$log") 2>&1

section() { printf '\n===== %s (%s UTC) =====\n' "$1" "$(date -u +%H:%M:%S)"; }

section "session"
echo "date: $(date -u '+%Y-%m-%d %H:%M:%S') UTC"
echo "repo: $root @ $(git -C "$root" rev-parse --short HEAD 2>/dev/null) ($(git -C "$root" rev-parse --abbrev-ref HEAD 2>/dev/null))$(git -C "$root" diff --quiet 2>/dev/null || echo ', with uncommitted changes')"
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) logical CPUs; flags: $(grep -o -w -E 'avx2|avx512f|fma' /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "dotnet: $(dotnet --version)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

section "peak (benchmarks/peak.c)"
# 12 independent FMA chains per width; -mavx512f only where the CPU has it (the 512-bit loop is compiled only then).
peak_flags="-O2 -mavx2 -mfma -fopenmp"; grep -q -w avx512f /proc/cpuinfo && peak_flags="$peak_flags -mavx512f"
peak=""
if gcc $peak_flags "$root/benchmarks/peak.c" -o /tmp/static-attention-true-peak; then
  peak_out="$(/tmp/static-attention-true-peak; OMP_NUM_THREADS=1 /tmp/static-attention-true-peak)"; echo "$peak_out"
  peak="$(echo "$peak_out" | sed -n "s/.*, $(nproc) threads: \([0-9.]*\) GFLOP\/s.*/\1/p" | sort -g | tail -1)"
fi
echo "for reference, ../shared/peer/peak.sh (overstates: it counts ten FMA chains where gcc keeps one):"
bash "$shared/peer/peak.sh" || echo "peak.sh failed"
if [ -n "$peak" ]; then export STATICATTENTION_PEAK_GFLOPS="$peak"; echo "STATICATTENTION_PEAK_GFLOPS=$peak"; else echo "could not read the peak; % peak columns will show '-'"; fi

section "build ours"
dotnet build -c Release -nologo -v q "$root/Samples/StaticAttention.Benchmarks/StaticAttention.Benchmarks.csproj" | tail -3
ours_dll="$root/Samples/StaticAttention.Benchmarks/bin/Release/net10.0/StaticAttention.Benchmarks.dll"

ours_args=(--quick); [ -n "$only" ] && ours_args+=(--only "$only")
# The peer knows only the module shapes and core_long, core_temporal; ort-parts.sh times the GEMMs and the other cores.
ort_only="$(echo "$only" | tr ',' '\n' | grep -v -E '^(gemm_|core_vit$|core_seedc$)' | paste -sd, -)"
ort_args=(); [ -n "$ort_only" ] && ort_args+=(--only "$ort_only")
torch_ok=1; ort_ok=1; parts_ok=1
[ "${STATICATTENTION_SKIP_TORCH:-0}" = 1 ] && torch_ok=0
[ "${STATICATTENTION_SKIP_ORT:-0}" = 1 ] && { ort_ok=0; parts_ok=0; }
# ORT on the projections and cores alone (benchmarks/ort-parts.sh): with every shape, or when --only names one of them.
[ "${STATICATTENTION_SKIP_ORT_PARTS:-0}" = 1 ] && parts_ok=0
[ -n "$only" ] && [ -z "$ort_only" ] && ort_ok=0 # --only names no shape the peer knows
[ -n "$only" ] && ! echo ",$only," | grep -q -E ',(gemm_[a-z0-9_]+|core_vit|core_seedc),' && parts_ok=0

for r in $(seq 1 "$rounds"); do
  # ORT times each shape four times a round (its variants) and the summary takes its best; ours gets as many runs.
  for k in $(seq 1 "$ours_runs"); do
    section "round $r: ours (--quick), run $k of $ours_runs"
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    dotnet "$ours_dll" "${ours_args[@]}" || echo "ours: exit code $?"
  done
  if [ "$ort_ok" = 1 ]; then
    section "round $r: ONNX Runtime (peer/ort/run.sh)"
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    bash "$shared/peer/ort/run.sh" "${ort_args[@]}" || { echo "ort: FAILED with exit code $?; not run again"; ort_ok=0; }
  fi
  if [ "$parts_ok" = 1 ]; then
    section "round $r: ONNX Runtime on the modules' parts (benchmarks/ort-parts.sh)"
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    STATICATTENTION_SHARED="$shared" bash "$root/benchmarks/ort-parts.sh" || { echo "ort-parts: FAILED with exit code $?; not run again"; parts_ok=0; }
  fi
  if [ "$torch_ok" = 1 ]; then
    section "round $r: libtorch (peer/run.sh)"
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    # peer/run.sh patches libLibTorchSharp.so once and leaves a .patched marker, but its next `dotnet build` copies the
    # unpatched library back (size differs), so a second run in the same folder aborts (exit 134, "doesn't contain a
    # reference to libtorch-cpu-linux-x64"). Dropping the marker makes it patch the fresh copy again.
    rm -f "${PEER_DIR:-/tmp/static-attention-peer}/.patched"
    bash "$shared/peer/run.sh" || { echo "libtorch: FAILED with exit code $?; not run again"; torch_ok=0; }
  fi
done

# The clock of these shared machines moves by a third within minutes: measure the peak again, and let the summary take
# the highest all-core figure of both (the hardware's limit is the highest rate ever observed, not the first).
section "peak again (benchmarks/peak.c)"
[ -x /tmp/static-attention-true-peak ] && /tmp/static-attention-true-peak

section "summary"
python3 - "$log" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
names = ["vit_b", "temporal", "seedC", "small", "core_long", "core_temporal", "core_temporal_general",
         "core_vit", "core_seedc", "gemm_qkv_197", "gemm_proj_197", "gemm_qkv_512", "gemm_qkv_1568", "gemm_proj_1568"]
torch_names = {"module vit-b": "vit_b", "module temporal-seed": "temporal", "module seedC": "seedC",
               "module small": "small", "core long": "core_long", "core temporal": "core_temporal"}
ours = {}   # name -> list of (mean, median, best, gflops, peak, bytes)
for m in re.finditer(r"^\| (\w+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| ([^|]+) \| ([^|]+) \|", text, re.M):
    n = m.group(1)
    ours.setdefault(n, []).append((float(m.group(4)), float(m.group(3)), float(m.group(2)), m.group(5), m.group(6).strip(), m.group(7).strip()))
ort = {}    # name -> {variant: best ms}
for m in re.finditer(r"^ort (\w+) (\w+): ([\d.]+) ms", text, re.M):
    v, n, ms = m.group(1), m.group(2), float(m.group(3))
    d = ort.setdefault(n, {}); d[v] = min(ms, d.get(v, float("inf")))
torch = {}
for m in re.finditer(r"^(module [\w-]+|core [\w-]+): .*?: ([\d.]+) ms", text, re.M):
    n = torch_names.get(m.group(1))
    if n: torch[n] = min(float(m.group(2)), torch.get(n, float("inf")))
import os
cores = os.cpu_count()
peaks = [float(x) for x in re.findall(rf"^true peak fp32 FMA \d+-bit, {cores} threads: ([\d.]+) GFLOP/s", text, re.M)]
peak = max(peaks) if peaks else None
print(f"peak (all cores, the highest of {len(peaks)} measurements of benchmarks/peak.c): {peak if peak else '-'} GFLOP/s; % peak below is of it")
print("ours: the run with the lowest mean (over rounds and the runs per round); peers: lowest mean over rounds (ORT: and over its variants). speedup = peer ms / our ms (>1: we are faster)\n")
print("| shape | ours mean ms | ours median ms | GFLOP/s | % peak | B/call | ORT best ms (variant) | libtorch ms | speedup vs best peer |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for n in names:
    if n not in ours and n not in ort and n not in torch: continue
    o = min(ours[n]) if n in ours else None
    ob = min(ort[n].items(), key=lambda kv: kv[1]) if n in ort else None
    t = torch.get(n)
    peers = [x for x in [ob[1] if ob else None, t] if x is not None]
    best = min(peers) if peers else None
    cells = [n,
             f"{o[0]:.4f}" if o else "-", f"{o[1]:.4f}" if o else "-", o[3] if o else "-",
             (f"{float(o[3]) / peak * 100:.1f}" if peak else o[4]) if o else "-", o[5] if o else "-",
             f"{ob[1]:.4f} ({ob[0]})" if ob else "-", f"{t:.3f}" if t is not None else "-",
             f"{best / o[0]:.2f}x" if (o and best) else "-"]
    print("| " + " | ".join(cells) + " |")
if ort:
    print("\nORT, every variant (best over rounds, ms):")
    for n in names:
        if n in ort: print(f"  {n}: " + ", ".join(f"{v} {ms:.4f}" for v, ms in sorted(ort[n].items(), key=lambda kv: kv[1])))
PY
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "log: $log"
