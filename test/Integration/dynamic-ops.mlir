// Reductions, RoPE and copied (non-contiguous) slices with a dynamic size:
// one kernel for every size.

// RUN: fused-compile --run --device=emulator --check --sizes=37 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --sizes=1 --seed=2 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --sizes=100 --seed=3 %s | FileCheck %s
// At 37 the outputs are bit for bit those of the static kernels.
// RUN: rm -rf %t && mkdir -p %t
// RUN: fused-compile --run --device=emulator --sizes=37 %s | grep checksum > %t/dynamic.txt
// RUN: grep -v RUN: %s | sed 's/x?x/x37x/g; s/<?x/<37x/g; s/<?xf/<37xf/g' > %t/static.mlir
// RUN: fused-compile --run --device=emulator %t/static.mlir | grep checksum > %t/static.txt
// RUN: diff %t/dynamic.txt %t/static.txt

// CHECK: @sum_rows result 0: relative error {{.*}} PASS
// CHECK: @max_middle result 0: relative error {{.*}} PASS
// CHECK: @sum_tokens result 0: relative error {{.*}} PASS
// CHECK: @sum_vector result 0: relative error {{.*}} PASS
// CHECK: @rope_half result 0: relative error {{.*}} PASS
// CHECK: @rope_interleaved_partial result 0: relative error {{.*}} PASS
// CHECK: @slice_columns result 0: relative error {{.*}} PASS

// Over the innermost axis: a block per row.
func.func @sum_rows(%x: tensor<?x50xf16>) -> tensor<?xf16> {
  %s = fused.reduce_sum %x axis = 1 : tensor<?x50xf16> -> tensor<?xf16>
  return %s : tensor<?xf16>
}

// Over a middle axis, keepdim.
func.func @max_middle(%x: tensor<?x8x33xbf16>) -> tensor<?x1x33xbf16> {
  %m = fused.reduce_max %x axis = 1 keepdim : tensor<?x8x33xbf16> -> tensor<?x1x33xbf16>
  return %m : tensor<?x1x33xbf16>
}

// Over the dynamic axis itself (the tokens).
func.func @sum_tokens(%x: tensor<?x24xf32>) -> tensor<1x24xf32> {
  %s = fused.reduce_sum %x axis = 0 keepdim : tensor<?x24xf32> -> tensor<1x24xf32>
  return %s : tensor<1x24xf32>
}

// A dynamic vector.
func.func @sum_vector(%x: tensor<?xf32>) -> tensor<f32> {
  %s = fused.reduce_sum %x axis = 0 : tensor<?xf32> -> tensor<f32>
  return %s : tensor<f32>
}

// RoPE with a dynamic number of positions (the tables have one row each).
func.func @rope_half(%x: tensor<1x2x?x64xbf16>, %cos: tensor<?x32xf32>,
                     %sin: tensor<?x32xf32>) -> tensor<1x2x?x64xbf16> {
  %y = fused.rope %x, %cos, %sin
      : tensor<1x2x?x64xbf16>, tensor<?x32xf32>, tensor<?x32xf32>
  return %y : tensor<1x2x?x64xbf16>
}

func.func @rope_interleaved_partial(%x: tensor<3x?x48xf16>, %cos: tensor<?x8xf16>,
                                    %sin: tensor<?x8xf16>) -> tensor<3x?x48xf16> {
  %y = fused.rope %x, %cos, %sin {interleaved}
      : tensor<3x?x48xf16>, tensor<?x8xf16>, tensor<?x8xf16>
  return %y : tensor<3x?x48xf16>
}

// A slice of every row's middle columns: copied (not contiguous).
func.func @slice_columns(%x: tensor<?x8x6xf16>) -> tensor<?x3x6xf16> {
  %s = fused.slice %x offsets = [0, 2, 0] : tensor<?x8x6xf16> to tensor<?x3x6xf16>
  %y = fused.exp %s : tensor<?x3x6xf16>
  return %y : tensor<?x3x6xf16>
}
