/// Without a GPU: --device=cuda says so plainly and exits non-zero;
/// --device=auto falls back to the emulator and says so; an unknown device
/// and --bench on the emulator are errors.
// UNSUPPORTED: cuda
// RUN: not fused-compile --run --device=cuda %s 2>&1 | FileCheck %s --check-prefix=CUDA
// RUN: fused-compile --run --check %s 2>&1 | FileCheck %s --check-prefix=AUTO
// RUN: fused-compile --run --device=emulator %s 2>&1 | FileCheck %s --check-prefix=EMU
// RUN: not fused-compile --run --device=tpu %s 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not fused-compile --run --device=emulator --bench=5 %s 2>&1 | FileCheck %s --check-prefix=BENCH
// CUDA: fused-compile: no CUDA driver found ({{.*}}); use --device=emulator
// AUTO: no GPU (no CUDA driver found ({{.*}})); running on the emulator
// AUTO: device: CPU emulator ({{[0-9]+}} host thread{{s?}}) (emulator)
// AUTO: @gemm result 0: relative error {{.*}} PASS
// EMU: device: CPU emulator
// EMU: @gemm result 0: checksum
// EMU: @gemm ran (no --check)
// BAD: fused-compile: unknown device 'tpu' (expected auto, cuda or emulator)
// BENCH: fused-compile: --bench times kernels on a GPU; the emulator measures counters instead (--counters)

func.func @gemm(%a: tensor<32x32xf16>, %b: tensor<32x32xf16>) -> tensor<32x32xf32> {
  %c = fused.matmul %a, %b : tensor<32x32xf16>, tensor<32x32xf16> -> tensor<32x32xf32>
  return %c : tensor<32x32xf32>
}
