// RUN: fused-opt --fused-emulate --split-input-file --verify-diagnostics %s | FileCheck %s

/// The Hopper operations become calls of their hooks (the intrinsics table,
/// include/fused/Runtime/EmulatorIntrinsics.def): mbarriers, TMA copies
/// with their coordinates in the scratch buffer, fences, wgmma with its
/// accumulators in a 512-byte buffer, elect.sync and setmaxnreg. Every use
/// of a wgmma result that is not the accumulator of another wgmma, also
/// through a branch, is preceded by a check naming the producing wgmma's
/// site. A tensor map passed by value arrives as its storage.

// CHECK-LABEL: llvm.func @k(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK-NOT: nvvm.grid_constant
// CHECK-NOT: llvm.byval
// CHECK: %[[SCRATCH:.*]] = llvm.alloca %{{.*}} x !llvm.array<64 x i8>
// CHECK: %[[WIDE:.*]] = llvm.alloca %{{.*}} x !llvm.array<512 x i8>
// CHECK: llvm.call @__fused_emu_mbarrier_init(%{{.*}}, %{{.*}}, %{{.*}}) : (!llvm.ptr, i32, i32) -> ()
// CHECK: llvm.call @__fused_emu_fence(%{{.*}}, %{{.*}}) : (i32, i32) -> ()
// CHECK: llvm.call @__fused_emu_mbarrier_arrive(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (!llvm.ptr, i32, i64, i32) -> i64
// CHECK: llvm.store %{{.*}}, %[[SCRATCH]] : i32, !llvm.ptr
// CHECK: llvm.call @__fused_emu_tma_load(%{{.*}}, %{{.*}}, %[[SCRATCH]], %{{.*}}, %{{.*}}, %{{.*}}) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, i32, !llvm.ptr, i32) -> ()
// CHECK: llvm.call @__fused_emu_mbarrier_tx
// CHECK: llvm.call @__fused_emu_mbarrier_wait(%{{.*}}, %{{.*}}, %{{.*}}) : (!llvm.ptr, i32, i32) -> ()
// CHECK: llvm.call @__fused_emu_wgmma_fence
// CHECK: llvm.call @__fused_emu_wgmma(%[[WIDE]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[SITE:.*]]) : (!llvm.ptr, i64, i64, i32, i32, i32) -> ()
// CHECK: llvm.call @__fused_emu_wgmma(%[[WIDE]]
// CHECK-NOT: __fused_emu_wgmma_read
// CHECK: llvm.call @__fused_emu_wgmma_commit
// CHECK: llvm.call @__fused_emu_wgmma_wait
// CHECK: llvm.br ^[[NEXT:.*]](%{{.*}} : !llvm.struct
// CHECK: ^[[NEXT]](%{{.*}}: !llvm.struct
// CHECK: llvm.call @__fused_emu_wgmma_read(%{{.*}}, %{{.*}}) : (i32, i32) -> ()
// CHECK-NEXT: llvm.extractvalue
// CHECK: llvm.call @__fused_emu_elect(%{{.*}}, %{{.*}}) : (i32, i32) -> i32
// CHECK: llvm.call @__fused_emu_setmaxnreg
// CHECK: llvm.call @__fused_emu_tma_store(%{{.*}}, %{{.*}}, %[[SCRATCH]], %{{.*}}, %{{.*}}) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, i32, i32) -> ()
// CHECK: llvm.call @__fused_emu_bulk_commit
// CHECK: llvm.call @__fused_emu_bulk_wait
// CHECK: llvm.call @__fused_emu_mbarrier_inval
// CHECK-NOT: nvvm.
// CHECK: llvm.func @__fused_emu_entry_k(%[[ARGS:.*]]: !llvm.ptr)
// CHECK: %[[SLOT:.*]] = llvm.getelementptr %[[ARGS]][0]
// CHECK: %[[MAP:.*]] = llvm.load %[[SLOT]] : !llvm.ptr -> !llvm.ptr
// CHECK-NOT: llvm.load %[[MAP]]
// CHECK: llvm.call @k(%[[MAP]],

module attributes {gpu.container_module} {
  gpu.module @kernels {
    llvm.mlir.global internal @__dynamic_shmem__0() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<0 x i8>
    llvm.func @k(%map: !llvm.ptr {llvm.byval = !llvm.array<128 x i8>, nvvm.grid_constant}, %out: !llvm.ptr<1>) attributes {nvvm.kernel} {
      %smem = llvm.mlir.addressof @__dynamic_shmem__0 : !llvm.ptr<3>
      %tile = llvm.getelementptr %smem[1024] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
      %c0 = llvm.mlir.constant(0 : i32) : i32
      %c1 = llvm.mlir.constant(1 : i32) : i32
      %tx = llvm.mlir.constant(8192 : i32) : i32
      nvvm.mbarrier.init %smem, %c1 : !llvm.ptr<3>, i32
      nvvm.fence.mbarrier.init
      %phase = nvvm.mbarrier.arrive.expect_tx %smem, %tx : !llvm.ptr<3>, i32 -> i64
      %dst = llvm.addrspacecast %tile : !llvm.ptr<3> to !llvm.ptr<7>
      nvvm.cp.async.bulk.tensor.shared.cluster.global %dst, %map, %smem, box[%c0, %c0] : !llvm.ptr<7>, !llvm.ptr
      nvvm.mbarrier.expect_tx %smem, %c0 : !llvm.ptr<3>, i32
      nvvm.mbarrier.try_wait.parity %smem, %c0, %c1 : !llvm.ptr<3>, i32, i32
      %d = llvm.mlir.constant(4611686293305360448 : i64) : i64
      %acc = llvm.mlir.poison : !llvm.struct<(f32, f32, f32, f32)>
      nvvm.wgmma.fence.aligned
      %r1 = nvvm.wgmma.mma_async %d, %d, %acc, #nvvm.shape<m = 64, n = 8, k = 16>, D [<f32>, #nvvm.wgmma_scale_out<zero>], A [<f16>, #nvvm.wgmma_scale_in<one>, <row>], B [<f16>, #nvvm.wgmma_scale_in<one>, <col>] : !llvm.struct<(f32, f32, f32, f32)> -> !llvm.struct<(f32, f32, f32, f32)>
      %r2 = nvvm.wgmma.mma_async %d, %d, %r1, #nvvm.shape<m = 64, n = 8, k = 16>, D [<f32>, #nvvm.wgmma_scale_out<one>], A [<f16>, #nvvm.wgmma_scale_in<one>, <row>], B [<f16>, #nvvm.wgmma_scale_in<one>, <col>] : !llvm.struct<(f32, f32, f32, f32)> -> !llvm.struct<(f32, f32, f32, f32)>
      nvvm.wgmma.commit.group.sync.aligned
      nvvm.wgmma.wait.group.sync.aligned 0
      llvm.br ^next(%r2 : !llvm.struct<(f32, f32, f32, f32)>)
    ^next(%acc2: !llvm.struct<(f32, f32, f32, f32)>):
      %x = llvm.extractvalue %acc2[0] : !llvm.struct<(f32, f32, f32, f32)>
      llvm.store %x, %out : f32, !llvm.ptr<1>
      %leader = nvvm.elect.sync -> i1
      nvvm.setmaxregister increase 232
      nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
      nvvm.cp.async.bulk.tensor.global.shared.cta %map, %tile, box[%c0, %c0] : !llvm.ptr, !llvm.ptr<3>
      nvvm.cp.async.bulk.commit.group
      nvvm.cp.async.bulk.wait_group 0
      nvvm.mbarrier.inval %smem : !llvm.ptr<3>
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @kernels {
    llvm.func @k(%bar: !llvm.ptr<3>, %p: i1) attributes {nvvm.kernel} {
      %c1 = llvm.mlir.constant(1 : i32) : i32
      // expected-error @+1 {{'nvvm.mbarrier.init' op with a predicate is not supported by the emulator}}
      nvvm.mbarrier.init %bar, %c1, predicate = %p : !llvm.ptr<3>, i32, i1
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @kernels {
    llvm.func @k(%d: i64) attributes {nvvm.kernel} {
      %acc = llvm.mlir.poison : !llvm.struct<(i32, i32, i32, i32)>
      // expected-error @+1 {{'nvvm.wgmma.mma_async' op is not supported by the emulator (it implements m64nNk16 with f16 or bf16 operands and f32 accumulators)}}
      %r = nvvm.wgmma.mma_async %d, %d, %acc, #nvvm.shape<m = 64, n = 8, k = 32>, D [<s32>, #nvvm.wgmma_scale_out<zero>], A [<s8>, #nvvm.wgmma_scale_in<one>, <row>], B [<s8>, #nvvm.wgmma_scale_in<one>, <col>] : !llvm.struct<(i32, i32, i32, i32)> -> !llvm.struct<(i32, i32, i32, i32)>
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @kernels {
    llvm.func @k(%dst: !llvm.ptr<7>, %map: !llvm.ptr, %bar: !llvm.ptr<3>, %mask: i16) attributes {nvvm.kernel} {
      %c0 = llvm.mlir.constant(0 : i32) : i32
      // expected-error @+1 {{'nvvm.cp.async.bulk.tensor.shared.cluster.global' op is supported by the emulator in tile mode without multicast only}}
      nvvm.cp.async.bulk.tensor.shared.cluster.global %dst, %map, %bar, box[%c0] multicast_mask = %mask : !llvm.ptr<7>, !llvm.ptr
      llvm.return
    }
  }
}
