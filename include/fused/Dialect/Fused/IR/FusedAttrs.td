//===- FusedAttrs.td - attributes of the fused dialect -----*- tablegen -*-===//
//
// Attributes that carry code-generation decisions (tile configurations).
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_DIALECT_FUSED_IR_FUSEDATTRS_TD
#define FUSED_DIALECT_FUSED_IR_FUSEDATTRS_TD

include "fused/Dialect/Fused/IR/FusedDialect.td"
include "mlir/IR/AttrTypeBase.td"

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

#endif // FUSED_DIALECT_FUSED_IR_FUSEDATTRS_TD
