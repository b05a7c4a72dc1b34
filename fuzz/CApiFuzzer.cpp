//===- CApiFuzzer.cpp - the whole compiler through the C API ---------------===//
//
// The input is the source a program of the C API (fused_compile) would
// pass. Whatever it is, fused_compile for the emulator (no cache) must
// give a program or an error message, never crash: parsing, verification,
// the whole pipeline (fusion, tiling, shared-memory promotion, every
// kernel strategy, the launch limits), the manifest and the emulator
// image. A program it gives is described, function by function, as a
// caller would (fused_program_tensor).
//
//===----------------------------------------------------------------------===//

#include "fused-c/fused.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string source(reinterpret_cast<const char *>(data), size);
  fused_program *program = nullptr;
  char *error = nullptr;
  int rc = fused_compile(source.c_str(), "emulator", "sm_80",
                         /*use_cache=*/0, &program, &error);
  if (rc != 0) {
    if (!error || !*error) {
      std::fprintf(stderr, "CApiFuzzer: fused_compile failed without a "
                           "message\n");
      std::abort();
    }
    fused_string_free(error);
    return 0;
  }
  for (size_t f = 0; f < fused_program_num_functions(program); ++f) {
    const char *name = fused_program_function_name(program, f);
    for (int isResult = 0; isResult < 2; ++isResult)
      for (size_t i = 0;; ++i) {
        size_t rank = 0, elements = 0;
        int64_t shape[8];
        const char *dtype = nullptr;
        if (fused_program_tensor(program, name, isResult, i, &rank, shape, 8,
                                 &elements, &dtype) != 0)
          break;
        if (!dtype) {
          std::fprintf(stderr, "CApiFuzzer: a tensor without a type\n");
          std::abort();
        }
      }
  }
  fused_program_destroy(program);
  return 0;
}
