//===- CudaLaunchTest.cpp - what the runtime asks of the CUDA driver ------===//
//
// Bundles run on a fake driver (FakeCudaDriver.cpp): launches on caller
// memory allocate nothing, pass the caller's addresses and stream, put the
// intermediates in the workspace and set the shared-memory opt-in; memory
// the driver does not know is refused before any launch; the copying path
// frees what it allocates.
//
//===----------------------------------------------------------------------===//

#include "FakeCudaDriver.h"
#include "fused/Runtime/Bundle.h"

#include <gtest/gtest.h>

#include <dlfcn.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

using namespace fused::rt;

namespace {

// @f(a: f16[40x32], b: f16[32x48], c: f16[48x24]) -> f32[40x24], through
// an f16[40x48] intermediate: k1(a, b) -> t, k2(t, c) -> out; k2 asks for
// 100 KB of dynamic shared memory and reads t through a TMA tensor map
// (boxes of 8 x 48, 128-byte swizzle).
const char *kManifest = R"({
  "chips": ["sm_90"], "format": "fused-bundle", "version": 2,
  "images": [{"chip": "sm_90", "file": "k.ptx", "format": "ptx"}],
  "kernels": [
    {"name": "k1", "kind": "gemm", "block": [64, 1, 1], "grid": [1, 1, 1],
     "dynamic_shared_memory": 16384, "shared_memory_opt_in": false,
     "args": [
       {"alignment": 16, "dtype": "f16", "index": 0, "role": "input", "shape": [40, 32]},
       {"alignment": 16, "dtype": "f16", "index": 1, "role": "input", "shape": [32, 48]},
       {"alignment": 16, "dtype": "f16", "index": 2, "role": "output", "shape": [40, 48]}]},
    {"name": "k2", "kind": "gemm", "block": [128, 1, 1], "grid": [2, 3, 1],
     "dynamic_shared_memory": 100000, "shared_memory_opt_in": true,
     "tensor_maps": [{"arg": 0, "box": [8, 48], "swizzle": 128}],
     "args": [
       {"alignment": 16, "dtype": "f16", "index": 0, "role": "input", "shape": [40, 48]},
       {"alignment": 4, "dtype": "f16", "index": 1, "role": "input", "shape": [48, 24]},
       {"alignment": 16, "dtype": "f32", "index": 2, "role": "output", "shape": [40, 24]}]}],
  "functions": [{
    "name": "f", "inputs": [0, 1, 2], "outputs": [4],
    "buffers": [
      {"dtype": "f16", "id": 0, "origin": "input", "shape": [40, 32]},
      {"dtype": "f16", "id": 1, "origin": "input", "shape": [32, 48]},
      {"dtype": "f16", "id": 2, "origin": "input", "shape": [48, 24]},
      {"dtype": "f16", "id": 3, "origin": "kernel", "shape": [40, 48]},
      {"dtype": "f32", "id": 4, "origin": "kernel", "shape": [40, 24]}],
    "launches": [{"args": [0, 1, 3], "kernel": "k1"},
                 {"args": [3, 2, 4], "kernel": "k2"}]}]
})";

struct CudaLaunchTest : ::testing::Test {
  std::string dir;
  FakeCudaState *state = nullptr;
  std::unique_ptr<Device> device;
  std::unique_ptr<Bundle> bundle;
  std::unique_ptr<BundleRunner> runner;
  std::vector<void *> blocks;

  void SetUp() override {
    void *lib = dlopen(FAKE_CUDA_DRIVER, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(lib, nullptr) << dlerror();
    auto get = reinterpret_cast<FakeCudaState *(*)()>(
        dlsym(lib, "fake_cuda_state"));
    ASSERT_NE(get, nullptr);
    state = get();
    state->launches.clear();
    state->tensorMaps.clear();
    state->maxDynamicShared.clear();
    state->paramCounts = {{"k1", 21}, {"k2", 21}};
    dir = (std::filesystem::temp_directory_path() /
           ("fused-cuda-launch-" + std::to_string(::getpid())))
              .string();
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/manifest.json") << kManifest;
    // Any PTX for sm_90 that is whole: the fake driver loads it.
    std::ofstream(dir + "/k.ptx") << ".version 8.0\n.target sm_90\n"
                                     ".address_size 64\n"
                                     ".visible .entry k1()\n{\n\tret;\n}\n";
    auto b = Bundle::open(dir);
    ASSERT_TRUE(b.isOk()) << b.getStatus().getMessage();
    bundle = std::make_unique<Bundle>(std::move(*b));
    CudaOptions options;
    options.driverPath = FAKE_CUDA_DRIVER;
    auto d = openCudaDevice(options);
    ASSERT_TRUE(d.isOk()) << d.getStatus().getMessage();
    device = std::move(*d);
    ASSERT_EQ(device->chip(), "sm_90");
    auto r = BundleRunner::load(*bundle, *device);
    ASSERT_TRUE(r.isOk()) << r.getStatus().getMessage();
    runner = std::move(*r);
  }
  void TearDown() override {
    for (void *p : blocks) {
      state->deviceMemory.erase(reinterpret_cast<uint64_t>(p));
      std::free(p);
    }
    std::filesystem::remove_all(dir);
  }
  /// Memory "a framework allocated on the device": known to the driver.
  uint64_t deviceMemory(size_t bytes) {
    void *p = std::aligned_alloc(256, (bytes + 255) / 256 * 256);
    blocks.push_back(p);
    state->deviceMemory[reinterpret_cast<uint64_t>(p)] = bytes;
    return reinterpret_cast<uint64_t>(p);
  }
};

TEST_F(CudaLaunchTest, CallerMemoryAndStreamReachTheDriverUnchanged) {
  EXPECT_EQ(runner->imageChoice(), "PTX for sm_90 (compiled by the driver for sm_90)");
  uint64_t a = deviceMemory(40 * 32 * 2), b = deviceMemory(32 * 48 * 2),
           c = deviceMemory(48 * 24 * 2), out = deviceMemory(40 * 24 * 4);
  auto need = runner->workspaceBytes("f");
  ASSERT_TRUE(need.isOk());
  EXPECT_EQ(*need, 40u * 48 * 2);
  uint64_t ws = deviceMemory(*need);
  int allocations = state->allocations;
  auto stream = device->wrapStream(reinterpret_cast<void *>(0x5eed));
  ASSERT_TRUE(stream.isOk());
  state->paramCounts["k2"] = 22;
  Status s = runner->launch("f", {a, b, c}, {out}, ws, *need, stream->get());
  ASSERT_TRUE(s.isOk()) << s.getMessage();
  EXPECT_EQ(state->allocations, allocations) << "a hidden allocation";
  // k2's tensor map over t (f16 [40, 48] in the workspace): encoded by the
  // driver innermost first, passed after the memref arguments.
  ASSERT_EQ(state->tensorMaps.size(), 1u);
  const FakeTensorMap &map = state->tensorMaps[0];
  EXPECT_EQ(map.dataType, 6); // CU_TENSOR_MAP_DATA_TYPE_FLOAT16
  EXPECT_EQ(map.rank, 2u);
  EXPECT_EQ(map.address, ws);
  EXPECT_EQ(map.dims, (std::vector<uint64_t>{48, 40}));
  EXPECT_EQ(map.strides, (std::vector<uint64_t>{96}));
  EXPECT_EQ(map.box, (std::vector<unsigned>{48, 8}));
  EXPECT_EQ(map.swizzle, 3); // CU_TENSOR_MAP_SWIZZLE_128B
  ASSERT_EQ(state->launches.size(), 2u);
  ASSERT_EQ(state->launches[1].params.size(), 22u);
  EXPECT_EQ(state->launches[1].params[21], 0x7e45u);
  ASSERT_EQ(state->launches.size(), 2u);
  const FakeLaunch &k1 = state->launches[0], &k2 = state->launches[1];
  EXPECT_EQ(k1.kernel, "k1");
  EXPECT_EQ(k2.kernel, "k2");
  for (const FakeLaunch *l : {&k1, &k2})
    EXPECT_EQ(l->stream, reinterpret_cast<void *>(0x5eed));
  // Memref descriptors: allocated and aligned pointer, offset 0, sizes,
  // row-major strides.
  auto memref = [](const FakeLaunch &l, int arg) {
    return std::vector<uint64_t>(l.params.begin() + 7 * arg,
                                 l.params.begin() + 7 * arg + 7);
  };
  EXPECT_EQ(memref(k1, 0), (std::vector<uint64_t>{a, a, 0, 40, 32, 32, 1}));
  EXPECT_EQ(memref(k1, 1), (std::vector<uint64_t>{b, b, 0, 32, 48, 48, 1}));
  EXPECT_EQ(memref(k1, 2), (std::vector<uint64_t>{ws, ws, 0, 40, 48, 48, 1}));
  EXPECT_EQ(memref(k2, 0), (std::vector<uint64_t>{ws, ws, 0, 40, 48, 48, 1}));
  EXPECT_EQ(memref(k2, 1), (std::vector<uint64_t>{c, c, 0, 48, 24, 24, 1}));
  EXPECT_EQ(memref(k2, 2),
            (std::vector<uint64_t>{out, out, 0, 40, 24, 24, 1}));
  EXPECT_EQ(k2.grid[0], 2u);
  EXPECT_EQ(k2.grid[1], 3u);
  EXPECT_EQ(k2.block[0], 128u);
  EXPECT_EQ(k2.sharedBytes, 100000u);
  // Above 48 KiB the kernel is allowed its dynamic shared memory first.
  EXPECT_EQ(state->maxDynamicShared.count("k1"), 0u);
  EXPECT_EQ(state->maxDynamicShared["k2"], 100000);
}

TEST_F(CudaLaunchTest, BadCallerMemoryIsRefusedBeforeAnyLaunch) {
  uint64_t a = deviceMemory(40 * 32 * 2), b = deviceMemory(32 * 48 * 2),
           c = deviceMemory(48 * 24 * 2), out = deviceMemory(40 * 24 * 4);
  uint64_t ws = deviceMemory(4096);
  std::vector<uint8_t> host(40 * 24 * 4 + 256);
  uint64_t hostAt = (reinterpret_cast<uint64_t>(host.data()) + 255) / 256 * 256;
  auto expectRefusal = [&](const std::vector<uint64_t> &in,
                           const std::vector<uint64_t> &outs, uint64_t w,
                           size_t wBytes, const std::string &what) {
    Status s = runner->launch("f", in, outs, w, wBytes, nullptr);
    ASSERT_FALSE(s.isOk()) << what;
    EXPECT_NE(s.getMessage().find(what), std::string::npos) << s.getMessage();
    EXPECT_TRUE(state->launches.empty()) << what;
  };
  expectRefusal({a, b, c}, {hostAt}, ws, 4096,
                "is not memory the CUDA driver knows");
  expectRefusal({a, b, c}, {out + 8}, ws, 4096,
                "output 0 of @f (f32[40, 24]) must be 16-byte aligned");
  // Input 2 is read by a kernel that needs 4 bytes only.
  EXPECT_TRUE(
      runner->launch("f", {a, b, c + 4}, {out}, ws, 4096, nullptr).isOk());
  state->launches.clear();
  expectRefusal({a, b, c + 2}, {out}, ws, 4096,
                "input 2 of @f (f16[48, 24]) must be 4-byte aligned");
  expectRefusal({a, b, c}, {out}, 0, 0,
                "@f needs a workspace of 3840 bytes, got none");
  expectRefusal({a, b, c}, {out}, ws + 16, 4000,
                "the workspace of @f must be 256-byte aligned");
  expectRefusal({a, b, c}, {ws}, ws, 4096,
                "output 0 and the workspace of @f overlap");
  expectRefusal({a, b, out}, {out}, ws, 4096,
                "input 2 and output 0 of @f overlap");
  expectRefusal({a, 0, c}, {out}, ws, 4096, "input 1 of @f (f16[32, 48]) is "
                                            "a null pointer");
  expectRefusal({a, b}, {out}, ws, 4096,
                "@f takes 3 inputs and returns 1 outputs; got 2 and 1");
  // Inputs may share memory.
  EXPECT_TRUE(runner->launch("f", {a, a, c}, {out}, ws, 4096, nullptr).isOk());
}

TEST_F(CudaLaunchTest, TheCopyingPathFreesWhatItAllocates) {
  int allocations = state->allocations, frees = state->frees;
  std::vector<HostTensor> inputs = {
      {{40, 32}, std::vector<double>(40 * 32, 1.0)},
      {{32, 48}, std::vector<double>(32 * 48, 1.0)},
      {{48, 24}, std::vector<double>(48 * 24, 1.0)}};
  auto out = runner->run("f", inputs);
  ASSERT_TRUE(out.isOk()) << out.getStatus().getMessage();
  // One buffer per tensor of the function, all freed; nothing ran on the
  // fake device, so the output is still the NaN it was poisoned with.
  EXPECT_EQ(state->allocations - allocations, 5);
  EXPECT_EQ(state->frees - frees, 5);
  ASSERT_EQ(out->size(), 1u);
  EXPECT_TRUE(std::isnan((*out)[0].data[0]));
  EXPECT_EQ(state->launches.size(), 2u);
  EXPECT_EQ(state->launches[0].stream, nullptr);
}

} // namespace
