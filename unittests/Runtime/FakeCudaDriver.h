//===- FakeCudaDriver.h - what the fake CUDA driver records -----*- C++ -*-===//
//
// The state of FakeCudaDriver.cpp, which tests read through
// fake_cuda_state() (dlsym on the loaded library).
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_UNITTESTS_RUNTIME_FAKECUDADRIVER_H
#define FUSED_UNITTESTS_RUNTIME_FAKECUDADRIVER_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

extern "C" {

struct FakeLaunch {
  std::string kernel;
  unsigned grid[3], block[3], sharedBytes;
  void *stream;
  std::vector<uint64_t> params;
};

/// One cuTensorMapEncodeTiled call.
struct FakeTensorMap {
  int dataType = 0;
  unsigned rank = 0;
  uint64_t address = 0;
  std::vector<uint64_t> dims, strides;
  std::vector<unsigned> box;
  int swizzle = 0;
};

struct FakeCudaState {
  int allocations = 0;
  int frees = 0;
  int contextSets = 0;
  std::map<std::string, int> maxDynamicShared;
  std::vector<FakeLaunch> launches;
  /// How many 8-byte parameters each kernel takes (the driver cannot know;
  /// the test says).
  std::map<std::string, int> paramCounts;
  /// Memory that counts as device memory: cuMemAlloc's and what the test
  /// registers as a framework's allocations.
  std::map<uint64_t, size_t> deviceMemory;
  /// Tensor maps encoded; each map's first 8 bytes are 0x7e45 + its index.
  std::vector<FakeTensorMap> tensorMaps;
};

} // extern "C"

#endif // FUSED_UNITTESTS_RUNTIME_FAKECUDADRIVER_H
