//===- Target.cpp - what code generation knows about a chip ---------------===//

#include "fused/Target/Target.h"

namespace fused {

llvm::ArrayRef<llvm::StringRef> Target::chips() {
  static const llvm::StringRef list[] = {"sm_80", "sm_86", "sm_89", "sm_90",
                                         "sm_90a"};
  return list;
}

std::string Target::chipList() {
  std::string s;
  llvm::ArrayRef<llvm::StringRef> c = chips();
  for (size_t i = 0; i < c.size(); ++i) {
    if (i)
      s += i + 1 == c.size() ? " or " : ", ";
    s += c[i].str();
  }
  return s;
}

std::optional<Target> Target::get(llvm::StringRef chip) {
  Target t;
  t.chip = chip.str();
  t.codeChip = t.chip;
  // mma.sync m16n8k16 (f16/bf16 in, f32 accumulate) on every path.
  t.mmaShapes = {{16, 8, 16}};
  t.asyncCopy = AsyncCopy::CpAsync;
  if (chip == "sm_80") {
    t.major = 8, t.minor = 0, t.smCount = 108;
    t.limits.maxSharedMemoryPerBlock = 163 * 1024;
  } else if (chip == "sm_86") {
    t.major = 8, t.minor = 6, t.smCount = 84;
    t.limits.maxSharedMemoryPerBlock = 99 * 1024;
  } else if (chip == "sm_89") {
    t.major = 8, t.minor = 9, t.smCount = 128;
    t.limits.maxSharedMemoryPerBlock = 99 * 1024;
  } else if (chip == "sm_90" || chip == "sm_90a") {
    t.major = 9, t.minor = 0, t.smCount = 132;
    // Both take the Hopper path, whose wgmma and setmaxnreg exist only in
    // PTX for sm_90a.
    t.archSpecific = true;
    t.codeChip = "sm_90a";
    t.path = TargetPath::Hopper;
    // The GEMM's wgmma m64nNk16 (N up to 256) from TMA-loaded tiles.
    t.mmaShapes.push_back({64, 256, 16});
    t.asyncCopy = AsyncCopy::Tma;
    t.limits.maxSharedMemoryPerBlock = 227 * 1024;
  } else {
    return std::nullopt;
  }
  return t;
}

std::string Target::canonicalChip(llvm::StringRef chip) {
  std::optional<Target> t = get(chip);
  return t ? t->codeChip : chip.str();
}

} // namespace fused
