// RUN: not fused-compile %s 2>&1 | FileCheck %s --check-prefix=NOACTION
// RUN: not fused-compile --reference %t.missing.mlir 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not fused-compile --reference --entry=nope %s 2>&1 | FileCheck %s --check-prefix=ENTRY
// RUN: not fused-compile --reference --entry=dynamic %s 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// RUN: not fused-compile --reference --entry=unsupported %s 2>&1 | FileCheck %s --check-prefix=NOTSUPPORTED
// RUN: not fused-compile --reference --no-such-flag %s 2>&1 | FileCheck %s --check-prefix=FLAG
// RUN: echo 'func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> { %y = fused.exp %x' | not fused-compile --reference 2>&1 | FileCheck %s --check-prefix=TRUNC
// RUN: echo 'func.func @f() { return }' | not fused-compile --reference --entry=g 2>&1 | FileCheck %s --check-prefix=ENTRY2
// RUN: echo 'module {}' | not fused-compile --reference 2>&1 | FileCheck %s --check-prefix=EMPTY

// NOACTION: fused-compile: no action given; use --emit=<kind>, --run, --reference, --check-host or --cross-check-ptx
// MISSING: fused-compile: cannot open input file '{{.*}}missing.mlir'
// ENTRY: error: no function named @nope in the input
// DYNAMIC: error: cannot make a random input for argument #0 of type tensor<?x4xf32>: random inputs need float tensors of static shape (for dynamic dimensions, --run, --check-host and --with-reference take --sizes)
// NOTSUPPORTED: error: 'math.exp' op is not supported by the reference evaluator
// FLAG: Unknown command line argument '--no-such-flag'
// TRUNC: error: expected
// ENTRY2: error: no function named @g in the input
// EMPTY: error: the input defines no function

func.func @dynamic(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %y = fused.exp %x : tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

func.func @unsupported(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = math.exp %x : tensor<4xf32>
  return %y : tensor<4xf32>
}
