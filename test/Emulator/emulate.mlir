// RUN: fused-opt --fused-emulate --split-input-file --verify-diagnostics %s | FileCheck %s

/// Typed GPU ops become runtime calls with their site numbers; loads and
/// stores go through __fused_emu_access with size, direction and alignment;
/// shared memory is the block's arena; address spaces collapse; an entry
/// point unpacks the arguments; the site table names each op's location.

// CHECK-LABEL: llvm.func @k(%{{.*}}: !llvm.ptr, %{{.*}}: i64)
// CHECK: %[[SCRATCH:.*]] = llvm.alloca %{{.*}} x !llvm.array<64 x i8>
// CHECK: llvm.call @__fused_emu_sreg(%{{.*}}) : (i32) -> i32
// CHECK: llvm.call @__fused_emu_shared() : () -> !llvm.ptr
// CHECK: llvm.call @__fused_emu_cp_async(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (!llvm.ptr, !llvm.ptr, i32, i32, i32) -> ()
// CHECK: llvm.call @__fused_emu_cp_commit
// CHECK: llvm.call @__fused_emu_cp_wait
// CHECK: llvm.call @__fused_emu_barrier
// CHECK: llvm.call @__fused_emu_ldmatrix(%{{.*}}, %{{.*}}, %{{.*}}, %[[SCRATCH]], %{{.*}})
// CHECK: llvm.call @__fused_emu_mma(%[[SCRATCH]], %{{.*}}, %{{.*}})
// CHECK: %[[P:.*]] = llvm.call @__fused_emu_access(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (!llvm.ptr, i64, i32, i32) -> !llvm.ptr
// CHECK: llvm.store %{{.*}}, %[[P]] {alignment = 4 : i64} : f32, !llvm.ptr
// CHECK-NOT: nvvm.
// CHECK-NOT: addrspacecast
// CHECK-LABEL: llvm.func @__fused_emu_entry_k(%{{.*}}: !llvm.ptr)
// CHECK: llvm.call @k(
// CHECK: llvm.mlir.global external constant @__fused_emu_sites("nvvm.cp.async.shared.global at {{.*}}emulate.mlir:

module attributes {gpu.container_module} {
  gpu.module @kernels {
    llvm.mlir.global internal @__dynamic_shmem__0() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<0 x i8>
    llvm.func @k(%arg0: !llvm.ptr, %n: i64) attributes {nvvm.kernel} {
      %tid = nvvm.read.ptx.sreg.tid.x : i32
      %smem = llvm.mlir.addressof @__dynamic_shmem__0 : !llvm.ptr<3>
      %g = llvm.addrspacecast %arg0 : !llvm.ptr to !llvm.ptr<1>
      %c16 = llvm.mlir.constant(16 : i32) : i32
      nvvm.cp.async.shared.global %smem, %g, 16, cache = cg, %c16 : !llvm.ptr<3>, !llvm.ptr<1>, i32
      nvvm.cp.async.commit.group
      nvvm.cp.async.wait.group 0
      nvvm.barrier0
      %frag = nvvm.ldmatrix %smem {eltType = #nvvm.ld_st_matrix_elt_type<b16>, layout = #nvvm.mma_layout<row>, num = 4 : i32, shape = #nvvm.ld_st_matrix_shape<m = 8, n = 8>} : (!llvm.ptr<3>) -> !llvm.struct<(i32, i32, i32, i32)>
      %a0 = llvm.extractvalue %frag[0] : !llvm.struct<(i32, i32, i32, i32)>
      %f0 = llvm.mlir.constant(0.0 : f32) : f32
      %h = llvm.bitcast %a0 : i32 to vector<2xf16>
      %d = nvvm.mma.sync A[%h, %h, %h, %h] B[%h, %h] C[%f0, %f0, %f0, %f0] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (vector<2xf16>, vector<2xf16>, f32) -> !llvm.struct<(f32, f32, f32, f32)>
      %d0 = llvm.extractvalue %d[0] : !llvm.struct<(f32, f32, f32, f32)>
      llvm.store %d0, %arg0 {alignment = 4 : i64} : f32, !llvm.ptr
      llvm.return
    }
  }
}

// -----

// expected-error @+1 {{fused-emulate: the module has no gpu.module of kernels}}
module {
  llvm.func @host() {
    llvm.return
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @kernels {
    llvm.func @k() attributes {nvvm.kernel} {
      %f = llvm.mlir.constant(0.0 : f32) : f32
      %h = llvm.mlir.constant(dense<0.0> : vector<2xf16>) : vector<2xf16>
      // expected-error @+1 {{'nvvm.mma.sync' op is not supported by the emulator (it implements m16n8k16 with f16 or bf16 operands and f32 accumulators)}}
      %d = nvvm.mma.sync A[%h, %h] B[%h] C[%f, %f, %f, %f] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, shape = #nvvm.shape<m = 16, n = 8, k = 8>} : (vector<2xf16>, vector<2xf16>, f32) -> !llvm.struct<(f32, f32, f32, f32)>
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @kernels {
    llvm.func @k() attributes {nvvm.kernel} {
      // expected-error @+1 {{'nvvm.read.ptx.sreg.clock' op is not supported by the emulator (it implements special registers; barrier0; cp.async; cp.async.commit_group; cp.async.wait_group; ldmatrix; mma.sync m16n8k16 (f16 or bf16, f32 accumulators); shfl.sync; vote.sync; addresses of static shared memory; global and shared loads, stores and atomics; mbarrier.init;}}
      %c = nvvm.read.ptx.sreg.clock : i32
      llvm.return
    }
  }
}
