// RUN: fused-opt %s -split-input-file -canonicalize | FileCheck %s

// All fused ops are Pure, so canonicalize erases unused ones: every function
// returns the value under test.

//===----------------------------------------------------------------------===//
// fused.cast
//===----------------------------------------------------------------------===//

/// A cast whose source and result types are identical folds away.
// CHECK-LABEL: func.func @cast_same_type
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf32>)
// CHECK-NOT:     fused.cast
// CHECK:         return %[[X]]
func.func @cast_same_type(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = fused.cast %x : tensor<4x8xf32> to tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

/// f32 represents every f16 value exactly, so f16 -> f32 -> f16 is the
/// identity.
// CHECK-LABEL: func.func @cast_f16_f32_f16
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf16>)
// CHECK-NOT:     fused.cast
// CHECK:         return %[[X]]
func.func @cast_f16_f32_f16(%x: tensor<4x8xf16>) -> tensor<4x8xf16> {
  %0 = fused.cast %x : tensor<4x8xf16> to tensor<4x8xf32>
  %1 = fused.cast %0 : tensor<4x8xf32> to tensor<4x8xf16>
  return %1 : tensor<4x8xf16>
}

// -----

/// f32 -> f16 rounds (and overflows to inf), so the round trip back to f32
/// is not the identity and both casts stay.
// CHECK-LABEL: func.func @negative_cast_f32_f16_f32
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf32>)
// CHECK:         %[[H:.*]] = fused.cast %[[X]] : tensor<4x8xf32> to tensor<4x8xf16>
// CHECK:         %[[F:.*]] = fused.cast %[[H]] : tensor<4x8xf16> to tensor<4x8xf32>
// CHECK:         return %[[F]]
func.func @negative_cast_f32_f16_f32(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = fused.cast %x : tensor<4x8xf32> to tensor<4x8xf16>
  %1 = fused.cast %0 : tensor<4x8xf16> to tensor<4x8xf32>
  return %1 : tensor<4x8xf32>
}

// -----

/// bf16 has f32's exponent range and fewer mantissa bits, so bf16 -> f32 ->
/// bf16 is exact.
// CHECK-LABEL: func.func @cast_bf16_f32_bf16
// CHECK-SAME:    (%[[X:.*]]: tensor<?x8xbf16>)
// CHECK-NOT:     fused.cast
// CHECK:         return %[[X]]
func.func @cast_bf16_f32_bf16(%x: tensor<?x8xbf16>) -> tensor<?x8xbf16> {
  %0 = fused.cast %x : tensor<?x8xbf16> to tensor<?x8xf32>
  %1 = fused.cast %0 : tensor<?x8xf32> to tensor<?x8xbf16>
  return %1 : tensor<?x8xbf16>
}

// -----

/// bf16 has fewer mantissa bits than f16, so f16 -> bf16 -> f16 loses
/// precision and must not fold.
// CHECK-LABEL: func.func @negative_cast_f16_bf16_f16
// CHECK-SAME:    (%[[X:.*]]: tensor<16xf16>)
// CHECK:         %[[B:.*]] = fused.cast %[[X]] : tensor<16xf16> to tensor<16xbf16>
// CHECK:         %[[H:.*]] = fused.cast %[[B]] : tensor<16xbf16> to tensor<16xf16>
// CHECK:         return %[[H]]
func.func @negative_cast_f16_bf16_f16(%x: tensor<16xf16>) -> tensor<16xf16> {
  %0 = fused.cast %x : tensor<16xf16> to tensor<16xbf16>
  %1 = fused.cast %0 : tensor<16xbf16> to tensor<16xf16>
  return %1 : tensor<16xf16>
}

// -----

/// f16 represents every f8E4M3FN value, so an fp8 round trip through f16
/// folds.
// CHECK-LABEL: func.func @cast_f8E4M3FN_f16_f8E4M3FN
// CHECK-SAME:    (%[[X:.*]]: tensor<16xf8E4M3FN>)
// CHECK-NOT:     fused.cast
// CHECK:         return %[[X]]
func.func @cast_f8E4M3FN_f16_f8E4M3FN(%x: tensor<16xf8E4M3FN>) -> tensor<16xf8E4M3FN> {
  %0 = fused.cast %x : tensor<16xf8E4M3FN> to tensor<16xf16>
  %1 = fused.cast %0 : tensor<16xf16> to tensor<16xf8E4M3FN>
  return %1 : tensor<16xf8E4M3FN>
}

// -----

/// f8E4M3FN has a smaller range than f8E5M2 (max 448 against 57344), so a
/// round trip through it must not fold.
// CHECK-LABEL: func.func @negative_cast_f8E5M2_f8E4M3FN_f8E5M2
// CHECK-SAME:    (%[[X:.*]]: tensor<16xf8E5M2>)
// CHECK:         %[[A:.*]] = fused.cast %[[X]] : tensor<16xf8E5M2> to tensor<16xf8E4M3FN>
// CHECK:         %[[B:.*]] = fused.cast %[[A]] : tensor<16xf8E4M3FN> to tensor<16xf8E5M2>
// CHECK:         return %[[B]]
func.func @negative_cast_f8E5M2_f8E4M3FN_f8E5M2(%x: tensor<16xf8E5M2>) -> tensor<16xf8E5M2> {
  %0 = fused.cast %x : tensor<16xf8E5M2> to tensor<16xf8E4M3FN>
  %1 = fused.cast %0 : tensor<16xf8E4M3FN> to tensor<16xf8E5M2>
  return %1 : tensor<16xf8E5M2>
}

// -----

/// The round trip folds even when the widened value has another use; the
/// inner cast stays for that use.
// CHECK-LABEL: func.func @cast_round_trip_inner_used
// CHECK-SAME:    (%[[X:.*]]: tensor<8xf16>)
// CHECK:         %[[W:.*]] = fused.cast %[[X]] : tensor<8xf16> to tensor<8xf32>
// CHECK-NOT:     fused.cast
// CHECK:         return %[[X]], %[[W]]
func.func @cast_round_trip_inner_used(%x: tensor<8xf16>) -> (tensor<8xf16>, tensor<8xf32>) {
  %0 = fused.cast %x : tensor<8xf16> to tensor<8xf32>
  %1 = fused.cast %0 : tensor<8xf32> to tensor<8xf16>
  return %1, %0 : tensor<8xf16>, tensor<8xf32>
}

// -----

/// A cast with the same element type that refines a dynamic size changes
/// the type, so it does not fold.
// CHECK-LABEL: func.func @negative_cast_refines_shape
// CHECK-SAME:    (%[[X:.*]]: tensor<?x8xf32>)
// CHECK:         %[[R:.*]] = fused.cast %[[X]] : tensor<?x8xf32> to tensor<4x8xf32>
// CHECK:         return %[[R]]
func.func @negative_cast_refines_shape(%x: tensor<?x8xf32>) -> tensor<4x8xf32> {
  %0 = fused.cast %x : tensor<?x8xf32> to tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// fused.transpose
//===----------------------------------------------------------------------===//

/// The identity permutation folds away.
// CHECK-LABEL: func.func @transpose_identity
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xf16>)
// CHECK-NOT:     fused.transpose
// CHECK:         return %[[X]]
func.func @transpose_identity(%x: tensor<2x3x4xf16>) -> tensor<2x3x4xf16> {
  %0 = fused.transpose %x permutation = [0, 1, 2] : tensor<2x3x4xf16> -> tensor<2x3x4xf16>
  return %0 : tensor<2x3x4xf16>
}

// -----

/// An identity permutation that refines a dynamic size changes the type and
/// must not fold.
// CHECK-LABEL: func.func @negative_transpose_identity_refines_shape
// CHECK-SAME:    (%[[X:.*]]: tensor<?x4xf32>)
// CHECK:         %[[R:.*]] = fused.transpose %[[X]] permutation = [0, 1] : tensor<?x4xf32> -> tensor<8x4xf32>
// CHECK:         return %[[R]]
func.func @negative_transpose_identity_refines_shape(%x: tensor<?x4xf32>) -> tensor<8x4xf32> {
  %0 = fused.transpose %x permutation = [0, 1] : tensor<?x4xf32> -> tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

/// Two transposes compose into one: [1, 2, 0] then [0, 2, 1] is
/// [1, 0, 2] (result[i] = inner[outer[i]]), and the result type is kept.
// CHECK-LABEL: func.func @transpose_compose_two
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK:         %[[R:.*]] = fused.transpose %[[X]] permutation = [1, 0, 2] : tensor<2x3x4xf32> -> tensor<3x2x4xf32>
// CHECK-NOT:     fused.transpose
// CHECK:         return %[[R]]
func.func @transpose_compose_two(%x: tensor<2x3x4xf32>) -> tensor<3x2x4xf32> {
  %0 = fused.transpose %x permutation = [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %1 = fused.transpose %0 permutation = [0, 2, 1] : tensor<3x4x2xf32> -> tensor<3x2x4xf32>
  return %1 : tensor<3x2x4xf32>
}

// -----

/// Three transposes compose into one as well.
// CHECK-LABEL: func.func @transpose_compose_three
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4x5xf16>)
// CHECK:         %[[R:.*]] = fused.transpose %[[X]] permutation = [3, 1, 0, 2] : tensor<2x3x4x5xf16> -> tensor<5x3x2x4xf16>
// CHECK-NOT:     fused.transpose
// CHECK:         return %[[R]]
func.func @transpose_compose_three(%x: tensor<2x3x4x5xf16>) -> tensor<5x3x2x4xf16> {
  %0 = fused.transpose %x permutation = [0, 2, 1, 3] : tensor<2x3x4x5xf16> -> tensor<2x4x3x5xf16>
  %1 = fused.transpose %0 permutation = [1, 0, 2, 3] : tensor<2x4x3x5xf16> -> tensor<4x2x3x5xf16>
  %2 = fused.transpose %1 permutation = [3, 2, 1, 0] : tensor<4x2x3x5xf16> -> tensor<5x3x2x4xf16>
  return %2 : tensor<5x3x2x4xf16>
}

// -----

/// A transpose followed by its inverse ([1, 2, 0] then [2, 0, 1]) folds to
/// the input.
// CHECK-LABEL: func.func @transpose_inverse
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NOT:     fused.transpose
// CHECK:         return %[[X]]
func.func @transpose_inverse(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = fused.transpose %x permutation = [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %1 = fused.transpose %0 permutation = [2, 0, 1] : tensor<3x4x2xf32> -> tensor<2x3x4xf32>
  return %1 : tensor<2x3x4xf32>
}

// -----

/// A single non-identity transpose is left alone.
// CHECK-LABEL: func.func @negative_transpose_single
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf32>)
// CHECK:         %[[R:.*]] = fused.transpose %[[X]] permutation = [1, 0] : tensor<4x8xf32> -> tensor<8x4xf32>
// CHECK:         return %[[R]]
func.func @negative_transpose_single(%x: tensor<4x8xf32>) -> tensor<8x4xf32> {
  %0 = fused.transpose %x permutation = [1, 0] : tensor<4x8xf32> -> tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// fused.neg / fused.relu
//===----------------------------------------------------------------------===//

/// neg(neg(x)) = x.
// CHECK-LABEL: func.func @neg_twice
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf16>)
// CHECK-NOT:     fused.neg
// CHECK:         return %[[X]]
func.func @neg_twice(%x: tensor<4x8xf16>) -> tensor<4x8xf16> {
  %0 = fused.neg %x : tensor<4x8xf16>
  %1 = fused.neg %0 : tensor<4x8xf16>
  return %1 : tensor<4x8xf16>
}

// -----

/// neg(neg(neg(x))) = neg(x): one negation is left.
// CHECK-LABEL: func.func @neg_three_times
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf32>)
// CHECK:         %[[R:.*]] = fused.neg %[[X]] : tensor<4x8xf32>
// CHECK-NOT:     fused.neg
// CHECK:         return %[[R]]
func.func @neg_three_times(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = fused.neg %x : tensor<4x8xf32>
  %1 = fused.neg %0 : tensor<4x8xf32>
  %2 = fused.neg %1 : tensor<4x8xf32>
  return %2 : tensor<4x8xf32>
}

// -----

/// relu is idempotent: relu(relu(x)) = relu(x).
// CHECK-LABEL: func.func @relu_relu
// CHECK-SAME:    (%[[X:.*]]: tensor<?x8xbf16>)
// CHECK:         %[[R:.*]] = fused.relu %[[X]] : tensor<?x8xbf16>
// CHECK-NOT:     fused.relu
// CHECK:         return %[[R]]
func.func @relu_relu(%x: tensor<?x8xbf16>) -> tensor<?x8xbf16> {
  %0 = fused.relu %x : tensor<?x8xbf16>
  %1 = fused.relu %0 : tensor<?x8xbf16>
  return %1 : tensor<?x8xbf16>
}

// -----

/// A single relu has nothing to fold with.
// CHECK-LABEL: func.func @negative_relu_single
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf16>)
// CHECK:         %[[R:.*]] = fused.relu %[[X]] : tensor<4x8xf16>
// CHECK:         return %[[R]]
func.func @negative_relu_single(%x: tensor<4x8xf16>) -> tensor<4x8xf16> {
  %0 = fused.relu %x : tensor<4x8xf16>
  return %0 : tensor<4x8xf16>
}

// -----

/// relu(neg(x)) and neg(relu(x)) mix two different ops: neither folds.
// CHECK-LABEL: func.func @negative_relu_neg_mixed
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf32>)
// CHECK:         %[[N:.*]] = fused.neg %[[X]] : tensor<4x8xf32>
// CHECK:         %[[R:.*]] = fused.relu %[[N]] : tensor<4x8xf32>
// CHECK:         %[[N2:.*]] = fused.neg %[[R]] : tensor<4x8xf32>
// CHECK:         return %[[N2]]
func.func @negative_relu_neg_mixed(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = fused.neg %x : tensor<4x8xf32>
  %1 = fused.relu %0 : tensor<4x8xf32>
  %2 = fused.neg %1 : tensor<4x8xf32>
  return %2 : tensor<4x8xf32>
}

// -----

/// A reshape of a reshape composes; a reshape to the same type and a slice
/// of everything fold away.
// CHECK-LABEL: func.func @views_fold
// CHECK-SAME:    (%[[X:.*]]: tensor<4x6xf16>)
// CHECK-NEXT:    %[[R:.*]] = fused.reshape %[[X]] : tensor<4x6xf16> to tensor<24xf16>
// CHECK-NEXT:    return %[[R]], %[[X]], %[[X]]
func.func @views_fold(%x: tensor<4x6xf16>) -> (tensor<24xf16>, tensor<4x6xf16>, tensor<4x6xf16>) {
  %0 = fused.reshape %x : tensor<4x6xf16> to tensor<2x12xf16>
  %1 = fused.reshape %0 : tensor<2x12xf16> to tensor<24xf16>
  %2 = fused.reshape %x : tensor<4x6xf16> to tensor<4x6xf16>
  %3 = fused.slice %x offsets = [0, 0] : tensor<4x6xf16> to tensor<4x6xf16>
  return %1, %2, %3 : tensor<24xf16>, tensor<4x6xf16>, tensor<4x6xf16>
}
