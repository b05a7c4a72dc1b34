//===- Passes.td - passes on the fused dialect -------------*- tablegen -*-===//
//
// Graph-level passes: they take and produce `fused` ops on tensors.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_DIALECT_FUSED_TRANSFORMS_PASSES_TD
#define FUSED_DIALECT_FUSED_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def FusedFusePass : Pass<"fused-fuse", "::mlir::func::FuncOp"> {
  let summary = "group fused ops into kernels";
  let description = [{
    Wraps every `fused` op at the top level of a function into a
    `fused.kernel`, grouping ops that one kernel can compute together:

    - **Attention written op by op**: `fused.matmul` of Q and Kᵀ
      (`transpose_b`), optionally `fused.mul` by a splat constant (the
      scale) and `fused.add` of a bias, `fused.softmax` over the last axis,
      optionally `fused.cast`, `fused.matmul` with V and optionally a final
      `fused.cast`, every intermediate used once and shapes [B,H,S,D] with
      Hq a multiple of the K/V heads, becomes one `fused.attention` (and
      then one `attention` kernel).
    - **GEMM + epilogue**: a `fused.matmul` and the chain of elementwise ops
      that consume it (bias add with broadcasting, scale, gelu/silu/relu/…,
      residual add, cast) become one `gemm` kernel. A link joins the chain
      when the value so far is used by that op alone and the op's result has
      the matmul's result shape (the epilogue works on the output tile; the
      other operand of a binary op may be any value broadcastable to it).
    - **Elementwise chains**: elementwise ops joined the same way, all of one
      result shape, become one `elementwise` kernel.
    - Every other op that a kernel strategy roots (attention, softmax,
      reductions, norms, transposes, slices that are not contiguous, and
      ops that cannot join a chain) becomes a kernel of its own.
    - Views (`fused.reshape`, contiguous `fused.slice`) and ops no strategy
      compiles stay outside kernels.

    Pre: `fused` ops on tensors at the top level of `func.func` bodies.
    Post: no `fused` op that a strategy roots outside a `fused.kernel`,
    except those nested in other regions, which are left alone. Values that flowed between ops of one
    kernel are no longer visible outside it. The pass is idempotent.
  }];
  let options = [
    Option<"fuseEpilogues", "fuse-epilogues", "bool", /*default=*/"true",
           "fuse elementwise consumers of a matmul into its kernel">,
    Option<"fuseElementwise", "fuse-elementwise", "bool", /*default=*/"true",
           "fuse chains of elementwise ops into one kernel">,
  ];
  let dependentDialects = ["::fused::fused::FusedDialect"];
}

def FusedTilePass : Pass<"fused-tile", "::mlir::ModuleOp"> {
  let summary = "tile GEMM kernels to thread blocks and warps";
  let description = [{
    Turns every `fused.kernel gemm` into a private kernel function on
    memrefs (one argument per kernel input, then one for the output) and
    replaces the kernel by a `fused.launch` of it.

    The configuration comes from a `fused.config = #fused.gemm_config<...>`
    attribute on the kernel or its matmul, or else from a shape heuristic
    (128x128x32 blocks of 8 warps and 4 stages for large problems, smaller
    blocks for small M or N). The function body is:

    - `scf.forall` over (batch, M tiles, N tiles), mapped to thread blocks;
      the batch index is decomposed into the output's batch dimensions and
      broadcast operands index batch 0;
    - an f32 accumulator tile (`memref.alloca`, block_m x block_n) set to 0;
    - `scf.for` over K tiles, and inside it `scf.forall` over warps, each
      running a `linalg.generic` contraction (`fused.role = #fused<role mma>`) on its
      sub-tiles of A, B and the accumulator;
    - a `linalg.generic` epilogue (`fused.role = #fused<role epilogue>`) that applies
      the kernel's elementwise chain to the accumulator tile, reading
      epilogue operands with broadcasting, and writes the output tile.

    Every tile is clipped to the operand bounds (dynamic subview sizes), so
    M, N and K need not be multiples of the tile sizes and no access is out
    of bounds.

    Pre: `fused.kernel gemm` whose body is a `fused.matmul` with f16, bf16
    or f32 operands and f32 accumulation followed by an elementwise chain;
    any size (batch, M, N, K) may be dynamic, read from the descriptors.
    Other kernel kinds are left alone.
    Post: no `fused.kernel gemm`; the kernel functions carry
    `fused.kernel_kind = #fused<kernel_kind gemm>` and `fused.gemm_config`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::gpu::GPUDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def FusedPromoteSharedPass : Pass<"fused-promote-shared", "::mlir::ModuleOp"> {
  let summary = "stage GEMM operand tiles in shared memory with a copy pipeline";
  let description = [{
    In every tiled GEMM kernel function (`fused.kernel_kind = #fused<kernel_kind gemm>`, from
    `fused-tile`), the A and B tiles that the warps read in the K loop are
    staged in shared memory: two rings of `stages` tiles
    (`memref<S x rows x cols x T, #gpu.address_space<workgroup>>`)
    carrying `fused.swizzle = #fused<swizzle xor16>`, which tells the GPU lowering to store
    16-byte chunks XOR-swizzled by row so that ldmatrix reads and 16-byte
    copy writes are free of bank conflicts. The swizzle permutes storage
    only; the IR indexes the tiles logically.

    The K loop becomes a software pipeline: a prologue issues the copies of
    K tiles 0 .. S-2 (one `fused.async_commit` group each); iteration `kt`
    waits until tile `kt` has landed (`fused.async_wait pending = S-2`),
    issues the copy of tile `kt+S-1` into the stage freed by iteration
    `kt-1`, and runs the warps' contraction on stage `kt % S`. Copies of
    edge tiles zero-fill (`fused.copy_tile`), so the contraction runs on
    full tiles and a full accumulator; the epilogue is unchanged and writes
    only the valid part of the output.

    Pre: kernel functions produced by `fused-tile`.
    Post: kernel functions marked `fused.promoted`; global operand tiles are
    read only by `fused.copy_tile`. Host-executable after
    `fused-prepare-host`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect"
  ];
}

def FusedPrepareHostPass : Pass<"fused-prepare-host"> {
  let summary = "host form of promoted kernels (CPU execution)";
  let description = [{
    Rewrites `fused.copy_tile` into loops that copy the valid part of the
    source and zero the rest of the destination, erases
    `fused.async_commit` and `fused.async_wait`, and moves shared-memory
    buffers (any memory space) to ordinary memory. Used to run promoted
    kernels on the CPU; the GPU lowering maps the same ops to cp.async and
    shared memory.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def FusedLowerToMMAPass : Pass<"fused-lower-to-mma", "::mlir::ModuleOp"> {
  let summary = "GEMM kernels to tensor-core GPU kernels (mma.sync, ldmatrix, cp.async)";
  let description = [{
    Turns every promoted GEMM kernel function into a `gpu.func` kernel in
    `gpu.module @fused_kernels` (the module becomes a
    `gpu.container_module`), written per thread:

    - the thread-block grid maps to `gpu.block_id` (x: N tiles, y: M tiles,
      z: batch) and warps to `gpu.thread_id x / 32`;
    - the shared-memory rings become views of dynamic shared memory;
    - `fused.copy_tile` is split into 16-byte chunks, handed round-robin to
      the threads; each chunk is an `nvgpu.device_async_copy` (cp.async,
      L1 bypass) with zero-fill past the source bounds, stored at its
      XOR-swizzled position. Sources whose rows are not 16-byte aligned are
      copied element by element instead;
    - `fused.async_commit` / `fused.async_wait` become
      `nvvm.cp.async.commit.group` / `nvvm.cp.async.wait.group` followed by
      `gpu.barrier`;
    - the warps' contraction becomes, per 16-deep K step, `nvgpu.ldmatrix`
      x4 loads of A and B fragments (`.trans` where the tile is K-major) and
      m16n8k16 `mma.sync` into f32 accumulators (`vector<2x2xf32>` each)
      carried by the K loop; bf16 uses `nvvm.mma.sync` directly;
    - the epilogue is applied to each accumulator element in registers; the
      results go to a staging tile in shared memory (XOR-swizzled, reusing
      the rings' memory) and leave it in 16-byte chunks: one vector store
      per chunk inside the output, element stores at the edges and for
      outputs whose rows are not 16-byte aligned.

    Each `fused.launch` of the function is redirected to the kernel, which
    carries its `fused.launch` (grid, block, dynamic shared memory in
    bytes, outputs) and `fused.gemm_config`.

    Pre: kernel functions from `fused-promote-shared` (`fused.promoted`),
    f16, bf16 or f32 operands (f32: fragments read from shared memory as
    f32 and split in three bf16 parts, six mma.sync per fragment pair).
    Post: the kernels are `gpu.func`s of upstream dialects (gpu, nvgpu,
    nvvm, vector, memref, scf, arith, math), ready for NVVM lowering.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::NVVM::NVVMDialect",
    "::mlir::memref::MemRefDialect", "::mlir::nvgpu::NVGPUDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect"
  ];
}

def FusedLowerAttentionPass : Pass<"fused-lower-attention", "::mlir::ModuleOp"> {
  let summary = "Attention kernels to FlashAttention-style tensor-core GPU kernels";
  let description = [{
    Turns every `fused.kernel` of kind `attention` (one `fused.attention`)
    into a `gpu.func` in `gpu.module @fused_kernels` and the kernel op into a
    `fused.launch` of it. Thread block (x, y, z) = (block of 64 query rows,
    query head, batch); 4 warps of 16 query rows. Q is copied once into
    XOR-swizzled shared memory; K and V tiles (64 keys, 32 when a head
    dimension exceeds 64) stream through a two-stage cp.async ring with
    zero-fill past the sequence ends. Per tile: S = Q Kᵀ with ldmatrix and
    mma.sync m16n8k16 into f32 registers; scale (folded with log2 e), bias
    and, only in tiles that have such keys, the mask (keys past Skv, keys
    above the bottom-right causal diagonal);
    an exp2-based online softmax (running row maximum and sum, quad
    shuffles, rescaled O accumulators); P rounded to f16/bf16 in registers
    as the A operand of P V (ldmatrix .trans for V). Tiles wholly above the
    causal diagonal are not visited; the KV head of query head h is h /
    (Hq / Hkv). The epilogue divides by the row sum, stages O through
    shared memory, stores it in 16-byte chunks and, when asked, stores
    LSE = m + log(l) (zeros and -inf for rows that see no key).
    Head dimensions: multiples of 16 up to 256; f16, bf16 or f32 inputs
    (f32 split in three bf16 parts, as in fused-lower-to-mma); f16, bf16 or
    f32 outputs.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::NVVM::NVVMDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::nvgpu::NVGPUDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def FusedLowerKernelsPass : Pass<"fused-lower-kernels", "::mlir::ModuleOp"> {
  let summary = "build the GPU kernels of the kinds whose strategies lower them directly";
  let description = [{
    For every `fused.kernel` whose kernel strategy builds its GPU kernel
    straight from the kernel (include/fused/Conversion/KernelStrategy.h:
    `lowersToGpu`; the row-wise softmax and normalisation kernels), builds
    the `gpu.func` in `gpu.module @fused_kernels` for the module's target
    and replaces the kernel by a `fused.launch` of it. Kernels of other
    kinds are left to their passes; a kernel its strategy does not support
    is an error saying why.

    Pre: `fused.kernel` ops in graph functions (after `fused-fuse`).
    Post: no `fused.kernel` of those kinds; their kernels carry
    `fused.kernel_kind` and `fused.launch`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect"
  ];
}

def FusedCheckLimitsPass : Pass<"fused-check-limits", "::mlir::ModuleOp"> {
  let summary = "Refuse kernels over the target chip's launch limits";
  let description = [{
    Checks every `gpu.func` kernel of `gpu.module @fused_kernels` against
    the limits of the module's target (`fused.target`; `chip` overrides it)
    and reports each violation as an error naming the
    limit, so that no kernel over a limit reaches the emulator, a binary or
    a bundle: threads per block (1024), grid dimensions (x up to 2^31 - 1,
    y and z up to 65535), dynamic shared memory per block (the chip's
    opt-in maximum: 163 KiB on sm_80, 99 KiB on sm_86 and sm_89, 227 KiB on
    sm_90 and sm_90a) and, for each memref argument, byte offsets that overflow the
    64-bit index arithmetic the kernels use. The last check also applies to
    the arguments and results of every `func.func`, so that the pipeline
    runs the pass after fusion (before any kernel is built) and again after
    the GPU lowerings. Registers need no check here: every kernel carries
    its block size (`known_block_size`, `.maxntid` in the PTX), so ptxas
    keeps each thread within 65536 / threads registers, spilling if it
    must. A `fused.launch` that passes a view (`fused.reshape`,
    `fused.slice`) to a kernel must start it at a multiple of the alignment
    the kernel assumes of that argument (its widest access).
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"\"",
           "target chip (default: the module's fused.target)">
  ];
}

def FusedSetTargetPass : Pass<"fused-set-target", "::mlir::ModuleOp"> {
  let summary = "record the chip code generation targets on the module";
  let description = [{
    Sets `fused.target = "<chip>"` on the module. The passes that generate
    code read the chip's `fused::Target` (include/fused/Target/Target.h:
    its path, MMA shapes, async-copy mechanism and limits) from it; a
    module without one targets sm_80. The pipeline runs this pass first.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_80\"",
           "target chip (sm_80, sm_86, sm_89, sm_90, sm_90a)">
  ];
}

#endif // FUSED_DIALECT_FUSED_TRANSFORMS_PASSES_TD
