//===- ManifestFuzzer.cpp - the bundle manifest reader under libFuzzer ----===//
//
// The input is a manifest's text. Bundle::fromManifest must give a bundle
// or an error, never crash; for a bundle it gives, every kernel's grid is
// evaluated for the shapes its launches would pass (their static ones) and
// every function's argument checks run on inputs of its declared shapes.
//
//===----------------------------------------------------------------------===//

#include "fused/Runtime/Bundle.h"

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace fused::rt;

namespace {
/// A directory with the image files a manifest may name.
const std::string &imageDir() {
  static std::string dir = [] {
    char tmpl[] = "/tmp/fused-manifest-fuzz-XXXXXX";
    std::string d = mkdtemp(tmpl) ? tmpl : "/tmp";
    for (const char *f : {"kernels.ptx", "kernels.cubin", "kernels.emu.ll",
                          "kernels.sm_80.cubin", "kernels.sm_90.cubin"})
      std::ofstream(d + "/" + f) << "\n";
    return d;
  }();
  return dir;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  StatusOr<Bundle> bundle = Bundle::fromManifest(imageDir(), text);
  if (!bundle)
    return 0;
  for (const KernelSpec &k : bundle->kernels()) {
    std::vector<std::vector<int64_t>> shapes;
    for (const KernelSpec::Arg &a : k.args) {
      std::vector<int64_t> s = a.tensor.shape;
      for (int64_t &d : s)
        if (d < 0)
          d = 3;
      shapes.push_back(s);
    }
    (void)k.gridFor(shapes);
  }
  // The sizes of a call: the symbols at small values, then the shapes
  // they give checked back.
  for (const FunctionSpec &f : bundle->functions()) {
    if (!f.dynamic) {
      (void)f.staticSizes();
      continue;
    }
    auto shapes = f.inputShapesFor({5, 3, 2, 7});
    if (shapes)
      (void)f.sizesFor(*shapes);
  }
  return 0;
}
