#!/usr/bin/env bash
# libtorch's eager decode step and prefill (TorchSharp), the peer of decode_llama1b / prefill_llama1b; see Program.cs.
# Usage: benchmarks/peer-decode/run.sh [--prefill 512] [--block 32] [--warmup S] [--seconds S]
# Builds outside the repository (its Directory.Build.props and central package versions would apply inside), in
# PEER_DECODE_DIR (default /tmp/static-attention-peer-decode). libLibTorchSharp.so in TorchSharp 0.107 asks for
# GLIBCXX_3.4.32 for one symbol only (std::ios_base_library_init, GCC 13) where Debian 12 has GCC 12: that need is
# marked weak and an empty definition preloaded (as ../shared/peer/run.sh does). The build copies the unpatched library
# back whenever it changes the output, so the library is patched after every build (patching twice is harmless).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="${PEER_DECODE_DIR:-/tmp/static-attention-peer-decode}"
mkdir -p "$work"
cp "$here/PeerDecode.csproj" "$here/Program.cs" "$work/"
command -v patchelf >/dev/null || { apt-get update >/dev/null; apt-get install -y patchelf >/dev/null; }
cd "$work"
dotnet build -c Release -o "$work/bin" >/dev/null || { dotnet build -c Release -o "$work/bin" | grep -E "error" | head; exit 1; }
lib="$work/bin/runtimes/linux-x64/native/libLibTorchSharp.so"
chmod u+w "$lib"
patchelf --clear-symbol-version _ZSt21ios_base_library_initv "$lib"
python3 "$here/weaken_verneed.py" "$lib" GLIBCXX_3.4.32 >/dev/null
if [ ! -f "$work/libiosshim.so" ]; then
  printf 'void _ZSt21ios_base_library_initv(void) {}\n' > shim.c
  gcc -shared -fPIC -o libiosshim.so shim.c
fi
LD_PRELOAD="$work/libiosshim.so" dotnet "$work/bin/PeerDecode.dll" "$@"
