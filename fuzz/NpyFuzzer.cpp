//===- NpyFuzzer.cpp - the .npy reader under libFuzzer ---------------------===//
//
// The input is a .npy file's bytes (what fused-run --inputs and --check
// read): parseNpy gives a tensor or an error, never a crash, and a tensor
// it gives has as many values as its shape says.
//
//===----------------------------------------------------------------------===//

#include "fused/Runtime/Bundle.h"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace fused::rt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string bytes(reinterpret_cast<const char *>(data), size);
  StatusOr<HostTensor> t = parseNpy(bytes, "input.npy");
  if (!t)
    return 0;
  uint64_t n = 1;
  for (int64_t d : t->shape)
    n *= static_cast<uint64_t>(d);
  if (n != t->data.size())
    abort();
  return 0;
}
