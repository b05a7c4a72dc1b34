// RUN: fused-opt %s -split-input-file -verify-diagnostics -fused-set-target=chip=sm_90 -fused-lower-kernels | FileCheck %s

/// A softmax row of 1024 f16 in registers: a block of 32 threads per row,
/// each with four 16-byte chunks; a max and a sum by warp shuffles; 16-byte
/// stores. The kernel replaces the fused.kernel with a launch.
// CHECK-LABEL: func.func @softmax_rows
// CHECK: fused.launch @fused_kernels::@softmax_rows_softmax(%{{.*}}) : (tensor<8x1024xf16>) -> tensor<8x1024xf16>
// CHECK: gpu.func @softmax_rows_softmax(%{{.*}}: memref<8x1024xf16>, %{{.*}}: memref<8x1024xf16>) kernel
// CHECK-SAME: fused.kernel_kind = #fused<kernel_kind softmax>
// CHECK-SAME: fused.launch = #fused.launch<grid = [8, 1, 1], block = [32, 1, 1], shared = 0, outputs = 1>
// CHECK-COUNT-4: vector.load {{.*}} {alignment = 16 : i64} : memref<8x1024xf16>, vector<8xf16>
// CHECK: gpu.shuffle xor {{.*}} : f32
// CHECK: math.exp
// CHECK-COUNT-4: vector.store {{.*}} {alignment = 16 : i64} : memref<8x1024xf16>, vector<8xf16>
func.func @softmax_rows(%x: tensor<8x1024xf16>) -> tensor<8x1024xf16> {
  %r = fused.kernel softmax ins(%x : tensor<8x1024xf16>) -> tensor<8x1024xf16> {
  ^bb0(%a: tensor<8x1024xf16>):
    %y = fused.softmax %a axis = -1 : tensor<8x1024xf16>
    fused.yield %y : tensor<8x1024xf16>
  }
  return %r : tensor<8x1024xf16>
}

// -----

/// A long rmsnorm row (65536 f16) is streamed: 512 threads, partials of
/// the 16 warps exchanged in shared memory (2 slots x 16 warps x 4 bytes),
/// a loop that reduces while it stages the row in shared memory (128 KiB
/// after the partials: it fits in sm_90's 227 KiB), and a loop that writes
/// from the staged row: one read of the row from global memory.
// CHECK-LABEL: func.func @rms_long
// CHECK: gpu.func @rms_long_normalization
// CHECK-SAME: fused.launch = #fused.launch<grid = [2, 1, 1], block = [512, 1, 1], shared = 131200, outputs = 1>
// CHECK: gpu.dynamic_shared_memory
// CHECK: memref.view {{.*}}[%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<65536xf16, #gpu.address_space<workgroup>>
// CHECK: scf.for
// CHECK: vector.load {{.*}} : memref<2x65536xf16>, vector<8xf16>
// CHECK: vector.store {{.*}} : memref<65536xf16, #gpu.address_space<workgroup>>, vector<8xf16>
// CHECK: gpu.barrier
// CHECK: math.rsqrt
// CHECK: scf.for
// CHECK: vector.load {{.*}} : memref<65536xf16, #gpu.address_space<workgroup>>, vector<8xf16>
// CHECK-NOT: vector.load {{.*}} : memref<2x65536xf16>
func.func @rms_long(%x: tensor<2x65536xf16>, %g: tensor<65536xf16>) -> tensor<2x65536xf16> {
  %r = fused.kernel normalization ins(%x, %g : tensor<2x65536xf16>, tensor<65536xf16>) -> tensor<2x65536xf16> {
  ^bb0(%a: tensor<2x65536xf16>, %w: tensor<65536xf16>):
    %y = fused.rmsnorm %a weight(%w : tensor<65536xf16>) : tensor<2x65536xf16>
    fused.yield %y : tensor<2x65536xf16>
  }
  return %r : tensor<2x65536xf16>
}

// -----

/// f32 weights with bf16 rows make the chunks 4 elements (16 bytes of the
/// widest operand). Rows of one warp: five warps, one per row, share the
/// parameters, which the block copies to shared memory once.
// CHECK-LABEL: func.func @layernorm_mixed
// CHECK: known_block_size = array<i32: 160, 1, 1>
// CHECK: vector.load {{.*}} {alignment = 16 : i64} : memref<1000xf32>, vector<4xf32>
// CHECK: vector.store {{.*}} : memref<1000xf32, #gpu.address_space<workgroup>>, vector<4xf32>
// CHECK: gpu.barrier
// CHECK: vector.load {{.*}} : memref<1000xf32, #gpu.address_space<workgroup>>, vector<4xf32>
// CHECK: scf.for
// CHECK: vector.load {{.*}} {alignment = 8 : i64} : memref<5x1000xbf16>, vector<4xbf16>
// CHECK-NOT: memref<1000xf32>, vector<4xf32>
// CHECK: gpu.return
func.func @layernorm_mixed(%x: tensor<5x1000xbf16>, %g: tensor<1000xf32>, %b: tensor<1000xf32>) -> tensor<5x1000xbf16> {
  %r = fused.kernel normalization ins(%x, %g, %b : tensor<5x1000xbf16>, tensor<1000xf32>, tensor<1000xf32>) -> tensor<5x1000xbf16> {
  ^bb0(%a: tensor<5x1000xbf16>, %w: tensor<1000xf32>, %c: tensor<1000xf32>):
    %y = fused.layernorm %a weight(%w : tensor<1000xf32>) bias(%c : tensor<1000xf32>) : tensor<5x1000xbf16>
    fused.yield %y : tensor<5x1000xbf16>
  }
  return %r : tensor<5x1000xbf16>
}

// -----

/// Rows of 74 bytes (not whole sectors) go through shared memory by flat
/// ranges: eight warps per block, 16 rows (1184 bytes) per block copied in
/// as one range of 16-byte windows from its first sector boundary (its
/// head and tail one element per thread), a warp per row there, and the
/// range copied out the same way.
// CHECK-LABEL: func.func @softmax_flat_rows
// CHECK: gpu.func @softmax_flat_rows_softmax
// CHECK-SAME: fused.launch = #fused.launch<grid = [3, 1, 1], block = [256, 1, 1], shared = 1200, outputs = 1>
// CHECK: %[[COPY:.*]] = memref.view {{.*}} to memref<600xf16, #gpu.address_space<workgroup>>
// CHECK: %[[IN:.*]] = memref.collapse_shape %{{.*}} {{\[\[}}0, 1]] : memref<41x37xf16> into memref<1517xf16>
// CHECK: scf.for
// CHECK: %[[W:.*]] = vector.load %[[IN]][%{{.*}}] {alignment = 16 : i64} : memref<1517xf16>, vector<8xf16>
// CHECK: vector.store %[[W]], %[[COPY]][%{{.*}}] {alignment = 16 : i64}
// CHECK: scf.if
// CHECK: memref.load %[[IN]][%{{.*}}] : memref<1517xf16>
// CHECK: gpu.barrier
// CHECK: scf.for
// CHECK: memref.load %[[COPY]]
// CHECK: gpu.shuffle xor
// CHECK: memref.store %{{.*}}, %[[COPY]]
// CHECK: gpu.barrier
// CHECK: %[[OUT:.*]] = memref.collapse_shape %{{.*}} {{\[\[}}0, 1]] : memref<41x37xf16> into memref<1517xf16>
// CHECK: vector.store %{{.*}}, %[[OUT]][%{{.*}}] {alignment = 16 : i64} : memref<1517xf16>, vector<8xf16>
func.func @softmax_flat_rows(%x: tensor<41x37xf16>) -> tensor<41x37xf16> {
  %r = fused.kernel softmax ins(%x : tensor<41x37xf16>) -> tensor<41x37xf16> {
  ^bb0(%a: tensor<41x37xf16>):
    %y = fused.softmax %a axis = -1 : tensor<41x37xf16>
    fused.yield %y : tensor<41x37xf16>
  }
  return %r : tensor<41x37xf16>
}

// -----

/// A row of a dynamic length: one block of 256 threads streams it, the
/// length read from the output's descriptor; 48 KiB of shared memory stage
/// rows that fit (behind the 8 warps' partials). Nothing runs for an empty
/// row; then 16-byte accesses where the length is a multiple of 4, else
/// windows from the row's first sector boundary.
// CHECK-LABEL: func.func @softmax_dynamic_row
// CHECK: gpu.func @softmax_dynamic_row_softmax(%{{.*}}: memref<?xf32>, %[[OUT:.*]]: memref<?xf32>) kernel
// CHECK-SAME: fused.launch = #fused.launch<grid = [1, 1, 1], block = [256, 1, 1], shared = 49152, outputs = 1>
// CHECK: %[[N:.*]] = memref.dim %[[OUT]], %{{.*}} : memref<?xf32>
// CHECK: arith.cmpi ult, %{{.*}}, %[[N]]
// CHECK: arith.remui %[[N]]
// CHECK: vector.load {{.*}} {alignment = 16 : i64} : memref<?xf32>, vector<4xf32>
func.func @softmax_dynamic_row(%x: tensor<?xf32>) -> tensor<?xf32> {
  %r = fused.kernel softmax ins(%x : tensor<?xf32>) -> tensor<?xf32> {
  ^bb0(%a: tensor<?xf32>):
    %y = fused.softmax %a axis = 0 : tensor<?xf32>
    fused.yield %y : tensor<?xf32>
  }
  return %r : tensor<?xf32>
}

// -----

/// A softmax over the first axis of 8 x 16 f32: the 512-byte slab goes
/// through shared memory (16-byte copies in and out, around barriers), a
/// thread per column walks the axis there (maximum, sum, outputs); no
/// shuffles (nothing is reduced across threads).
// CHECK-LABEL: func.func @softmax_axis0
// CHECK: gpu.func @softmax_axis0_softmax
// CHECK-SAME: fused.launch = #fused.launch<grid = [1, 1, 1], block = [256, 1, 1], shared = 512, outputs = 1>
// CHECK: gpu.dynamic_shared_memory
// CHECK: vector.load {{.*}} {alignment = 16 : i64} : memref<8x16xf32>, vector<4xf32>
// CHECK: vector.store {{.*}} {alignment = 16 : i64} : memref<128xf32, #gpu.address_space<workgroup>>, vector<4xf32>
// CHECK: gpu.barrier
// CHECK-NOT: gpu.shuffle
// CHECK: scf.for
// CHECK: math.exp
// CHECK: gpu.barrier
// CHECK: vector.store {{.*}} {alignment = 16 : i64} : memref<8x16xf32>, vector<4xf32>
func.func @softmax_axis0(%x: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %r = fused.kernel softmax ins(%x : tensor<8x16xf32>) -> tensor<8x16xf32> {
  ^bb0(%a: tensor<8x16xf32>):
    %y = fused.softmax %a axis = 0 : tensor<8x16xf32>
    fused.yield %y : tensor<8x16xf32>
  }
  return %r : tensor<8x16xf32>
}

// -----

/// A dynamic row count: the launch records which dynamic dimensions are
/// one size, the kernel takes memrefs of any row count and its grid is the
/// output's row count.
// CHECK-LABEL: func.func @softmax_dynamic
// CHECK: fused.launch @fused_kernels::@softmax_dynamic_softmax(%{{.*}}) {dim_classes = array<i64: 0, -1, 0, -1>} : (tensor<?x16xf32>) -> tensor<?x16xf32>
// CHECK: gpu.func @softmax_dynamic_softmax(%{{.*}}: memref<?x16xf32>, %{{.*}}: memref<?x16xf32>) kernel
// CHECK-SAME: fused.launch = #fused.launch<grid = [0, 1, 1], block = [32, 1, 1], shared = 0, outputs = 1, sizes = ["a1.d0", "", ""]>
func.func @softmax_dynamic(%x: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %r = fused.kernel softmax ins(%x : tensor<?x16xf32>) -> tensor<?x16xf32> {
  ^bb0(%a: tensor<?x16xf32>):
    %y = fused.softmax %a axis = -1 : tensor<?x16xf32>
    fused.yield %y : tensor<?x16xf32>
  }
  return %r : tensor<?x16xf32>
}

// -----

/// What row-wise code generation does not support is an error saying so.
func.func @softmax_dynamic_middle(%x: tensor<4x?x8xf32>) -> tensor<4x?x8xf32> {
  // expected-error @+1 {{row-wise code generation takes dynamic sizes (?) in the first and last dimensions only, got 'tensor<4x?x8xf32>'}}
  %r = fused.kernel softmax ins(%x : tensor<4x?x8xf32>) -> tensor<4x?x8xf32> {
  ^bb0(%a: tensor<4x?x8xf32>):
    %y = fused.softmax %a axis = -1 : tensor<4x?x8xf32>
    fused.yield %y : tensor<4x?x8xf32>
  }
  return %r : tensor<4x?x8xf32>
}

// -----

/// A bias row over rows of 74 bytes (not whole sectors): 16 rows per block
/// (1184 bytes) copied to shared memory as one flat range in 16-byte windows
/// from its first sector boundary, the bias row copied there once, each
/// lane taking its columns of it once; warps compute rows in shared memory
/// and the block copies the results out as one range.
// CHECK-LABEL: func.func @bias_flat_rows
// CHECK: gpu.func @bias_flat_rows_elementwise
// CHECK-SAME: fused.launch = #fused.launch<grid = [4, 1, 1], block = [256, 1, 1], shared = 2480, outputs = 1>
// CHECK: %[[X:.*]] = memref.view {{.*}} to memref<600xf16, #gpu.address_space<workgroup>>
// CHECK: %[[IN:.*]] = memref.collapse_shape %{{.*}} {{\[\[}}0, 1]] : memref<50x37xf16> into memref<1850xf16>
// CHECK: vector.load %[[IN]][%{{.*}}] {alignment = 16 : i64} : memref<1850xf16>, vector<8xf16>
// CHECK: %[[Y:.*]] = memref.view {{.*}} to memref<600xf16, #gpu.address_space<workgroup>>
// CHECK: %[[B:.*]] = memref.view {{.*}} to memref<40xf16, #gpu.address_space<workgroup>>
// CHECK: scf.for
// CHECK: memref.load %{{.*}} : memref<37xf16>
// CHECK: gpu.barrier
// CHECK: memref.load %[[B]]
// CHECK: scf.for
// CHECK: memref.load %[[X]]
// CHECK: memref.store %{{.*}}, %[[Y]]
// CHECK: gpu.barrier
// CHECK: vector.load %[[Y]]
// CHECK: vector.store %{{.*}} {alignment = 16 : i64} : memref<1850xf16>, vector<8xf16>
func.func @bias_flat_rows(%x: tensor<50x37xf16>, %b: tensor<37xf16>) -> tensor<50x37xf16> {
  %r = fused.kernel elementwise ins(%x, %b : tensor<50x37xf16>, tensor<37xf16>) -> tensor<50x37xf16> {
  ^bb0(%a: tensor<50x37xf16>, %c: tensor<37xf16>):
    %y = fused.add %a, %c : tensor<50x37xf16>, tensor<37xf16> -> tensor<50x37xf16>
    fused.yield %y : tensor<50x37xf16>
  }
  return %r : tensor<50x37xf16>
}

// -----

/// An elementwise chain with a bias broadcast along the rows: each thread
/// computes 4 columns (16 bytes of the f32 bias) of every row, the bias
/// loaded once before the loop over the rows (8: at most 1/32 of the bytes
/// go to the bias), the input with vector accesses, a value broadcast
/// along the innermost dimension read once per row and splat.
// CHECK-LABEL: func.func @chain
// CHECK: fused.launch @fused_kernels::@chain_elementwise
// CHECK: gpu.func @chain_elementwise
// CHECK-SAME: fused.kernel_kind = #fused<kernel_kind elementwise>
// CHECK-SAME: fused.launch = #fused.launch<grid = [1, 1, 1], block = [256, 1, 1], shared = 0, outputs = 1>
// CHECK: gpu.block_id y
// CHECK: vector.load {{.*}} {alignment = 16 : i64} : memref<384xf32>, vector<4xf32>
// CHECK: scf.for
// CHECK-DAG: vector.load {{.*}} {alignment = 8 : i64} : memref<8x384xf16>, vector<4xf16>
// CHECK-DAG: memref.load {{.*}} : memref<8x1xf16>
// CHECK: math.tanh
// CHECK: vector.store {{.*}} {alignment = 8 : i64} : memref<8x384xf16>, vector<4xf16>
func.func @chain(%x: tensor<8x384xf16>, %b: tensor<384xf32>, %s: tensor<8x1xf16>) -> tensor<8x384xf16> {
  %r = fused.kernel elementwise ins(%x, %b, %s : tensor<8x384xf16>, tensor<384xf32>, tensor<8x1xf16>) -> tensor<8x384xf16> {
  ^bb0(%a: tensor<8x384xf16>, %c: tensor<384xf32>, %d: tensor<8x1xf16>):
    %w = fused.cast %a : tensor<8x384xf16> to tensor<8x384xf32>
    %y = fused.add %w, %c : tensor<8x384xf32>, tensor<384xf32> -> tensor<8x384xf32>
    %t = fused.tanh %y : tensor<8x384xf32>
    %n = fused.cast %t : tensor<8x384xf32> to tensor<8x384xf16>
    %m = fused.mul %n, %d : tensor<8x384xf16>, tensor<8x1xf16> -> tensor<8x384xf16>
    fused.yield %m : tensor<8x384xf16>
  }
  return %r : tensor<8x384xf16>
}

// -----

/// A sum over the innermost axis: a block per output (128 threads for 8192
/// f16: eight 16-byte accesses each), shuffles, the four warps' partials
/// in shared memory, one store by thread 0.
// CHECK-LABEL: func.func @sum_rows
// CHECK: gpu.func @sum_rows_reduction
// CHECK-SAME: fused.kernel_kind = #fused<kernel_kind reduction>
// CHECK-SAME: fused.launch = #fused.launch<grid = [4, 1, 1], block = [128, 1, 1], shared = 16, outputs = 1>
// CHECK: scf.for
// CHECK: vector.load {{.*}} {alignment = 16 : i64} : memref<4x8192xf16>, vector<8xf16>
// CHECK: gpu.shuffle xor
// CHECK: gpu.barrier
// CHECK: memref.store {{.*}} : memref<4xf16>
func.func @sum_rows(%x: tensor<4x8192xf16>) -> tensor<4xf16> {
  %r = fused.kernel reduction ins(%x : tensor<4x8192xf16>) -> tensor<4xf16> {
  ^bb0(%a: tensor<4x8192xf16>):
    %y = fused.reduce_sum %a axis = 1 : tensor<4x8192xf16> -> tensor<4xf16>
    fused.yield %y : tensor<4xf16>
  }
  return %r : tensor<4xf16>
}

// -----

/// A max over a leading axis with few columns (16 windows of 4 f32): a
/// block of 256 threads walks the 300 rows 16 at a time, each thread one
/// window's columns (consecutive threads, consecutive windows), then the
/// threads' partials meet in shared memory (4 planes of 264 floats: a
/// stride of 8 modulo 32 banks) and thread j writes column j.
// CHECK-LABEL: func.func @max_columns
// CHECK: gpu.func @max_columns_reduction
// CHECK-SAME: fused.launch = #fused.launch<grid = [1, 1, 1], block = [256, 1, 1], shared = 4224, outputs = 1>
// CHECK: scf.for {{.*}} = %{{.*}} to %c300{{.*}} step %c16
// CHECK: vector.load {{.*}} {alignment = 16 : i64} : memref<1x300x64xf32>, vector<4xf32>
// CHECK: arith.maximumf
// CHECK: memref.store {{.*}} : memref<1056xf32, #gpu.address_space<workgroup>>
// CHECK: gpu.barrier
// CHECK: memref.load {{.*}} : memref<1056xf32, #gpu.address_space<workgroup>>
// CHECK: memref.store {{.*}} : memref<1x64xf32>
func.func @max_columns(%x: tensor<300x64xf32>) -> tensor<1x64xf32> {
  %r = fused.kernel reduction ins(%x : tensor<300x64xf32>) -> tensor<1x64xf32> {
  ^bb0(%a: tensor<300x64xf32>):
    %y = fused.reduce_max %a axis = 0 keepdim : tensor<300x64xf32> -> tensor<1x64xf32>
    fused.yield %y : tensor<1x64xf32>
  }
  return %r : tensor<1x64xf32>
}

// -----

/// Columns enough for a block's threads: each of 256 threads per block
/// owns 4 consecutive f32 outputs and walks the 300 rows.
// CHECK-LABEL: func.func @max_wide_columns
// CHECK: gpu.func @max_wide_columns_reduction
// CHECK-SAME: fused.launch = #fused.launch<grid = [2, 1, 1], block = [256, 1, 1], shared = 0, outputs = 1>
// CHECK: scf.for {{.*}} = %{{.*}} to %c300
// CHECK: vector.load {{.*}} {alignment = 16 : i64} : memref<300x2048xf32>, vector<4xf32>
// CHECK: arith.maximumf
// CHECK: vector.store {{.*}} : memref<1x2048xf32>, vector<4xf32>
func.func @max_wide_columns(%x: tensor<300x2048xf32>) -> tensor<1x2048xf32> {
  %r = fused.kernel reduction ins(%x : tensor<300x2048xf32>) -> tensor<1x2048xf32> {
  ^bb0(%a: tensor<300x2048xf32>):
    %y = fused.reduce_max %a axis = 0 keepdim : tensor<300x2048xf32> -> tensor<1x2048xf32>
    fused.yield %y : tensor<1x2048xf32>
  }
  return %r : tensor<1x2048xf32>
}

// -----

/// A swap of the two innermost dimensions: 32 x 8 threads move a 32 x 32
/// tile through shared memory padded by one word per row (34 f16), one
/// block per (batch, tile of 64, tile of 100).
// CHECK-LABEL: func.func @swap
// CHECK: gpu.func @swap_transpose
// CHECK-SAME: fused.kernel_kind = #fused<kernel_kind transpose>
// CHECK-SAME: fused.launch = #fused.launch<grid = [24, 1, 1], block = [32, 8, 1], shared = 2176, outputs = 1>
// CHECK-SAME: known_block_size = array<i32: 32, 8, 1>
// CHECK: memref.view {{.*}} to memref<32x34xf16, #gpu.address_space<workgroup>>
// CHECK: gpu.barrier
func.func @swap(%x: tensor<3x100x64xf16>) -> tensor<3x64x100xf16> {
  %r = fused.kernel transpose ins(%x : tensor<3x100x64xf16>) -> tensor<3x64x100xf16> {
  ^bb0(%a: tensor<3x100x64xf16>):
    %y = fused.transpose %a permutation = [0, 2, 1] : tensor<3x100x64xf16> -> tensor<3x64x100xf16>
    fused.yield %y : tensor<3x64x100xf16>
  }
  return %r : tensor<3x64x100xf16>
}

// -----

/// What the other memory-bound strategies do not support is an error
/// saying so.
func.func @sum_dynamic(%x: tensor<16x?xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{reduction code generation takes a dynamic size (?) in the first dimension only, got 'tensor<16x?xf32>'}}
  %r = fused.kernel reduction ins(%x : tensor<16x?xf32>) -> tensor<?xf32> {
  ^bb0(%a: tensor<16x?xf32>):
    %y = fused.reduce_sum %a axis = 0 : tensor<16x?xf32> -> tensor<?xf32>
    fused.yield %y : tensor<?xf32>
  }
  return %r : tensor<?xf32>
}

// -----

/// A tiled transpose with a dynamic size: the tile counts come from the
/// output's sizes, and so does the grid (the launch's formula).
// CHECK-LABEL: func.func @transpose_dynamic
// CHECK: gpu.func @transpose_dynamic_transpose(%{{.*}}: memref<?x16xf32>, %[[OUT:.*]]: memref<16x?xf32>) kernel
// CHECK-SAME: sizes = ["((1) * 1) * ((a1.d1 + 31) / 32)", "", ""]
// CHECK: memref.dim %[[OUT]], %{{.*}} : memref<16x?xf32>
func.func @transpose_dynamic(%x: tensor<?x16xf32>) -> tensor<16x?xf32> {
  %r = fused.kernel transpose ins(%x : tensor<?x16xf32>) -> tensor<16x?xf32> {
  ^bb0(%a: tensor<?x16xf32>):
    %y = fused.transpose %a permutation = [1, 0] : tensor<?x16xf32> -> tensor<16x?xf32>
    fused.yield %y : tensor<16x?xf32>
  }
  return %r : tensor<16x?xf32>
}

// -----

func.func @softmax_columns_dynamic_middle(%x: tensor<4x?x8xf32>) -> tensor<4x?x8xf32> {
  %r = fused.kernel softmax ins(%x : tensor<4x?x8xf32>) -> tensor<4x?x8xf32> {
  ^bb0(%a: tensor<4x?x8xf32>):
    // expected-error @+1 {{code generation of a softmax over an axis other than the last takes a dynamic size (?) in the first dimension only, got 'tensor<4x?x8xf32>'}}
    %y = fused.softmax %a axis = 0 : tensor<4x?x8xf32>
    fused.yield %y : tensor<4x?x8xf32>
  }
  return %r : tensor<4x?x8xf32>
}

// -----

func.func @transpose_dynamic_innermost(%x: tensor<2x3x?xf32>) -> tensor<3x2x?xf32> {
  // expected-error @+1 {{transpose code generation takes a dynamic innermost dimension (?) only where it moves, so far, got 'tensor<2x3x?xf32>' to 'tensor<3x2x?xf32>'}}
  %r = fused.kernel transpose ins(%x : tensor<2x3x?xf32>) -> tensor<3x2x?xf32> {
  ^bb0(%a: tensor<2x3x?xf32>):
    %y = fused.transpose %a permutation = [1, 0, 2] : tensor<2x3x?xf32> -> tensor<3x2x?xf32>
    fused.yield %y : tensor<3x2x?xf32>
  }
  return %r : tensor<3x2x?xf32>
}

// -----

func.func @elementwise_scalar(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{elementwise code generation needs a non-empty result of rank 1 or more, got 'tensor<f32>'}}
  %r = fused.kernel elementwise ins(%x : tensor<f32>) -> tensor<f32> {
  ^bb0(%a: tensor<f32>):
    %y = fused.exp %a : tensor<f32>
    fused.yield %y : tensor<f32>
  }
  return %r : tensor<f32>
}

// -----

/// A kernel whose results have no elements (a static dimension of 0), of
/// any kind: a kernel that does nothing on an empty grid, which the
/// runners do not launch.
// CHECK-LABEL: func.func @layernorm_empty
// CHECK: fused.launch @fused_kernels::@layernorm_empty_normalization
// CHECK: gpu.func @layernorm_empty_normalization(%{{.*}}: memref<0x8xf32>, %{{.*}}: memref<0x8xf32>) kernel
// CHECK-SAME: fused.launch = #fused.launch<grid = [0, 1, 1], block = [32, 1, 1], shared = 0, outputs = 1>
// CHECK-NEXT: gpu.return
// CHECK-NEXT: }
func.func @layernorm_empty(%x: tensor<0x8xf32>) -> tensor<0x8xf32> {
  %r = fused.kernel normalization ins(%x : tensor<0x8xf32>) -> tensor<0x8xf32> {
  ^bb0(%a: tensor<0x8xf32>):
    %y = fused.layernorm %a : tensor<0x8xf32>
    fused.yield %y : tensor<0x8xf32>
  }
  return %r : tensor<0x8xf32>
}

// -----

func.func @cast_to_f8(%x: tensor<4x16xf32>) -> tensor<4x16xf8E4M3FN> {
  // expected-error @+1 {{elementwise code generation supports f16, bf16 and f32, got 'f8E4M3FN'}}
  %r = fused.kernel elementwise ins(%x : tensor<4x16xf32>) -> tensor<4x16xf8E4M3FN> {
  ^bb0(%a: tensor<4x16xf32>):
    %y = fused.cast %a : tensor<4x16xf32> to tensor<4x16xf8E4M3FN>
    fused.yield %y : tensor<4x16xf8E4M3FN>
  }
  return %r : tensor<4x16xf8E4M3FN>
}

// -----

/// RoPE of [2, 4, 16, 64] f16 with f16 tables: [L, S, D] = [8, 16, 64]
/// (the leading dimensions collapsed), 4 units of 8 pairs per position (64
/// tasks, one block); each thread loads its cos and sin once (16 bytes
/// each) and loops over the 8 planes: 16-byte loads of x[j..j+8] and
/// x[j+32..j+40], 16-byte stores of both.
// CHECK-LABEL: func.func @rope_heads
// CHECK: gpu.func @rope_heads_rope(%{{.*}}: memref<2x4x16x64xf16>, %{{.*}}: memref<16x32xf16>, %{{.*}}: memref<16x32xf16>, %{{.*}}: memref<2x4x16x64xf16>) kernel
// CHECK-SAME: fused.kernel_kind = #fused<kernel_kind rope>
// CHECK-SAME: fused.launch = #fused.launch<grid = [1, 1, 1], block = [256, 1, 1], shared = 0, outputs = 1>
// CHECK: memref.collapse_shape {{.*}} into memref<8x16x64xf16>
// CHECK-COUNT-2: vector.load {{.*}} {alignment = 16 : i64} : memref<16x32xf16>, vector<8xf16>
// CHECK: scf.for
// CHECK-COUNT-2: vector.load {{.*}} {alignment = 16 : i64} : memref<8x16x64xf16>, vector<8xf16>
// CHECK-COUNT-2: vector.store {{.*}} {alignment = 16 : i64} : memref<8x16x64xf16>, vector<8xf16>
func.func @rope_heads(%x: tensor<2x4x16x64xf16>, %c: tensor<16x32xf16>, %s: tensor<16x32xf16>) -> tensor<2x4x16x64xf16> {
  %r = fused.kernel rope ins(%x, %c, %s : tensor<2x4x16x64xf16>, tensor<16x32xf16>, tensor<16x32xf16>) -> tensor<2x4x16x64xf16> {
  ^bb0(%a: tensor<2x4x16x64xf16>, %b: tensor<16x32xf16>, %d: tensor<16x32xf16>):
    %y = fused.rope %a, %b, %d : tensor<2x4x16x64xf16>, tensor<16x32xf16>, tensor<16x32xf16>
    fused.yield %y : tensor<2x4x16x64xf16>
  }
  return %r : tensor<2x4x16x64xf16>
}
