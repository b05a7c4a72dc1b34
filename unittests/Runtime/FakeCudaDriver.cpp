//===- FakeCudaDriver.cpp - a CUDA driver library with no GPU behind it ---===//
//
// Built as a shared library that the CUDA backend loads in place of
// libcuda.so.1 (CudaOptions::driverPath), so that what the backend asks of
// the driver can be tested without a GPU: one device of compute capability
// 9.0, memory from malloc (device addresses are host addresses), modules
// that accept any image, and launches that run nothing but are recorded
// with their geometry, stream and parameters. The test reads the record
// through fake_cuda_state().
//
//===----------------------------------------------------------------------===//

#include "FakeCudaDriver.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace {

using CUresult = int;
using CUdeviceptr = unsigned long long;
constexpr CUresult kOk = 0;
constexpr CUresult kInvalidValue = 1;

} // namespace

extern "C" {

FakeCudaState *fake_cuda_state() {
  static FakeCudaState state;
  return &state;
}

// For tests that reach the driver through the C API (fused.runtime):
// memory that counts as the device's, and what the launches were.
void fake_cuda_register(uint64_t address, size_t bytes) {
  fake_cuda_state()->deviceMemory[address] = bytes;
}
void fake_cuda_forget(uint64_t address) {
  fake_cuda_state()->deviceMemory.erase(address);
}
void fake_cuda_set_params(const char *kernel, int count) {
  fake_cuda_state()->paramCounts[kernel] = count;
}
int fake_cuda_launches() {
  return static_cast<int>(fake_cuda_state()->launches.size());
}
int fake_cuda_allocations() { return fake_cuda_state()->allocations; }
void *fake_cuda_launch_stream(int i) {
  return fake_cuda_state()->launches.at(i).stream;
}
uint64_t fake_cuda_launch_param(int i, int p) {
  return fake_cuda_state()->launches.at(i).params.at(p);
}

CUresult cuInit(unsigned) { return kOk; }
CUresult cuDeviceGetCount(int *n) {
  *n = 1;
  return kOk;
}
CUresult cuDeviceGet(int *d, int ordinal) {
  if (ordinal != 0)
    return kInvalidValue;
  *d = 0;
  return kOk;
}
CUresult cuDeviceGetName(char *name, int len, int) {
  std::strncpy(name, "Fake H200", len);
  return kOk;
}
CUresult cuDeviceGetAttribute(int *v, int attr, int) {
  *v = attr == 75 ? 9 : attr == 76 ? 0 : 0;
  return kOk;
}
CUresult cuDevicePrimaryCtxRetain(void **ctx, int) {
  static int context;
  *ctx = &context;
  return kOk;
}
CUresult cuCtxSetCurrent(void *) {
  ++fake_cuda_state()->contextSets;
  return kOk;
}
CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t bytes) {
  void *m = std::aligned_alloc(256, (bytes + 255) / 256 * 256);
  if (!m)
    return 2;
  *p = reinterpret_cast<CUdeviceptr>(m);
  ++fake_cuda_state()->allocations;
  fake_cuda_state()->deviceMemory[*p] = bytes;
  return kOk;
}
CUresult cuMemFree_v2(CUdeviceptr p) {
  ++fake_cuda_state()->frees;
  fake_cuda_state()->deviceMemory.erase(p);
  std::free(reinterpret_cast<void *>(p));
  return kOk;
}
CUresult cuMemcpyHtoD_v2(CUdeviceptr d, const void *s, size_t n) {
  std::memcpy(reinterpret_cast<void *>(d), s, n);
  return kOk;
}
CUresult cuMemcpyDtoH_v2(void *d, CUdeviceptr s, size_t n) {
  std::memcpy(d, reinterpret_cast<const void *>(s), n);
  return kOk;
}
CUresult cuModuleLoadData(void **m, const void *) {
  static int module;
  *m = &module;
  return kOk;
}
CUresult cuModuleUnload(void *) { return kOk; }
CUresult cuModuleGetFunction(void **f, void *, const char *name) {
  // The function handle is the kernel's name, kept alive here.
  static std::map<std::string, std::string> names;
  auto it = names.emplace(name, name).first;
  *f = const_cast<char *>(it->second.c_str());
  return kOk;
}
CUresult cuFuncSetAttribute(void *f, int attr, int value) {
  if (attr == 8)
    fake_cuda_state()->maxDynamicShared[static_cast<const char *>(f)] = value;
  return kOk;
}
CUresult cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz,
                        unsigned bx, unsigned by, unsigned bz, unsigned shared,
                        void *stream, void **params, void **) {
  FakeCudaState *s = fake_cuda_state();
  FakeLaunch l{static_cast<const char *>(f), {gx, gy, gz}, {bx, by, bz},
               shared, stream, {}};
  // Parameters are recorded for the kernels a test names (the driver
  // cannot know how many there are); other launches are recorded without.
  auto count = s->paramCounts.find(l.kernel);
  for (int i = 0; count != s->paramCounts.end() && i < count->second; ++i) {
    uint64_t v;
    std::memcpy(&v, params[i], 8);
    l.params.push_back(v);
  }
  s->launches.push_back(l);
  return kOk;
}
CUresult cuStreamCreate(void **s, unsigned) {
  static int stream;
  *s = &stream;
  return kOk;
}
CUresult cuStreamDestroy_v2(void *) { return kOk; }
CUresult cuStreamSynchronize(void *) { return kOk; }
CUresult cuEventCreate(void **e, unsigned) {
  static int event;
  *e = &event;
  return kOk;
}
CUresult cuEventDestroy_v2(void *) { return kOk; }
CUresult cuEventRecord(void *, void *) { return kOk; }
CUresult cuEventSynchronize(void *) { return kOk; }
CUresult cuEventElapsedTime_v2(float *ms, void *, void *) {
  *ms = 1.0f;
  return kOk;
}
CUresult cuGetErrorString(CUresult r, const char **text) {
  *text = r == kInvalidValue ? "CUDA_ERROR_INVALID_VALUE" : "fake error";
  return kOk;
}
CUresult cuTensorMapEncodeTiled(void *map, int type, unsigned rank,
                                void *address, const uint64_t *dims,
                                const uint64_t *strides, const unsigned *box,
                                const unsigned *, int, int swizzle, int,
                                int) {
  FakeCudaState *s = fake_cuda_state();
  FakeTensorMap t;
  t.dataType = type;
  t.rank = rank;
  t.address = reinterpret_cast<uint64_t>(address);
  t.dims.assign(dims, dims + rank);
  t.strides.assign(strides, strides + (rank ? rank - 1 : 0));
  t.box.assign(box, box + rank);
  t.swizzle = swizzle;
  uint64_t marker = 0x7e45 + s->tensorMaps.size();
  std::memset(map, 0, 128);
  std::memcpy(map, &marker, 8);
  s->tensorMaps.push_back(t);
  return kOk;
}
CUresult cuPointerGetAttribute(void *out, int attr, CUdeviceptr p) {
  const auto &mem = fake_cuda_state()->deviceMemory;
  auto it = mem.upper_bound(p);
  if (it == mem.begin())
    return kInvalidValue;
  --it;
  if (p >= it->first + it->second)
    return kInvalidValue;
  if (attr == 2) // Memory type: device.
    *static_cast<unsigned *>(out) = 2;
  else if (attr == 9) // Device ordinal.
    *static_cast<int *>(out) = 0;
  else
    return kInvalidValue;
  return kOk;
}

} // extern "C"
