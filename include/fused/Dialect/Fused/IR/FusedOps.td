//===- FusedOps.td - ops of the fused dialect --------------*- tablegen -*-===//
//
// Named, value-semantic ops on ranked tensors. Each op has a verifier that
// names the offending operand and dimensions; see FusedOps.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_DIALECT_FUSED_IR_FUSEDOPS_TD
#define FUSED_DIALECT_FUSED_IR_FUSEDOPS_TD

include "fused/Dialect/Fused/IR/FusedDialect.td"
include "fused/Dialect/Fused/IR/FusedEnums.td"
include "fused/Dialect/Fused/IR/FusedAttrs.td"
include "fused/Dialect/Fused/IR/FusedInterfaces.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

def Fused_MatmulOp : Fused_Op<"matmul", [Pure]> {
  let summary = "batched matrix multiplication with broadcasting";
  let description = [{
    Computes `result[..., m, n] = sum_k A[..., m, k] * B[..., k, n]`.

    `a` has shape `[batch..., M, K]` (or `[batch..., K, M]` with
    `transpose_a`) and `b` has shape `[batch..., K, N]` (or `[batch..., N, K]`
    with `transpose_b`). Both have rank 2 or more; their leading batch
    dimensions broadcast with numpy rules (a rank-2 operand is shared by every
    batch of the other). The result has shape `[broadcast(batch)..., M, N]`.

    Operands are `f16`, `bf16` or `f32` of the same type, or 8-bit floats
    (`f8E4M3FN`, `f8E5M2`, which may be mixed). Products are accumulated in
    `acc_type` (`f32` by default; `f16` is allowed for `f16` operands) and the
    sum is converted once to the result element type (`f16`, `bf16`, `f32`).

    Example:

    ```mlir
    %c = fused.matmul %a, %b {transpose_b}
        : tensor<3x128x64xf16>, tensor<256x64xf16> -> tensor<3x128x256xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$a, AnyRankedTensor:$b,
                       UnitAttr:$transpose_a, UnitAttr:$transpose_b,
                       OptionalAttr<TypeAttr>:$acc_type);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $a `,` $b attr-dict `:` type($a) `,` type($b) `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The accumulation type: `acc_type` if present, else f32.
    ::mlir::Type getAccumulatorType();
  }];
}

def Fused_AttentionOp : Fused_Op<"attention", [Pure]> {
  let summary = "scaled dot-product attention (multi-, grouped- or multi-query)";
  let description = [{
    Computes, for every batch `b`, query head `h` and query row `i`:

    ```
    s[j]   = scale * dot(Q[b,h,i,:], K[b,g,j,:]) + bias[b,h,i,j]
    out    = sum_j softmax(s)[j] * V[b,g,j,:]
    lse    = log(sum_j exp(s[j]))                (natural log)
    ```

    where `g = h / (Hq / Hkv)` is the key/value head shared by a group of
    query heads. Shapes: `query [B,Hq,Sq,D]`, `key [B,Hkv,Skv,D]`,
    `value [B,Hkv,Skv,Dv]`, `output [B,Hq,Sq,Dv]`; `Hq` must be a multiple of
    `Hkv` (`Hkv == Hq` is multi-head, `Hkv == 1` multi-query attention).
    K and V are never replicated: the mapping is index arithmetic.

    `scale` defaults to `1/sqrt(D)`.

    `causal` uses **bottom-right alignment** (as FlashAttention 2.1 and
    later): query row `i` may attend key `j` iff `j <= i + (Skv - Sq)`, so
    the last query row sees every key. This is what incremental decoding
    needs (the new queries are the last `Sq` positions of a sequence of
    length `Skv`). It differs from PyTorch's
    `scaled_dot_product_attention(is_causal=True)`, which aligns the mask
    top-left (`j <= i`); the two agree when `Sq == Skv`. A query row that can
    attend no key (only when `Sq > Skv`: rows `i < Sq - Skv`), or whose bias
    is `-inf` for every allowed key, produces a zero output row and
    `lse = -inf` (PyTorch produces NaN there).

    The optional additive `bias` is broadcastable (numpy rules) to
    `[B,Hq,Sq,Skv]`; `-inf` entries mask keys out. The optional second result
    is the row logsumexp `[B,Hq,Sq]` in `f32`, as needed by a backward pass or
    by combining split-KV partial results.

    Query, key and value share one element type: `f16`, `bf16` or `f32`.
    The output element type is chosen independently (`f16`, `bf16`, `f32`:
    an `f16` attention may write an `f32` output), and so is the bias's.

    Example:

    ```mlir
    %o, %lse = fused.attention %q, %k, %v {causal}
        : tensor<2x8x128x64xf16>, tensor<2x2x256x64xf16>, tensor<2x2x256x64xf16>
        -> tensor<2x8x128x64xf16>, tensor<2x8x128xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$query, AnyRankedTensor:$key,
                       AnyRankedTensor:$value,
                       Optional<AnyRankedTensor>:$bias,
                       OptionalAttr<F32Attr>:$scale, UnitAttr:$causal);
  let results = (outs AnyRankedTensor:$output,
                      Optional<AnyRankedTensor>:$lse);
  let assemblyFormat = [{
    $query `,` $key `,` $value (`bias` `(` $bias^ `:` type($bias) `)`)?
    attr-dict `:` type($query) `,` type($key) `,` type($value)
    `->` type($output) (`,` type($lse)^)?
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The softmax scale: `scale` if present, else 1/sqrt(D); nullopt when
    /// D is dynamic and no `scale` is given (it is then known at run time).
    std::optional<double> getScaleValue();
  }];
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

class Fused_UnaryOp<string mnemonic, string formula, string extra = "">
    : Fused_Op<mnemonic, [Pure, AllTypesMatch<["input", "result"]>,
                          DeclareOpInterfaceMethods<Fused_ElementwiseOpInterface>]> {
  let summary = "elementwise " # formula;
  let description = [{
    Applies `}] # formula # [{` to every element of a ranked tensor of
    `f16`, `bf16` or `f32`. The result has the type of the input.
  }] # extra # [{

    Example:

    ```mlir
    %y = fused.}] # mnemonic # [{ %x : tensor<4x8xf16>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::mlir::LogicalResult $cppClass::verify() {
      return verifyUnary(getOperation());
    }
  }];
}

def Fused_ExpOp : Fused_UnaryOp<"exp", "exp(x)">;
def Fused_TanhOp : Fused_UnaryOp<"tanh", "tanh(x)">;
def Fused_SiluOp : Fused_UnaryOp<"silu", "x * sigmoid(x)">;
def Fused_ReluOp : Fused_UnaryOp<"relu", "max(x, 0)"> {
  let hasFolder = 1;
}
def Fused_NegOp : Fused_UnaryOp<"neg", "-x"> {
  let hasFolder = 1;
}
def Fused_RsqrtOp : Fused_UnaryOp<"rsqrt", "1 / sqrt(x)">;
def Fused_SigmoidOp : Fused_UnaryOp<"sigmoid", "1 / (1 + exp(-x))">;

def Fused_GeluOp : Fused_Op<"gelu", [Pure, AllTypesMatch<["input", "result"]>,
    DeclareOpInterfaceMethods<Fused_ElementwiseOpInterface>]> {
  let summary = "elementwise GELU, exact (erf) or tanh-approximated";
  let description = [{
    `erf`:  `0.5 * x * (1 + erf(x / sqrt(2)))`.
    `tanh`: `0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))`.

    Example:

    ```mlir
    %y = fused.gelu tanh %x : tensor<4x8xbf16>
    %z = fused.gelu erf %x : tensor<4x8xbf16>
    ```
  }];
  let arguments = (ins Fused_GeluApproximation:$approximate,
                       AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$approximate $input attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Fused_CastOp : Fused_Op<"cast", [Pure,
    DeclareOpInterfaceMethods<Fused_ElementwiseOpInterface,
                              ["roundsToResultType"]>]> {
  let summary = "elementwise conversion between float types";
  let description = [{
    Converts every element to the result element type with
    round-to-nearest-even. Values beyond the target range become `inf`
    (`f16`, `bf16`, `f8E5M2`) or NaN (`f8E4M3FN`, which has no infinity).
    Source and result have the same shape; both element types are one of
    `f16`, `bf16`, `f32`, `f8E4M3FN`, `f8E5M2`.

    A cast to the same type folds away, and so does a round trip through a
    type that represents every value of the original exactly
    (`f16 -> f32 -> f16`).

    Example:

    ```mlir
    %y = fused.cast %x : tensor<128x256xf32> to tensor<128x256xbf16>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

class Fused_BinaryOp<string mnemonic, string formula>
    : Fused_Op<mnemonic, [Pure,
                          DeclareOpInterfaceMethods<Fused_ElementwiseOpInterface>]> {
  let summary = "elementwise " # formula # " with broadcasting";
  let description = [{
    Computes `}] # formula # [{` elementwise. The operand shapes broadcast
    with numpy rules (trailing dimensions aligned; a dimension of 1 stretches)
    to the result shape. `lhs`, `rhs` and the result have one element type:
    `f16`, `bf16` or `f32`.

    Example:

    ```mlir
    %y = fused.}] # mnemonic # [{ %x, %b
        : tensor<128x256xf16>, tensor<256xf16> -> tensor<128x256xf16>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::mlir::LogicalResult $cppClass::verify() {
      return verifyBinary(getOperation());
    }
  }];
}

def Fused_AddOp : Fused_BinaryOp<"add", "lhs + rhs">;
def Fused_SubOp : Fused_BinaryOp<"sub", "lhs - rhs">;
def Fused_MulOp : Fused_BinaryOp<"mul", "lhs * rhs">;
def Fused_DivOp : Fused_BinaryOp<"div", "lhs / rhs">;
def Fused_MaxOp : Fused_BinaryOp<"max", "max(lhs, rhs) (NaN propagates)">;
def Fused_MinOp : Fused_BinaryOp<"min", "min(lhs, rhs) (NaN propagates)">;

//===----------------------------------------------------------------------===//
// Softmax, reductions, normalisation
//===----------------------------------------------------------------------===//

def Fused_SoftmaxOp : Fused_Op<"softmax",
    [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "softmax along one axis";
  let description = [{
    `result = exp(x - max(x)) / sum(exp(x - max(x)))` along `axis`
    (negative values count from the end, as in numpy). A slice that is `-inf`
    everywhere yields zeros.

    Example:

    ```mlir
    %p = fused.softmax %s axis = -1 : tensor<4x128x128xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `axis` `=` $axis attr-dict `:` type($result)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// `axis` as a non-negative dimension index.
    int64_t getNormalizedAxis();
  }];
}

class Fused_ReduceOp<string mnemonic, string what>
    : Fused_Op<mnemonic, [Pure]> {
  let summary = what # " along one axis";
  let description = [{
    Reduces `input` with }] # what # [{ along `axis` (negative values count
    from the end). With `keepdim` the reduced dimension stays with size 1,
    otherwise it is removed. Input and result share one element type
    (`f16`, `bf16`, `f32`).

    Example:

    ```mlir
    %r = fused.}] # mnemonic # [{ %x axis = 1 keepdim
        : tensor<4x8xf32> -> tensor<4x1xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$axis,
                       UnitAttr:$keepdim);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `axis` `=` $axis (`keepdim` $keepdim^)? attr-dict
    `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// `axis` as a non-negative dimension index.
    int64_t getNormalizedAxis();
  }];
}

def Fused_ReduceSumOp : Fused_ReduceOp<"reduce_sum", "a sum">;
def Fused_ReduceMaxOp : Fused_ReduceOp<"reduce_max", "a maximum">;

def Fused_LayerNormOp : Fused_Op<"layernorm",
    [Pure, AttrSizedOperandSegments, AllTypesMatch<["input", "result"]>]> {
  let summary = "layer normalisation over the last dimension";
  let description = [{
    `result = (x - mean(x)) / sqrt(var(x) + epsilon) * weight + bias`, with
    mean and biased variance (divide by N) over the last dimension of size
    N. `weight` and `bias` are optional, of shape `[N]`.

    Example:

    ```mlir
    %y = fused.layernorm %x weight(%g : tensor<768xf32>)
        bias(%b : tensor<768xf32>) {epsilon = 1.0e-05 : f64}
        : tensor<4x128x768xf16>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       Optional<AnyRankedTensor>:$weight,
                       Optional<AnyRankedTensor>:$bias,
                       DefaultValuedAttr<F64Attr, "1.0e-5">:$epsilon);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input (`weight` `(` $weight^ `:` type($weight) `)`)?
    (`bias` `(` $bias^ `:` type($bias) `)`)? attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

def Fused_RMSNormOp : Fused_Op<"rmsnorm",
    [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "RMS normalisation over the last dimension";
  let description = [{
    `result = x / sqrt(mean(x^2) + epsilon) * weight`, the mean taken over
    the last dimension of size N. `weight` is optional, of shape `[N]`.

    Example:

    ```mlir
    %y = fused.rmsnorm %x weight(%g : tensor<4096xbf16>) {epsilon = 1.0e-06 : f64}
        : tensor<16x4096xbf16>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       Optional<AnyRankedTensor>:$weight,
                       DefaultValuedAttr<F64Attr, "1.0e-6">:$epsilon);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input (`weight` `(` $weight^ `:` type($weight) `)`)? attr-dict
    `:` type($result)
  }];
  let hasVerifier = 1;
}

def Fused_RopeOp : Fused_Op<"rope",
    [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "rotary position embedding";
  let description = [{
    Rotates pairs of features of `input` ([..., S, D], rank 2 or more) by
    the angles of each row's position `s` (the second-to-last index):
    `cos` and `sin` are `[S, R/2]` with `R <= D` (even); the first `R`
    features of a row rotate, the rest pass through unchanged. For pair
    `(a, b)` and `j < R/2`:

        result[a] = x[a] * cos[s, j] - x[b] * sin[s, j]
        result[b] = x[b] * cos[s, j] + x[a] * sin[s, j]

    In the half-split form (GPT-NeoX, Llama) `a = j`, `b = j + R/2`; with
    `interleaved` (GPT-J) `a = 2j`, `b = 2j + 1`. A decoding step that starts
    at position `p` passes the rows of the tables from `p` on (a
    `fused.slice`). The arithmetic is in f32 and the result is rounded once
    to the input's element type.

    Example:

    ```mlir
    %qr = fused.rope %q, %cos, %sin
        : tensor<1x32x128x128xbf16>, tensor<128x64xf32>, tensor<128x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$cos,
                       AnyRankedTensor:$sin, UnitAttr:$interleaved);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $cos `,` $sin attr-dict `:` type($input) `,` type($cos) `,`
    type($sin)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The number of rotated features R (twice the tables' last dimension).
    int64_t getRotaryDim();
  }];
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def Fused_TransposeOp : Fused_Op<"transpose", [Pure]> {
  let summary = "permutation of dimensions";
  let description = [{
    `result.shape[i] = input.shape[permutation[i]]` (numpy semantics), for
    tensors of `f16`, `bf16`, `f32`, `f8E4M3FN` or `f8E5M2`. The
    identity permutation folds away and two transposes in a row compose into
    one.

    Example:

    ```mlir
    %t = fused.transpose %x permutation = [0, 2, 1, 3]
        : tensor<2x128x8x64xf16> -> tensor<2x8x128x64xf16>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       DenseI64ArrayAttr:$permutation);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `permutation` `=` $permutation attr-dict
    `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Fused_ReshapeOp : Fused_Op<"reshape", [Pure]> {
  let summary = "the same elements under another shape";
  let description = [{
    The elements of `input` in row-major order, laid out as `result`'s shape:
    the element counts are equal and the element type is kept. A reshape
    moves no data: the compiled program passes the input's memory, viewed
    with the new shape, to the kernels that read the result. A reshape of a
    reshape composes into one, and a reshape to the same type folds away.

    Example (splitting the last dimension into heads):

    ```mlir
    %h = fused.reshape %x : tensor<128x768xf16> to tensor<128x12x64xf16>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `to` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Fused_SliceOp : Fused_Op<"slice", [Pure]> {
  let summary = "a rectangular part of a tensor";
  let description = [{
    `result[i...] = input[offsets + i...]`: the block of `result`'s shape
    that starts at `offsets` (one per dimension, each at least 0, and
    `offsets[d] + result.shape[d] <= input.shape[d]`). The element type is
    kept.

    A slice that is contiguous in its input (the dimensions before some
    dimension `d` have size 1 in the result, those after it are whole, as
    when the leading dimension is sliced) moves no data: the compiled
    program passes the part of the input's memory it names. Code generation
    compiles only contiguous slices so far.

    Example (the keys of a fused QKV projection laid out as [3, H, S, D]):

    ```mlir
    %k = fused.slice %qkv offsets = [1, 0, 0, 0]
        : tensor<3x12x128x64xf16> to tensor<1x12x128x64xf16>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$offsets);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `offsets` `=` $offsets attr-dict `:` type($input) `to` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// Whether the slice is one contiguous run of the input's row-major
    /// elements (then it is a view: no kernel copies it).
    bool isContiguous();
    /// The row-major index in the input of the slice's first element.
    int64_t getLinearOffset();
  }];
}

//===----------------------------------------------------------------------===//
// Kernels
//===----------------------------------------------------------------------===//

def Fused_KernelOp : Fused_Op<"kernel", [IsolatedFromAbove, SingleBlock,
    RecursiveMemoryEffects, RecursivelySpeculatable]> {
  let summary = "a group of fused ops compiled into one GPU kernel";
  let description = [{
    Produced by `fused-fuse`. The body is one block whose arguments stand for
    `inputs` (same types, same order) and which ends in `fused.yield` with
    values of the result types. The body holds only `fused` ops and
    `arith.constant`s (splat constants of an epilogue or an elementwise
    chain, which code generation turns into immediates); everything
    in it is computed by one kernel launch, so the intermediate values never
    reach global memory. `kind` says which kernel template implements it:

    - `gemm`: one `fused.matmul` followed by an elementwise epilogue on its
      result (bias, scale, activation, residual add, cast);
    - `elementwise`: a chain of elementwise ops of one result shape;
    - `attention`, `softmax`, `reduction`, `normalization`, `transpose`: the
      one op of that kind.

    Example:

    ```mlir
    %r = fused.kernel gemm ins(%a, %b, %bias : tensor<128x64xf16>,
        tensor<64x256xf16>, tensor<256xf32>) -> tensor<128x256xf32> {
    ^bb0(%x: tensor<128x64xf16>, %y: tensor<64x256xf16>, %z: tensor<256xf32>):
      %m = fused.matmul %x, %y
          : tensor<128x64xf16>, tensor<64x256xf16> -> tensor<128x256xf32>
      %s = fused.add %m, %z
          : tensor<128x256xf32>, tensor<256xf32> -> tensor<128x256xf32>
      fused.yield %s : tensor<128x256xf32>
    }
    ```
  }];
  let arguments = (ins Fused_KernelKind:$kind,
                       Variadic<AnyRankedTensor>:$inputs);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $kind (`ins` `(` $inputs^ `:` type($inputs) `)`)? attr-dict
    `->` type($results) $body
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
}

def Fused_YieldOp : Fused_Op<"yield", [Pure, Terminator, ReturnLike,
    HasParent<"KernelOp">]> {
  let summary = "returns the results of a fused.kernel body";
  let description = [{
    Ends the body of a `fused.kernel`; its operands become the kernel's
    results.

    ```mlir
    fused.yield %s : tensor<128x256xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
}

def Fused_LaunchOp : Fused_Op<"launch",
    [DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "runs a kernel function on tensors";
  let description = [{
    Produced by `fused-tile`. Calls the kernel function `callee` (a
    `func.func`, or a `gpu.func` in a `gpu.module` after
    `fused-lower-to-mma`), whose
    arguments are memrefs: one per operand (same shape and element type),
    then one per result, which the kernel writes entirely. A function made
    of `fused.launch` ops is the host schedule: the runtime allocates a
    buffer per tensor and runs the kernels in order.

    With dynamic dimensions (`?`), `dim_classes` says which of them are one
    size: for each dimension of each operand, then of each result, -1 when
    it is static, else the class of equal dynamic dimensions it belongs to
    (the kernel assumes no more than that). Every result's class is some
    operand's.

    ```mlir
    %c = fused.launch @matmul_kernel(%a, %b)
        : (tensor<128x64xf16>, tensor<64x256xf16>) -> tensor<128x256xf16>
    %y = fused.launch @norm_kernel(%x) {dim_classes = array<i64: 0, -1, 0, -1>}
        : (tensor<?x768xf16>) -> tensor<?x768xf16>
    ```
  }];
  let arguments = (ins SymbolRefAttr:$callee,
                       Variadic<AnyRankedTensor>:$inputs,
                       OptionalAttr<DenseI64ArrayAttr>:$dim_classes);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = [{
    $callee `(` $inputs `)` attr-dict `:` functional-type($inputs, $results)
  }];
}

//===----------------------------------------------------------------------===//
// Tile-level ops on memrefs (inside kernel functions)
//===----------------------------------------------------------------------===//

def Fused_CopyTileOp : Fused_Op<"copy_tile"> {
  let summary = "copies a clipped 2-D tile into a full tile, zero-filling";
  let description = [{
    Produced by `fused-promote-shared`. Copies `source` (a 2-D view of at
    most `dest`'s shape, clipped to the bounds of the tensor it views) into
    the top-left corner of `dest` and sets the rest of `dest` to zero, so a
    tile at the edge of a matrix computes as if the matrix were padded with
    zeros. The copy is asynchronous: it belongs to the group closed by the
    next `fused.async_commit` and is complete only after a
    `fused.async_wait` that leaves fewer groups pending than came after it.

    ```mlir
    fused.copy_tile %tile, %stage
        : memref<?x?xf16, strided<[200, 1], offset: ?>>,
          memref<128x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>>
    ```
  }];
  let arguments = (ins Arg<AnyMemRef, "", [MemRead]>:$source,
                       Arg<AnyMemRef, "", [MemWrite]>:$dest);
  let assemblyFormat = [{
    $source `,` $dest attr-dict `:` type($source) `,` type($dest)
  }];
  let hasVerifier = 1;
}

def Fused_AsyncCommitOp : Fused_Op<"async_commit",
    [MemoryEffects<[MemWrite]>]> {
  let summary = "closes the group of asynchronous copies issued so far";
  let description = [{
    ```mlir
    fused.async_commit
    ```
  }];
  let assemblyFormat = "attr-dict";
}

def Fused_AsyncWaitOp : Fused_Op<"async_wait", [MemoryEffects<[MemWrite]>]> {
  let summary = "waits until at most `pending` copy groups are in flight";
  let description = [{
    ```mlir
    fused.async_wait pending = 2
    ```
  }];
  let arguments = (ins ConfinedAttr<I64Attr, [IntNonNegative]>:$pending);
  let assemblyFormat = "`pending` `=` $pending attr-dict";
}

#endif // FUSED_DIALECT_FUSED_IR_FUSEDOPS_TD
