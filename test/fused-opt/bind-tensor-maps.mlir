// RUN: fused-opt --pass-pipeline='builtin.module(gpu.module(fused-bind-tensor-maps))' --split-input-file --verify-diagnostics %s | FileCheck %s

/// A kernel's `llvm.call @__fused_tensor_map(i)` become parameters after
/// its others, one per index, passed by value as grid constants; the
/// callee's declaration goes once nothing calls it.

// CHECK-NOT: llvm.func @__fused_tensor_map
// CHECK: llvm.func @k(%{{.*}}: !llvm.ptr<1>, %[[M0:.*]]: !llvm.ptr {llvm.align = 64 : i64, llvm.byval = !llvm.array<128 x i8>, nvvm.grid_constant}, %[[M1:.*]]: !llvm.ptr {llvm.align = 64 : i64, llvm.byval = !llvm.array<128 x i8>, nvvm.grid_constant})
// CHECK-NOT: llvm.call
// CHECK: llvm.store %[[M1]], %{{.*}}
// CHECK: llvm.store %[[M0]], %{{.*}}
module attributes {gpu.container_module} {
  gpu.module @kernels {
    llvm.func @__fused_tensor_map(i32) -> !llvm.ptr
    llvm.func @k(%out: !llvm.ptr<1>) attributes {nvvm.kernel} {
      %c1 = llvm.mlir.constant(1 : i32) : i32
      %c0 = llvm.mlir.constant(0 : i32) : i32
      %b = llvm.call @__fused_tensor_map(%c1) : (i32) -> !llvm.ptr
      %a = llvm.call @__fused_tensor_map(%c0) : (i32) -> !llvm.ptr
      llvm.store %b, %out : !llvm.ptr, !llvm.ptr<1>
      llvm.store %a, %out : !llvm.ptr, !llvm.ptr<1>
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @kernels {
    llvm.func @__fused_tensor_map(i32) -> !llvm.ptr
    llvm.func @k(%i: i32) attributes {nvvm.kernel} {
      // expected-error @+1 {{'llvm.call' op takes one constant tensor-map index}}
      %m = llvm.call @__fused_tensor_map(%i) : (i32) -> !llvm.ptr
      llvm.return
    }
  }
}
