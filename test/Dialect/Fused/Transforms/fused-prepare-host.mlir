// RUN: fused-opt %s -split-input-file -fused-prepare-host | FileCheck %s

/// A tile copy becomes loops that copy the valid part and zero the rest;
/// commit and wait disappear; shared memory becomes host memory.
// CHECK-LABEL: func.func @copy
// CHECK-SAME: (%[[SRC:.*]]: memref<?x?xf16>)
// CHECK: %[[BUF:.*]] = memref.alloc() : memref<64x32xf16>
// CHECK-DAG: %[[R:.*]] = memref.dim %[[SRC]], %c0
// CHECK-DAG: %[[C:.*]] = memref.dim %[[SRC]], %c1
// CHECK: scf.for %[[I:.*]] =
// CHECK: scf.for %[[J:.*]] =
// CHECK: %[[IR:.*]] = arith.cmpi ult, %[[I]], %[[R]]
// CHECK: %[[JC:.*]] = arith.cmpi ult, %[[J]], %[[C]]
// CHECK: %[[OK:.*]] = arith.andi %[[IR]], %[[JC]]
// CHECK: %[[V:.*]] = scf.if %[[OK]] -> (f16) {
// CHECK: memref.load %[[SRC]][%[[I]], %[[J]]]
// CHECK: } else {
// CHECK: scf.yield %{{.*}} : f16
// CHECK: memref.store %[[V]], %[[BUF]][%[[I]], %[[J]]] : memref<64x32xf16>
// CHECK-NOT: fused.async
// CHECK: memref.dealloc %[[BUF]] : memref<64x32xf16>
func.func @copy(%src: memref<?x?xf16>) {
  %buf = memref.alloc() : memref<64x32xf16, #gpu.address_space<workgroup>>
  fused.copy_tile %src, %buf : memref<?x?xf16>, memref<64x32xf16, #gpu.address_space<workgroup>>
  fused.async_commit
  fused.async_wait pending = 0
  memref.dealloc %buf : memref<64x32xf16, #gpu.address_space<workgroup>>
  return
}
