// Bad input and bad command lines make fused-opt fail with a message, never
// crash (`not` fails on a crash as well as on success).

/// Input that ends in the middle of a function signature.
// RUN: echo 'func.func @f(' | not fused-opt 2>&1 | FileCheck %s --check-prefix=TRUNC
// TRUNC: <stdin>:1:14: error: expected non-function type

/// Input that ends in the middle of a tensor type.
// RUN: echo 'func.func @f(%%x: tensor<4x' | not fused-opt 2>&1 | FileCheck %s --check-prefix=TRUNCTYPE
// TRUNCTYPE: <stdin>:1:27: error: expected non-function type

/// Input that ends in the middle of a fused op, before its type.
// RUN: echo 'func.func @f(%%x: tensor<4xf32>) -> tensor<4xf32> { %%y = fused.exp %%x' | not fused-opt 2>&1 | FileCheck %s --check-prefix=TRUNCOP
// TRUNCOP: <stdin>:1:69: error: expected ':'

/// Binary garbage (a NUL byte is skipped, 0xff is not a token).
// RUN: printf '\x00\xff\xfe' | not fused-opt 2>&1 | FileCheck %s --check-prefix=BINARY
// BINARY: <stdin>:1:2: error: unexpected character

/// An op of a dialect fused-opt does not register.
// RUN: echo '"foo.bar"() : () -> ()' | not fused-opt 2>&1 | FileCheck %s --check-prefix=UNREG
// UNREG: <stdin>:1:10: error: operation being parsed with an unregistered dialect

/// Well-formed text that fails the fused verifier also makes fused-opt fail.
// RUN: echo 'func.func @f(%%x: tensor<4xi32>) -> tensor<4xi32> { %%y = fused.exp %%x : tensor<4xi32> return %%y : tensor<4xi32> }' | not fused-opt 2>&1 | FileCheck %s --check-prefix=VERIFY
// VERIFY: <stdin>:1:57: error: 'fused.exp' op 'input' has unsupported element type 'i32'; expected f16, bf16 or f32

/// Empty input is a valid, empty module.
// RUN: printf '' | fused-opt | FileCheck %s --check-prefix=EMPTY
// EMPTY:      module {
// EMPTY-NEXT: }

/// An input file that does not exist.
// RUN: rm -f %t.does-not-exist
// RUN: not fused-opt %t.does-not-exist 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: cannot open input file '{{.*}}.does-not-exist': No such file or directory

/// A directory given as the input file.
// RUN: not fused-opt %S 2>&1 | FileCheck %s --check-prefix=DIR
// DIR: cannot open input file '{{.*}}': Is a directory

/// An output file that cannot be created.
// RUN: not fused-opt %s -o %t.no-such-dir/out.mlir 2>&1 | FileCheck %s --check-prefix=OUTPUT
// OUTPUT: cannot open output file '{{.*}}.no-such-dir{{/|\\}}out.mlir'

/// An unknown command-line option.
// RUN: not fused-opt --no-such-option %s 2>&1 | FileCheck %s --check-prefix=OPTION
// OPTION: fused-opt: Unknown command line argument '--no-such-option'

/// A pass pipeline naming a pass that does not exist.
// RUN: not fused-opt '--pass-pipeline=builtin.module(no-such-pass)' %s 2>&1 | FileCheck %s --check-prefix=PIPELINE
// PIPELINE: error: 'no-such-pass' does not refer to a registered pass or pass pipeline

/// Two input files.
// RUN: not fused-opt %s %s 2>&1 | FileCheck %s --check-prefix=TWOFILES
// TWOFILES: fused-opt: Too many positional arguments specified!

func.func @valid(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = fused.exp %x : tensor<4xf32>
  return %y : tensor<4xf32>
}
