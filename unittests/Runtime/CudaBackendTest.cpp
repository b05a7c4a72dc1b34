//===- CudaBackendTest.cpp - the CUDA backend without and with a GPU ------===//
//
// The no-driver paths are tested everywhere; the tests that need a GPU skip
// with the reason when none is present.
//
//===----------------------------------------------------------------------===//

#include "fused/Runtime/Runtime.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <vector>

using namespace fused::rt;

namespace {

bool contains(const std::string &s, const std::string &part) {
  return s.find(part) != std::string::npos;
}

TEST(CudaBackendTest, MissingDriverLibraryIsReportedPlainly) {
  CudaOptions options;
  options.driverPath = "libcuda-that-does-not-exist.so.1";
  auto device = openCudaDevice(options);
  ASSERT_FALSE(device.isOk());
  const std::string &msg = device.getStatus().getMessage();
  EXPECT_TRUE(contains(msg, "no CUDA driver found")) << msg;
  EXPECT_TRUE(contains(msg, "libcuda-that-does-not-exist.so.1")) << msg;
  EXPECT_TRUE(contains(msg, "use --device=emulator")) << msg;
}

TEST(CudaBackendTest, StubLibraryIsNotADriver) {
  const char *stub = "/usr/local/cuda/lib64/stubs/libcuda.so";
  if (!std::ifstream(stub).good())
    GTEST_SKIP() << "no CUDA toolkit stub library at " << stub;
  CudaOptions options;
  options.driverPath = stub;
  auto device = openCudaDevice(options);
  ASSERT_FALSE(device.isOk());
  EXPECT_TRUE(contains(device.getStatus().getMessage(),
                       "only the CUDA toolkit's stub library"))
      << device.getStatus().getMessage();
}

TEST(CudaBackendTest, MemrefArgumentsFollowTheMLIRDescriptor) {
  struct FakeBuffer : Buffer {
    size_t size() const override { return 64; }
    uint64_t address() const override { return 0x1000; }
  } buffer;
  std::vector<KernelArg> args = memrefArgs(buffer, {2, 3, 4});
  ASSERT_EQ(args.size(), 3u + 2u * 3u);
  auto value = [](const KernelArg &a) {
    int64_t v = 0;
    EXPECT_EQ(a.bytes.size(), 8u);
    std::memcpy(&v, a.bytes.data(), 8);
    return v;
  };
  EXPECT_EQ(value(args[0]), 0x1000); // allocated
  EXPECT_EQ(value(args[1]), 0x1000); // aligned
  EXPECT_EQ(value(args[2]), 0);      // offset
  EXPECT_EQ(value(args[3]), 2);      // sizes
  EXPECT_EQ(value(args[4]), 3);
  EXPECT_EQ(value(args[5]), 4);
  EXPECT_EQ(value(args[6]), 12); // strides
  EXPECT_EQ(value(args[7]), 4);
  EXPECT_EQ(value(args[8]), 1);
}

/// Needs a GPU: a buffer round trip through the device.
TEST(CudaBackendTest, BufferRoundTripOnAGpu) {
  auto device = openCudaDevice();
  if (!device.isOk())
    GTEST_SKIP() << "needs a CUDA device: " << device.getStatus().getMessage();
  std::vector<float> in(1000), out(1000, -1.0f);
  for (size_t i = 0; i < in.size(); ++i)
    in[i] = static_cast<float>(i) * 0.5f;
  auto buffer = (*device)->allocate(in.size() * sizeof(float));
  ASSERT_TRUE(buffer.isOk()) << buffer.getStatus().getMessage();
  ASSERT_TRUE(
      (*device)->copyToDevice(**buffer, in.data(), in.size() * sizeof(float)));
  ASSERT_TRUE(
      (*device)->copyToHost(out.data(), **buffer, out.size() * sizeof(float)));
  EXPECT_EQ(in, out);
  // A copy larger than the buffer is an error, not a crash.
  EXPECT_FALSE((*device)->copyToHost(out.data(), **buffer, 1 << 20));
}

} // namespace
