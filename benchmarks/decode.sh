#!/usr/bin/env bash
# The decoding figures of issue 17, all in one session on this machine:
#   1. benchmarks/peak.c: the fp32 peak (all cores), the base of the prefill GEMMs' "% of peak"
#   2. rounds (default 2), each: ours (--quick, the decoding shapes: the streaming-read bandwidth over 1 GiB on one core and
#      on all, the Llama-3.2-1B decode step alone and through 16 layers in turn; then, in a second process, its prefill
#      and the prefill's GEMMs alone), then libtorch's eager step and prefill
#      (benchmarks/peer-decode/run.sh, TorchSharp), so ours and the peer alternate
#   3. the peak again, and a Markdown table: decode ms, GB/s and % of the read bandwidth, speedup vs libtorch; prefill
#      ms, its GEMMs' GFLOP/s and % of peak
# Both sides time the same steps: the cache holds 512 tokens, a block of 32 steps appends positions 512 .. 543 one token
# at a time, then the cache goes back to 512 tokens (ours: Reset and prefill again, not timed; libtorch: its static cache
# is overwritten from position 512 again).
# Usage (from anywhere): benchmarks/decode.sh [--rounds N] [--seconds S]
# Environment: STATICATTENTION_LOG (default /tmp/staticattention-decode-<utc>.log), STATICATTENTION_SKIP_TORCH=1 leaves the
# peer out. Everything printed goes to the log as well; its path is printed first and last.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
log="${STATICATTENTION_LOG:-/tmp/staticattention-decode-$(date -u +%Y%m%d-%H%M%S).log}"
rounds=2
seconds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    *) echo "usage: benchmarks/decode.sh [--rounds N] [--seconds S]" >&2; exit 2 ;;
  esac
done

echo "log: $log"
exec > >(tee "$log") 2>&1

section() { printf '\n===== %s (%s UTC) =====\n' "$1" "$(date -u +%H:%M:%S)"; }

section "session"
echo "date: $(date -u '+%Y-%m-%d %H:%M:%S') UTC"
echo "repo: $root @ $(git -C "$root" rev-parse --short HEAD 2>/dev/null) ($(git -C "$root" rev-parse --abbrev-ref HEAD 2>/dev/null))$(git -C "$root" diff --quiet 2>/dev/null || echo ', with uncommitted changes')"
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) logical CPUs; L3: $(lscpu | sed -n 's/^L3 cache: *//p'); memory: $(free -g | awk '/^Mem:/ {print $2}') GiB"
echo "dotnet: $(dotnet --version)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

section "peak (benchmarks/peak.c)"
peak_flags="-O2 -mavx2 -mfma -fopenmp"; grep -q -w avx512f /proc/cpuinfo && peak_flags="$peak_flags -mavx512f"
peak=""
if gcc $peak_flags "$root/benchmarks/peak.c" -o /tmp/static-attention-true-peak; then
  peak_out="$(/tmp/static-attention-true-peak)"; echo "$peak_out"
  peak="$(echo "$peak_out" | sed -n "s/.*, $(nproc) threads: \([0-9.]*\) GFLOP\/s.*/\1/p" | sort -g | tail -1)"
fi
if [ -n "$peak" ]; then export STATICATTENTION_PEAK_GFLOPS="$peak"; echo "STATICATTENTION_PEAK_GFLOPS=$peak"; else echo "could not read the peak; % peak will show '-'"; fi

section "build ours"
dotnet build -c Release -nologo -v q "$root/Samples/StaticAttention.Benchmarks/StaticAttention.Benchmarks.csproj" | tail -3
ours_dll="$root/Samples/StaticAttention.Benchmarks/bin/Release/net10.0/StaticAttention.Benchmarks.dll"
torch_ok=1; [ "${STATICATTENTION_SKIP_TORCH:-0}" = 1 ] && torch_ok=0

for r in $(seq 1 "$rounds"); do
  section "round $r: ours (--quick --decode)"
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  # Two processes: the decode steps beside the 1 GiB bandwidth array and 16 layers' weights, then the prefill and its
  # GEMMs in a fresh process, so neither pays for the other's memory.
  dotnet "$ours_dll" --quick --only read_bw_1t,read_bw,decode_llama1b,decode_llama1b_16l --seconds "$seconds" || echo "ours: exit code $?"
  dotnet "$ours_dll" --quick --only prefill_llama1b,gemm_qkv_llama1b,gemm_o_llama1b --seconds "$seconds" || echo "ours: exit code $?"
  if [ "$torch_ok" = 1 ]; then
    section "round $r: libtorch (benchmarks/peer-decode/run.sh)"
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    bash "$root/benchmarks/peer-decode/run.sh" --seconds "$seconds" || { echo "libtorch: FAILED with exit code $?; not run again"; torch_ok=0; }
  fi
done

section "peak again (benchmarks/peak.c)"
[ -x /tmp/static-attention-true-peak ] && /tmp/static-attention-true-peak

section "summary"
python3 - "$log" <<'PY'
import os, re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
cores = os.cpu_count()
peaks = [float(x) for x in re.findall(rf"^true peak fp32 FMA \d+-bit, {cores} threads: ([\d.]+) GFLOP/s", text, re.M)]
peak = max(peaks) if peaks else None
num = r"([\d.]+)"
# Ours: the regular table (| name | best | median | mean | GFLOP/s | % peak | B/call | err | calls |) and the decoding
# table (| name | best | median | mean | MB | GB/s mean | GB/s best | % bw | B/call | err | calls |), one row per round.
regular, memory = {}, {}
for m in re.finditer(rf"^\| (\w+) \| {num} \| {num} \| {num} \| {num} \| ([^|]+) \| ([^|]+) \| ([^|]+) \| (\d+) \|$", text, re.M):
    regular.setdefault(m.group(1), []).append({"mean": float(m.group(4)), "median": float(m.group(3)), "bytes": m.group(7).strip()})
for m in re.finditer(rf"^\| (\w+) \| {num} \| {num} \| {num} \| {num} \| {num} \| {num} \| ([^|]+) \| ([^|]+) \| ([^|]+) \| (\d+) \|$", text, re.M):
    memory.setdefault(m.group(1), []).append({"best": float(m.group(2)), "median": float(m.group(3)), "mean": float(m.group(4)),
                                               "mb": float(m.group(5)), "gbs_mean": float(m.group(6)), "gbs_best": float(m.group(7)),
                                               "bytes": m.group(9).strip(), "err": m.group(10).strip()})
torch = {}
for m in re.finditer(rf"^libtorch (\w+): .*?mean {num} ms", text, re.M):
    torch.setdefault(m.group(1), []).append(float(m.group(2)))

def low(rows, key="mean"): return min(rows, key=lambda r: r[key]) if rows else None
bw = max((r["gbs_best"] for r in memory.get("read_bw", [])), default=None)
bw1 = max((r["gbs_best"] for r in memory.get("read_bw_1t", [])), default=None)
dec = low(memory.get("decode_llama1b", []))
dec16 = low(memory.get("decode_llama1b_16l", []))
pre = low(regular.get("prefill_llama1b", []))
qkv, o = low(regular.get("gemm_qkv_llama1b", [])), low(regular.get("gemm_o_llama1b", []))
tdec = min(torch.get("decode_llama1b", []), default=None)
tpre = min(torch.get("prefill_llama1b", []), default=None)
# Projection FLOPs of the prefill (512 tokens): q and o 2048x2048, k and v 512x2048, 2 FLOP per multiply-add.
gemm_flops = 2.0 * 512 * (2 * 2048 * 2048 + 2 * 512 * 2048)
pct = lambda g: f"{100 * g / peak:.1f} %" if peak else "-"
f = lambda x, d=3: f"{x:.{d}f}" if x is not None else "-"

print(f"read bandwidth (streaming read of 1 GiB, best pass over the rounds): all {cores} cores {f(bw, 2)} GB/s, one core {f(bw1, 2)} GB/s")
print(f"peak (benchmarks/peak.c, all cores, highest of {len(peaks)}): {peak if peak else '-'} GFLOP/s")
print("ours: the round with the lowest mean; libtorch: its lowest mean over the rounds; speedup = libtorch ms / our ms\n")
print("| step | ours ms (mean) | ours ms (median) | libtorch ms (mean) | speedup vs libtorch | MB read | GB/s | % of read bandwidth | GEMM GFLOP/s | GEMM % of peak | B/call |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
if dec:
    gbs = dec["mb"] / 1e3 / (dec["mean"] / 1e3)
    print(f"| decode_llama1b (B1, 1 token, 512..543 cached) | {f(dec['mean'], 4)} | {f(dec['median'], 4)} | {f(tdec)} | "
          f"{f(tdec / dec['mean'], 2) + 'x' if tdec else '-'} | {dec['mb']:.2f} | {gbs:.2f} | {f(100 * gbs / bw, 1) + ' %' if bw else '-'} | - | - | {dec['bytes']} |")
if dec16:
    gbs = dec16["mb"] / 1e3 / (dec16["mean"] / 1e3)
    print(f"| decode_llama1b_16l (the same step, 16 layers in turn: weights from memory) | {f(dec16['mean'], 4)} | {f(dec16['median'], 4)} | {f(tdec)} (1 layer) | "
          f"{f(tdec / dec16['mean'], 2) + 'x' if tdec else '-'} | {dec16['mb']:.2f} | {gbs:.2f} | {f(100 * gbs / bw, 1) + ' %' if bw else '-'} | - | - | {dec16['bytes']} |")
if pre:
    g = gemm_flops / (pre["mean"] * 1e6)
    print(f"| prefill_llama1b (B1, 512 tokens, causal) | {f(pre['mean'], 3)} | {f(pre['median'], 3)} | {f(tpre)} | "
          f"{f(tpre / pre['mean'], 2) + 'x' if tpre else '-'} | - | - | - | {g:.1f} (whole call) | {pct(g)} (whole call) | {pre['bytes']} |")
if qkv and o:
    g = gemm_flops / ((qkv["mean"] + o["mean"]) * 1e6)
    print(f"| prefill's GEMMs alone (qkv [512,2048]->3072 + o [512,2048]->2048) | {f(qkv['mean'] + o['mean'], 3)} | - | - | - | - | - | - | {g:.1f} | {pct(g)} | - |")
print("\nfloors (issue 17): decode >= 60 % of the read bandwidth (aim 80 %), >= 1.0x libtorch, 0 B per step; prefill GEMMs >= 80 % of peak")
PY
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "log: $log"
