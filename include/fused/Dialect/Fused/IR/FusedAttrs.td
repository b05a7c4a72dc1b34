//===- FusedAttrs.td - attributes of the fused dialect -----*- tablegen -*-===//
//
// Attributes that carry code-generation decisions from pass to pass: kernel
// kinds, tile and launch configurations, roles of tile-level ops, swizzles.
// Passes read and write them through the helpers FusedDialect.td declares
// (discardableAttrs), never by name.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_DIALECT_FUSED_IR_FUSEDATTRS_TD
#define FUSED_DIALECT_FUSED_IR_FUSEDATTRS_TD

include "fused/Dialect/Fused/IR/FusedDialect.td"
include "fused/Dialect/Fused/IR/FusedEnums.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Fused_GemmConfigAttr : AttrDef<Fused_Dialect, "GemmConfig"> {
  let mnemonic = "gemm_config";
  let summary = "tile configuration of a GEMM kernel";
  let description = [{
    A thread block computes a `block_m x block_n` tile of the output,
    stepping through K by `block_k`. Its `warps_m x warps_n` warps each own a
    `(block_m / warps_m) x (block_n / warps_n)` sub-tile, computed with
    m16n8k16 tensor-core instructions. Operand tiles are staged through
    shared memory in a `stages`-deep asynchronous copy pipeline.

    Constraints: the warp tile is a multiple of 16 in both dimensions,
    `block_k` is a multiple of 16, 1 <= `stages` <= 8 and the block has at
    most 1024 threads.

    ```mlir
    #fused.gemm_config<block = [128, 128, 32], warps = [2, 4], stages = 4>
    ```
  }];
  let parameters = (ins "int64_t":$blockM, "int64_t":$blockN,
                        "int64_t":$blockK, "int64_t":$warpsM,
                        "int64_t":$warpsN, "int64_t":$stages);
  let assemblyFormat = [{
    `<` `block` `=` `[` $blockM `,` $blockN `,` $blockK `]` `,`
    `warps` `=` `[` $warpsM `,` $warpsN `]` `,` `stages` `=` $stages `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    int64_t getWarpTileM() const { return getBlockM() / getWarpsM(); }
    int64_t getWarpTileN() const { return getBlockN() / getWarpsN(); }
    int64_t getNumThreads() const { return 32 * getWarpsM() * getWarpsN(); }
  }];
}

def Fused_KernelKindAttr : EnumAttr<Fused_Dialect, Fused_KernelKind,
                                    "kernel_kind"> {
  let summary = "the kind of kernel a kernel function implements";
}

def Fused_TileRoleAttr : EnumAttr<Fused_Dialect, Fused_TileRole, "role"> {
  let summary = "what a tile-level linalg op of a kernel function computes";
}

def Fused_SwizzleAttr : EnumAttr<Fused_Dialect, Fused_Swizzle, "swizzle"> {
  let summary = "how a shared-memory tile permutes its storage";
}

def Fused_AttentionConfigAttr : AttrDef<Fused_Dialect, "AttentionConfig"> {
  let mnemonic = "attention_config";
  let summary = "tile configuration of an attention kernel";
  let description = [{
    A thread block of `warps` warps computes `block_m` query rows of one
    (batch, head), stepping through the keys `block_n` at a time; each warp
    owns `block_m / warps` rows.

    ```mlir
    #fused.attention_config<block = [64, 64], warps = 4>
    ```
  }];
  let parameters = (ins "int64_t":$blockM, "int64_t":$blockN,
                        "int64_t":$warps);
  let assemblyFormat = [{
    `<` `block` `=` `[` $blockM `,` $blockN `]` `,` `warps` `=` $warps `>`
  }];
  let genVerifyDecl = 1;
}

def Fused_TensorMapAttr : AttrDef<Fused_Dialect, "TensorMap"> {
  let mnemonic = "tensor_map";
  let summary = "a TMA tensor map a kernel takes over one of its arguments";
  let description = [{
    A Hopper kernel reads argument `arg` (a dense row-major tensor) through
    a TMA tensor map: boxes of `box` elements (outermost first, one per
    dimension of the argument), written to shared memory with a swizzle of
    `swizzle` bytes (0, 32, 64 or 128). The runtime encodes the map from
    the argument's address and sizes at each launch
    (cuTensorMapEncodeTiled; the emulator its own record) and passes it by
    value after the kernel's other arguments, in the order of its launch
    configuration's `tensor_maps` (docs/bundle.md).

    ```mlir
    #fused.tensor_map<arg = 0, box = [128, 64], swizzle = 128>
    ```
  }];
  let parameters = (ins "int64_t":$arg, ArrayRefParameter<"int64_t">:$box,
                        "int64_t":$swizzle);
  let assemblyFormat = [{
    `<` `arg` `=` $arg `,` `box` `=` `[` $box `]` `,` `swizzle` `=` $swizzle `>`
  }];
  let genVerifyDecl = 1;
}

def Fused_LaunchConfigAttr : AttrDef<Fused_Dialect, "LaunchConfig"> {
  let mnemonic = "launch";
  let summary = "how a GPU kernel is launched";
  let description = [{
    The grid and block (x, y, z), the bytes of dynamic shared memory per
    block and how many of the kernel's trailing arguments are outputs.
    The GPU lowerings put it on every `gpu.func` they make; the limits
    check, the manifest, the host runner and the emulator read it.

    A kernel with dynamic dimensions may have grid sizes that follow from
    them: `sizes` then holds an expression per axis (x, y, z; empty where
    the axis is the static `grid` value) over the kernel arguments'
    dimensions, `aI.dJ` for dimension J of argument I, in the syntax of the
    manifest (docs/bundle.md); the static value of such an axis is 0.

    A Hopper kernel that reads arguments through TMA lists their tensor
    maps (`#fused.tensor_map`) in `tensor_maps`: the runtime passes one
    encoded map per entry after the kernel's arguments.

    ```mlir
    #fused.launch<grid = [2, 8, 2], block = [128, 1, 1], shared = 40960, outputs = 2>
    #fused.launch<grid = [0, 1, 1], block = [256, 1, 1], shared = 0, outputs = 1, sizes = ["(a0.d0 * 768 + 2047) / 2048", "", ""]>
    #fused.launch<grid = [4, 4, 1], block = [384, 1, 1], shared = 132096, outputs = 1, tensor_maps = [#fused.tensor_map<arg = 0, box = [128, 64], swizzle = 128>]>
    ```
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$grid,
                        ArrayRefParameter<"int64_t">:$block,
                        "int64_t":$dynamicSharedMemory,
                        "int64_t":$numOutputs,
                        OptionalParameter<"::mlir::ArrayAttr">:$gridSizes,
                        OptionalParameter<"::mlir::ArrayAttr">:$tensorMaps);
  let assemblyFormat = [{
    `<` `grid` `=` `[` $grid `]` `,` `block` `=` `[` $block `]` `,`
    `shared` `=` $dynamicSharedMemory `,` `outputs` `=` $numOutputs
    `` custom<LaunchExtras>($gridSizes, $tensorMaps) `` `>`
  }];
  let builders = [
    AttrBuilder<(ins "::llvm::ArrayRef<int64_t>":$grid,
                     "::llvm::ArrayRef<int64_t>":$block,
                     "int64_t":$dynamicSharedMemory, "int64_t":$numOutputs), [{
      return $_get($_ctxt, grid, block, dynamicSharedMemory, numOutputs,
                   ::mlir::ArrayAttr(), ::mlir::ArrayAttr());
    }]>,
    AttrBuilder<(ins "::llvm::ArrayRef<int64_t>":$grid,
                     "::llvm::ArrayRef<int64_t>":$block,
                     "int64_t":$dynamicSharedMemory, "int64_t":$numOutputs,
                     "::mlir::ArrayAttr":$gridSizes), [{
      return $_get($_ctxt, grid, block, dynamicSharedMemory, numOutputs,
                   gridSizes, ::mlir::ArrayAttr());
    }]>
  ];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The expression of grid axis `i`, or "" when it is static.
    ::llvm::StringRef getGridSize(unsigned i) const;
    bool hasDynamicGrid() const;
  }];
}

#endif // FUSED_DIALECT_FUSED_IR_FUSEDATTRS_TD
