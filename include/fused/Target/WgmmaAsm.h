//===- WgmmaAsm.h - wgmma with A in registers, as inline PTX ----*- C++ -*-===//
//
// MLIR 22 has no operation for wgmma.mma_async whose A operand comes from
// registers (`nvvm.wgmma.mma_async` takes two shared-memory descriptors),
// which FlashAttention-3's P.V needs. Kernels emit it as `llvm.inline_asm`
// with the text below: D (N / 2 f32 registers, read and written: tied
// inputs), A (four b32 registers: the f16/bf16 fragment), B's descriptor.
// The emulator's rewrite recognises exactly this text (parse, then compare
// with what print gives) and runs it as its wgmma with A from registers.
//
//   {
//   .reg .pred p;
//   setp.ne.b32 p, SCALE_D, 0;
//   wgmma.mma_async.sync.aligned.m64nNk16.f32.T.T {$0, .., $N/2-1},
//       {$N, $N+1, $N+2, $N+3}, $N+4, p, 1, 1, TRANS_B;
//   }
//
// Operands: N / 2 f32 accumulators (tied to the results), four i32 A
// registers, the i64 descriptor of B.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_TARGET_WGMMAASM_H
#define FUSED_TARGET_WGMMAASM_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace fused {

struct WgmmaRegisterA {
  /// N of m64nNk16: a multiple of 8 from 8 to 256.
  int n = 0;
  bool bf16 = false;
  /// False: D = A B (the accumulators are not read).
  bool scaleD = true;
  /// B MN-major (imm-trans-b 1) rather than K-major.
  bool transB = false;
};

/// The inline PTX of `w`.
inline std::string wgmmaRegisterAAsm(const WgmmaRegisterA &w) {
  const char *t = w.bf16 ? "bf16" : "f16";
  std::string s = "{\n.reg .pred p;\nsetp.ne.b32 p, ";
  s += w.scaleD ? "1" : "0";
  s += ", 0;\nwgmma.mma_async.sync.aligned.m64n" + std::to_string(w.n) +
       "k16.f32." + t + "." + t + " {";
  for (int i = 0; i < w.n / 2; ++i)
    s += (i ? ", $" : "$") + std::to_string(i);
  s += "}, {";
  for (int i = 0; i < 4; ++i)
    s += (i ? ", $" : "$") + std::to_string(w.n + i);
  s += "}, $" + std::to_string(w.n + 4) + ", p, 1, 1, ";
  s += w.transB ? "1" : "0";
  s += ";\n}";
  return s;
}

/// The constraints of `w`'s operands: N / 2 f32 results, the same tied as
/// inputs, four b32 registers, a 64-bit descriptor.
inline std::string wgmmaRegisterAConstraints(const WgmmaRegisterA &w) {
  std::string s;
  for (int i = 0; i < w.n / 2; ++i)
    s += "=f,";
  for (int i = 0; i < w.n / 2; ++i)
    s += std::to_string(i) + ",";
  s += "r,r,r,r,l";
  return s;
}

/// The wgmma of `text` when it is exactly what wgmmaRegisterAAsm prints.
inline std::optional<WgmmaRegisterA>
parseWgmmaRegisterAAsm(llvm::StringRef text) {
  llvm::StringRef shape = "wgmma.mma_async.sync.aligned.m64n";
  size_t at = text.find(shape);
  if (at == llvm::StringRef::npos)
    return std::nullopt;
  WgmmaRegisterA w;
  llvm::StringRef rest = text.substr(at + shape.size());
  unsigned n = 0;
  if (rest.consumeInteger(10, n) || n < 8 || n > 256 || n % 8 != 0)
    return std::nullopt;
  w.n = static_cast<int>(n);
  w.bf16 = rest.starts_with("k16.f32.bf16.bf16");
  w.scaleD = text.contains("setp.ne.b32 p, 1, 0;");
  w.transB = text.contains(", p, 1, 1, 1;");
  if (wgmmaRegisterAAsm(w) != text)
    return std::nullopt;
  return w;
}

} // namespace fused

#endif // FUSED_TARGET_WGMMAASM_H
