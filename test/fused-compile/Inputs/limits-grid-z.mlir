// A batch of 65536 attention problems: a grid z dimension over 65535
// (input of limits.mlir).
func.func @grid_z(%q: tensor<65536x1x16x16xf16>, %k: tensor<65536x1x16x16xf16>, %v: tensor<65536x1x16x16xf16>) -> tensor<65536x1x16x16xf16> {
  %o = fused.attention %q, %k, %v : tensor<65536x1x16x16xf16>, tensor<65536x1x16x16xf16>, tensor<65536x1x16x16xf16> -> tensor<65536x1x16x16xf16>
  return %o : tensor<65536x1x16x16xf16>
}
