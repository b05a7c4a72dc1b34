// RUN: fused-opt %s -split-input-file -verify-diagnostics -fused-check-limits

/// fused-check-limits on hand-written kernels: the limits are those of the
/// module's fused.target (99 KiB of dynamic shared memory on sm_86).
module attributes {fused.target = "sm_86", gpu.container_module} {
  gpu.module @fused_kernels {
    // expected-error @+1 {{kernel 'k' for sm_86: 120000 bytes of dynamic shared memory per block exceed the chip's opt-in maximum of 101376 bytes (99 KiB)}}
    gpu.func @k(%a: memref<4xf32>) kernel attributes {fused.launch = #fused.launch<grid = [1, 1, 1], block = [128, 1, 1], shared = 120000, outputs = 1>} {
      gpu.return
    }
  }
}

// -----

/// The same kernel fits sm_90's 227 KiB.
module attributes {fused.target = "sm_90", gpu.container_module} {
  gpu.module @fused_kernels {
    gpu.func @k(%a: memref<4xf32>) kernel attributes {fused.launch = #fused.launch<grid = [1, 1, 1], block = [128, 1, 1], shared = 120000, outputs = 1>} {
      gpu.return
    }
  }
}

// -----

/// Without a target, sm_80 (163 KiB). Grids: y and z up to 65535, x up to
/// 2^31 - 1; blocks up to 1024 threads.
module attributes {gpu.container_module} {
  gpu.module @fused_kernels {
    // expected-error @+3 {{kernel 'g' for sm_80: a grid y dimension of 70000 blocks exceeds the limit of 65535}}
    // expected-error @+2 {{kernel 'g' for sm_80: 2048 threads per block exceed the limit of 1024}}
    // expected-error @+1 {{kernel 'g' for sm_80: 200000 bytes of dynamic shared memory per block exceed the chip's opt-in maximum of 166912 bytes (163 KiB)}}
    gpu.func @g(%a: memref<4xf32>) kernel attributes {fused.launch = #fused.launch<grid = [2147483647, 70000, 1], block = [1024, 2, 1], shared = 200000, outputs = 1>} {
      gpu.return
    }
  }
}

// -----

/// Arguments whose byte offsets overflow 64-bit index arithmetic.
module attributes {gpu.container_module} {
  gpu.module @fused_kernels {
    // expected-error @+1 {{kernel 'big' for sm_80: argument 0}}
    gpu.func @big(%a: memref<4611686018427387904x4xf32>) kernel attributes {fused.launch = #fused.launch<grid = [1, 1, 1], block = [32, 1, 1], shared = 0, outputs = 1>} {
      gpu.return
    }
  }
}

// -----

/// A launch that passes a view: the kernel's 16-byte vector load needs its
/// argument 16-byte aligned, so a slice starting 4 bytes (one f32) into its
/// buffer is refused; one starting 16 bytes in is not.
module attributes {fused.target = "sm_90", gpu.container_module} {
  gpu.module @fused_kernels {
    gpu.func @k(%a: memref<8xf32>, %o: memref<8xf32>) kernel attributes {fused.launch = #fused.launch<grid = [1, 1, 1], block = [2, 1, 1], shared = 0, outputs = 1>} {
      %c0 = arith.constant 0 : index
      %v = vector.load %a[%c0] {alignment = 16 : i64} : memref<8xf32>, vector<4xf32>
      vector.store %v, %o[%c0] {alignment = 16 : i64} : memref<8xf32>, vector<4xf32>
      gpu.return
    }
  }
  func.func @f(%x: tensor<12xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
    %bad = fused.slice %x offsets = [1] : tensor<12xf32> to tensor<8xf32>
    %good = fused.slice %x offsets = [4] : tensor<12xf32> to tensor<8xf32>
    // expected-error @+1 {{'fused.launch' op passes a view that starts 4 bytes into its buffer as argument 0 of kernel 'k', which assumes 16-byte alignment: slice at a multiple of 16 bytes}}
    %r = fused.launch @fused_kernels::@k(%bad) : (tensor<8xf32>) -> tensor<8xf32>
    %s = fused.launch @fused_kernels::@k(%good) : (tensor<8xf32>) -> tensor<8xf32>
    return %r, %s : tensor<8xf32>, tensor<8xf32>
  }
}
