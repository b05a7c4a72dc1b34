/// Splat constants (a scale, an offset) in a GEMM epilogue and in an
/// elementwise chain are immediates of the kernel: no buffer holds them.
/// Against the float64 reference with fresh random inputs, on the emulator
/// and (the GEMM) on the host path.
// RUN: fused-compile --run --device=emulator --check --seed=0 --chip=sm_80 %s | FileCheck %s
// RUN: fused-compile --check-host --entry=scaled_residual %s | FileCheck %s --check-prefix=HOST
// CHECK: @scaled_residual result 0: relative error {{.*}} PASS
// CHECK: @chain result 0: relative error {{.*}} PASS
// HOST: PASS

func.func @scaled_residual(%x: tensor<40x72xf16>, %w: tensor<72x24xf16>, %r: tensor<40x24xf16>) -> tensor<40x24xf16> {
  %m = fused.matmul %x, %w : tensor<40x72xf16>, tensor<72x24xf16> -> tensor<40x24xf32>
  %s = arith.constant dense<0.125> : tensor<f32>
  %ms = fused.mul %m, %s : tensor<40x24xf32>, tensor<f32> -> tensor<40x24xf32>
  %h = fused.cast %ms : tensor<40x24xf32> to tensor<40x24xf16>
  %y = fused.add %h, %r : tensor<40x24xf16>, tensor<40x24xf16> -> tensor<40x24xf16>
  return %y : tensor<40x24xf16>
}
func.func @chain(%a: tensor<33x64xbf16>) -> tensor<33x64xbf16> {
  %c = arith.constant dense<1.5> : tensor<33x64xbf16>
  %h = arith.constant dense<0.5> : tensor<1xbf16>
  %m = fused.mul %a, %c : tensor<33x64xbf16>, tensor<33x64xbf16> -> tensor<33x64xbf16>
  %s = fused.sub %m, %h : tensor<33x64xbf16>, tensor<1xbf16> -> tensor<33x64xbf16>
  %e = fused.exp %s : tensor<33x64xbf16>
  return %e : tensor<33x64xbf16>
}
