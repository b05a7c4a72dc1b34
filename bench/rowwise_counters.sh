#!/usr/bin/env bash
# Emulator counters of the row-wise kernels on standard shapes, as the
# markdown table of bench/RESULTS.md: global bytes moved (sectors x 32)
# against the minimum (each input read once, each output written once),
# excess sectors, shared-memory bank conflicts, and ptxas registers and
# spills for sm_90.
#   bench/rowwise_counters.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${FUSED_BUILD_DIR:-$ROOT/build}/bin"
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
cat >"$TMP/rows.mlir" <<'MLIR'
func.func @softmax_f16_64x4096(%x: tensor<64x4096xf16>) -> tensor<64x4096xf16> {
  %y = fused.softmax %x axis = -1 : tensor<64x4096xf16>
  return %y : tensor<64x4096xf16>
}
func.func @softmax_bf16_8x50257(%x: tensor<8x50257xbf16>) -> tensor<8x50257xbf16> {
  %y = fused.softmax %x axis = -1 : tensor<8x50257xbf16>
  return %y : tensor<8x50257xbf16>
}
func.func @softmax_f32_4x128256(%x: tensor<4x128256xf32>) -> tensor<4x128256xf32> {
  %y = fused.softmax %x axis = -1 : tensor<4x128256xf32>
  return %y : tensor<4x128256xf32>
}
func.func @layernorm_f16_64x768_affine(%x: tensor<64x768xf16>, %g: tensor<768xf16>, %b: tensor<768xf16>) -> tensor<64x768xf16> {
  %y = fused.layernorm %x weight(%g : tensor<768xf16>) bias(%b : tensor<768xf16>) : tensor<64x768xf16>
  return %y : tensor<64x768xf16>
}
func.func @layernorm_f16_8192x768_affine(%x: tensor<8192x768xf16>, %g: tensor<768xf16>, %b: tensor<768xf16>) -> tensor<8192x768xf16> {
  %y = fused.layernorm %x weight(%g : tensor<768xf16>) bias(%b : tensor<768xf16>) : tensor<8192x768xf16>
  return %y : tensor<8192x768xf16>
}
func.func @rmsnorm_bf16_8192x4096_weight(%x: tensor<8192x4096xbf16>, %g: tensor<4096xbf16>) -> tensor<8192x4096xbf16> {
  %y = fused.rmsnorm %x weight(%g : tensor<4096xbf16>) : tensor<8192x4096xbf16>
  return %y : tensor<8192x4096xbf16>
}
func.func @layernorm_f32_64x1024(%x: tensor<64x1024xf32>) -> tensor<64x1024xf32> {
  %y = fused.layernorm %x : tensor<64x1024xf32>
  return %y : tensor<64x1024xf32>
}
func.func @rmsnorm_bf16_64x4096_weight(%x: tensor<64x4096xbf16>, %g: tensor<4096xbf16>) -> tensor<64x4096xbf16> {
  %y = fused.rmsnorm %x weight(%g : tensor<4096xbf16>) : tensor<64x4096xbf16>
  return %y : tensor<64x4096xbf16>
}
MLIR
"$BIN/fused-compile" --run --device=emulator --counters --chip=sm_80 "$TMP/rows.mlir" >"$TMP/counters.txt"
"$BIN/fused-compile" --emit=ptx --chip=sm_90 --print-stats "$TMP/rows.mlir" -o "$TMP/rows.ptx" >"$TMP/stats.txt"
python3 - "$TMP/rows.mlir" "$TMP/counters.txt" "$TMP/stats.txt" <<'PY'
import re, sys
src, counters, stats = (open(p).read() for p in sys.argv[1:4])
bytes_of = {"f16": 2, "bf16": 2, "f32": 4}
def tensor_bytes(t):
    dims, dt = re.match(r"tensor<((?:\d+x)*)(\w+)>", t).groups()
    n = 1
    for d in dims.rstrip("x").split("x") if dims else []:
        n *= int(d)
    return n * bytes_of[dt]
print("| kernel | threads | global bytes moved / minimum | excess sectors (loads, stores) | shared-memory excess wavefronts | unique bytes / minimum | sm_90 regs, spills |")
print("|---|---|---|---|---|---|---|")
for m in re.finditer(r"func\.func @(\w+)\((.*?)\) -> (tensor<[^>]*>)", src):
    name, args, res = m.groups()
    minimum = sum(tensor_bytes(t) for t in re.findall(r"tensor<[^>]*>", args)) + tensor_bytes(res)
    block = counters.split(f"@{name} ")[1]
    gl = re.search(r"global loads: \d+ requests, (\d+) sectors \(ideal \d+, excess (\d+)\)", block)
    gs = re.search(r"global stores: \d+ requests, (\d+) sectors \(ideal \d+, excess (\d+)\)", block)
    sl = re.search(r"shared loads: \d+ requests, \d+ wavefronts \(ideal \d+, excess (\d+)\)", block)
    ss = re.search(r"shared stores: \d+ requests, \d+ wavefronts \(ideal \d+, excess (\d+)\)", block)
    ur = int(re.search(r"unique global bytes read: (\d+)", block).group(1))
    uw = int(re.search(r"unique global bytes written: (\d+)", block).group(1))
    moved = (int(gl.group(1)) + int(gs.group(1))) * 32
    st = re.search(rf"^{name}_\w+\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+\s+\d+\s+\d+\s+(\d+)x", stats, re.M)
    print(f"| `{name}` | {st.group(4)} | {moved / minimum:.3f} | {gl.group(2)}, {gs.group(2)} | {int(sl.group(1)) + int(ss.group(1))} | {(ur + uw) / minimum:.3f} | {st.group(1)}, {st.group(2)} |")
PY
