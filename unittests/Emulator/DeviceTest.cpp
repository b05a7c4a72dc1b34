//===- DeviceTest.cpp - the emulator device on hand-written kernel images -===//
//
// Kernel images written directly in LLVM IR against the hook ABI
// (runtime/emulator/Hooks.h), so the device, the launch engine, its checks
// and its counters are tested without the compiler.
//
//===----------------------------------------------------------------------===//

#include "fused/Runtime/MemoryAccess.h"
#include "fused/Runtime/Runtime.h"

#include <gtest/gtest.h>

#include <cstring>
#include <numeric>
#include <set>
#include <vector>

using namespace fused::rt;

namespace {

// iota(out, shift): out[ctaid.x * ntid.x + tid.x + shift] = tid.x.
// reverse(out, sync): s[tid] = tid; barrier if sync; out[tid] =
// s[ntid - 1 - tid], through the shared-memory arena.
const char *kImage = R"(
declare i32 @__fused_emu_sreg(i32)
declare ptr @__fused_emu_access(ptr, i64, i32, i32)
declare void @__fused_emu_barrier(i32)
declare ptr @__fused_emu_shared()

@__fused_emu_sites = constant [65 x i8] c"store at iota.mlir:3:5\00barrier at r.mlir:4:5\00load at r.mlir:5:5\00\00"
@__fused_emu_static_shared = constant i64 512

define void @iota(ptr %out, i32 %shift) {
  %tid = call i32 @__fused_emu_sreg(i32 0)
  %bid = call i32 @__fused_emu_sreg(i32 6)
  %nt = call i32 @__fused_emu_sreg(i32 3)
  %b = mul i32 %bid, %nt
  %i = add i32 %b, %tid
  %j = add i32 %i, %shift
  %idx = sext i32 %j to i64
  %p = getelementptr i32, ptr %out, i64 %idx
  %q = call ptr @__fused_emu_access(ptr %p, i64 4, i32 514, i32 0)
  store i32 %tid, ptr %q
  ret void
}

define void @reverse(ptr %out, i32 %sync) {
entry:
  %tid = call i32 @__fused_emu_sreg(i32 0)
  %nt = call i32 @__fused_emu_sreg(i32 3)
  %s = call ptr @__fused_emu_shared()
  %t64 = sext i32 %tid to i64
  %ps = getelementptr i32, ptr %s, i64 %t64
  %qs = call ptr @__fused_emu_access(ptr %ps, i64 4, i32 514, i32 0)
  store i32 %tid, ptr %qs
  %c = icmp ne i32 %sync, 0
  br i1 %c, label %bar, label %rest
bar:
  call void @__fused_emu_barrier(i32 1)
  br label %rest
rest:
  %m = sub i32 %nt, 1
  %r = sub i32 %m, %tid
  %r64 = sext i32 %r to i64
  %pr = getelementptr i32, ptr %s, i64 %r64
  %qr = call ptr @__fused_emu_access(ptr %pr, i64 4, i32 513, i32 2)
  %v = load i32, ptr %qr
  %po = getelementptr i32, ptr %out, i64 %t64
  %qo = call ptr @__fused_emu_access(ptr %po, i64 4, i32 514, i32 0)
  store i32 %v, ptr %qo
  ret void
}

; guarded(out, rows): for each row i < rows, lanes below 3 (row 0) or 6
; (later rows) store their tid at out[8 i + tid]; a barrier ends each row.
define void @guarded(ptr %out, i32 %rows) {
entry:
  %tid = call i32 @__fused_emu_sreg(i32 0)
  br label %loop
loop:
  %i = phi i32 [0, %entry], [%next, %latch]
  %first = icmp eq i32 %i, 0
  %lim = select i1 %first, i32 3, i32 6
  %in = icmp slt i32 %tid, %lim
  br i1 %in, label %st, label %latch
st:
  %row = mul i32 %i, 8
  %j = add i32 %row, %tid
  %j64 = sext i32 %j to i64
  %p = getelementptr i32, ptr %out, i64 %j64
  %q = call ptr @__fused_emu_access(ptr %p, i64 4, i32 514, i32 0)
  store i32 %tid, ptr %q
  br label %latch
latch:
  call void @__fused_emu_barrier(i32 1)
  %next = add i32 %i, 1
  %done = icmp sge i32 %next, %rows
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

define void @__fused_emu_entry_guarded(ptr %args) {
  %a0 = load ptr, ptr %args
  %out = load ptr, ptr %a0
  %a1p = getelementptr ptr, ptr %args, i64 1
  %a1 = load ptr, ptr %a1p
  %rows = load i32, ptr %a1
  call void @guarded(ptr %out, i32 %rows)
  ret void
}

define void @__fused_emu_entry_iota(ptr %args) {
  %a0 = load ptr, ptr %args
  %out = load ptr, ptr %a0
  %a1p = getelementptr ptr, ptr %args, i64 1
  %a1 = load ptr, ptr %a1p
  %shift = load i32, ptr %a1
  call void @iota(ptr %out, i32 %shift)
  ret void
}

define void @__fused_emu_entry_reverse(ptr %args) {
  %a0 = load ptr, ptr %args
  %out = load ptr, ptr %a0
  %a1p = getelementptr ptr, ptr %args, i64 1
  %a1 = load ptr, ptr %a1p
  %sync = load i32, ptr %a1
  call void @reverse(ptr %out, i32 %sync)
  ret void
}
)";

struct EmulatorDeviceTest : ::testing::Test {
  std::unique_ptr<EmulatorDevice> device;
  std::unique_ptr<Module> module;

  void SetUp() override {
    EmulatorOptions options;
    options.hostThreads = 2;
    auto d = openEmulatorDevice(options);
    ASSERT_TRUE(d.isOk());
    device = std::move(*d);
    auto m = device->loadModule(kImage, ModuleFormat::EmulatorIR);
    ASSERT_TRUE(m.isOk()) << m.getStatus().getMessage();
    module = std::move(*m);
  }

  std::unique_ptr<Buffer> buffer(size_t ints) {
    auto b = device->allocate(ints * 4);
    EXPECT_TRUE(b.isOk());
    std::vector<int32_t> poison(ints, -1);
    EXPECT_TRUE(device->copyToDevice(**b, poison.data(), ints * 4).isOk());
    return std::move(*b);
  }

  std::vector<int32_t> read(const Buffer &b) {
    std::vector<int32_t> out(b.size() / 4);
    EXPECT_TRUE(device->copyToHost(out.data(), b, b.size()).isOk());
    return out;
  }

  Status launch(const std::string &kernel, Buffer &out, int32_t arg,
                uint32_t blocks, uint32_t threads) {
    LaunchConfig config;
    config.grid = {blocks, 1, 1};
    config.block = {threads, 1, 1};
    return device->launch(*module, kernel, config,
                          {KernelArg::pointer(out.address()),
                           KernelArg::of<int32_t>(arg)});
  }
};

TEST_F(EmulatorDeviceTest, RunsEveryThreadOfEveryBlock) {
  auto out = buffer(3 * 64);
  ASSERT_TRUE(launch("iota", *out, 0, 3, 64).isOk());
  std::vector<int32_t> got = read(*out);
  for (int i = 0; i < 3 * 64; ++i)
    EXPECT_EQ(got[i], i % 64) << "element " << i;
  const EmulatorCounters &c = device->lastCounters();
  EXPECT_EQ(c.blocks, 3);
  EXPECT_EQ(c.threads, 192);
  // Each warp stores 32 consecutive i32: one request of 4 sectors.
  EXPECT_EQ(c.globalStoreRequests, 6);
  EXPECT_EQ(c.globalStoreSectors, 24);
  EXPECT_EQ(c.globalStoreSectorsIdeal, 24);
  EXPECT_EQ(c.uniqueBytesWritten, 3 * 64 * 4);
  EXPECT_TRUE(device->lastReports().empty());
}

TEST_F(EmulatorDeviceTest, OnlyBlocksRunsThoseTheGridHas) {
  EmulatorOptions options;
  options.onlyBlocks = {2, 0, 2, 9}; // 9 is outside a grid of 4.
  auto d = openEmulatorDevice(options);
  ASSERT_TRUE(d.isOk());
  auto m = (*d)->loadModule(kImage, ModuleFormat::EmulatorIR);
  ASSERT_TRUE(m.isOk());
  std::vector<int32_t> poison(4 * 64, -1);
  auto mine = (*d)->wrapMemory(reinterpret_cast<uint64_t>(poison.data()),
                               poison.size() * 4);
  ASSERT_TRUE(mine.isOk());
  LaunchConfig config;
  config.grid = {4, 1, 1};
  config.block = {64, 1, 1};
  ASSERT_TRUE((*d)->launch(**m, "iota", config,
                           {KernelArg::pointer((*mine)->address()),
                            KernelArg::of<int32_t>(0)})
                  .isOk());
  for (int i = 0; i < 4 * 64; ++i)
    EXPECT_EQ(poison[i], i / 64 == 0 || i / 64 == 2 ? i % 64 : -1)
        << "element " << i;
  const EmulatorCounters &c = (*d)->lastCounters();
  EXPECT_EQ(c.blocks, 2);
  EXPECT_EQ(c.uniqueBytesWritten, 2 * 64 * 4);
}

TEST_F(EmulatorDeviceTest, RequestsFollowTheWarpsStepsThroughALoop) {
  // Row 0 stores 3 lanes (sector 0), row 1 six (sector 1): two requests of
  // one sector each. Lanes 3 .. 5 skip the store in row 0; their first
  // execution belongs with row 1's, not with lanes 0 .. 2's in row 0.
  auto out = buffer(16);
  ASSERT_TRUE(launch("guarded", *out, 2, 1, 32).isOk());
  std::vector<int32_t> got = read(*out);
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(got[8 + i], i);
  const EmulatorCounters &c = device->lastCounters();
  EXPECT_EQ(c.globalStoreRequests, 2);
  EXPECT_EQ(c.globalStoreSectors, 2);
  EXPECT_EQ(c.globalStoreSectorsIdeal, 2);
  EXPECT_TRUE(device->lastReports().empty());
}

TEST_F(EmulatorDeviceTest, ReportsAnOutOfBoundsStoreAndKeepsGoing) {
  auto out = buffer(64);
  Status s = launch("iota", *out, 1, 1, 64);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.getMessage().find("out-of-bounds global store of 4 bytes at 0 "
                                "bytes past the end of buffer"),
            std::string::npos)
      << s.getMessage();
  EXPECT_NE(s.getMessage().find("kernel iota, block (0,0,0), thread (63,0,0), "
                                "at store at iota.mlir:3:5"),
            std::string::npos)
      << s.getMessage();
  ASSERT_EQ(device->lastReports().size(), 1u);
  // The other 63 stores landed.
  std::vector<int32_t> got = read(*out);
  for (int i = 1; i < 64; ++i)
    EXPECT_EQ(got[i], i - 1);
}

TEST_F(EmulatorDeviceTest, CallerMemoryIsCheckedLikeItsOwnBuffers) {
  // 65 ints of the caller's: the kernel writes 64 of them at [1, 65) and,
  // with one more thread, one past the end.
  std::vector<int32_t> host(66, -1);
  uint64_t at = reinterpret_cast<uint64_t>(host.data());
  auto wrapped = device->wrapMemory(at, 65 * 4);
  ASSERT_TRUE(wrapped.isOk()) << wrapped.getStatus().getMessage();
  ASSERT_TRUE(launch("iota", **wrapped, 1, 1, 64).isOk());
  EXPECT_EQ(host[0], -1);
  for (int i = 1; i < 65; ++i)
    EXPECT_EQ(host[i], i - 1);
  Status s = launch("iota", **wrapped, 2, 1, 64);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.getMessage().find("out-of-bounds global store of 4 bytes at 0 "
                                "bytes past the end of buffer"),
            std::string::npos)
      << s.getMessage();
  EXPECT_EQ(host[65], -1) << "the stray store reached the caller's memory";
  // Overlapping ranges cannot both be held; after release they can.
  auto clash = device->wrapMemory(at + 8, 16);
  ASSERT_FALSE(clash.isOk());
  EXPECT_NE(clash.getStatus().getMessage().find(
                "overlaps a buffer the emulator already holds"),
            std::string::npos)
      << clash.getStatus().getMessage();
  EXPECT_FALSE(device->wrapMemory(at - 4, 8).isOk());
  EXPECT_TRUE(device->wrapMemory(at + 65 * 4, 4).isOk());
  wrapped->reset();
  EXPECT_TRUE(device->wrapMemory(at + 8, 16).isOk());
  EXPECT_FALSE(device->wrapMemory(0, 16).isOk());
}

TEST_F(EmulatorDeviceTest, BarrierMakesSharedMemoryExchangeRaceFree) {
  auto out = buffer(128);
  ASSERT_TRUE(launch("reverse", *out, 1, 1, 128).isOk())
      << device->lastReports().front();
  std::vector<int32_t> got = read(*out);
  for (int i = 0; i < 128; ++i)
    EXPECT_EQ(got[i], 127 - i);
  EXPECT_EQ(device->lastCounters().barriers, 1);
  // 4 store and 4 load requests of 128 distinct bytes each: one wavefront.
  EXPECT_EQ(device->lastCounters().sharedStoreWavefronts, 4);
  EXPECT_EQ(device->lastCounters().sharedLoadWavefronts, 4);
}

TEST_F(EmulatorDeviceTest, MissingBarrierIsARaceOrUninitialisedRead) {
  auto out = buffer(128);
  Status s = launch("reverse", *out, 0, 1, 128);
  ASSERT_FALSE(s.isOk());
  // Depending on the schedule, a thread reads its partner's word before or
  // after the partner wrote it; both are reported at the load.
  bool race = s.getMessage().find("shared-memory race") != std::string::npos;
  bool uninit = s.getMessage().find("read of uninitialised shared memory") !=
                std::string::npos;
  EXPECT_TRUE(race || uninit) << s.getMessage();
  EXPECT_NE(s.getMessage().find("at load at r.mlir:5:5"), std::string::npos)
      << s.getMessage();
}

TEST_F(EmulatorDeviceTest, BlocksWritingTheSameBytesRace) {
  // Every block of `reverse` writes out[0, ntid): two blocks race.
  auto out = buffer(128);
  Status s = launch("reverse", *out, 1, 2, 128);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.getMessage().find("global-memory race between blocks: bytes ["),
            std::string::npos)
      << s.getMessage();
  EXPECT_NE(s.getMessage().find(" written here after block ("),
            std::string::npos)
      << s.getMessage();
  // One block alone writes them once: no race; `iota` blocks write apart.
  EXPECT_TRUE(launch("reverse", *out, 1, 1, 128).isOk());
  auto wide = buffer(4 * 64);
  EXPECT_TRUE(launch("iota", *wide, 0, 4, 64).isOk());
}

TEST_F(EmulatorDeviceTest, ErrorsAreValues) {
  auto out = buffer(4);
  EXPECT_FALSE(launch("nope", *out, 0, 1, 32).isOk());
  EXPECT_FALSE(launch("iota", *out, 0, 1, 2048).isOk());
  EXPECT_FALSE(launch("iota", *out, 0, 0, 32).isOk());
  std::vector<int32_t> big(8);
  EXPECT_FALSE(device->copyToDevice(*out, big.data(), 32).isOk());
  EXPECT_FALSE(device->copyToHost(big.data(), *out, 32).isOk());
  auto cubin = device->loadModule("\x7f" "ELF", ModuleFormat::Cubin);
  ASSERT_FALSE(cubin.isOk());
  EXPECT_NE(cubin.getStatus().getMessage().find("not cubin or PTX"),
            std::string::npos);
  auto garbage = device->loadModule("this is not IR", ModuleFormat::EmulatorIR);
  ASSERT_FALSE(garbage.isOk());
  EXPECT_NE(garbage.getStatus().getMessage().find("cannot read the kernel"),
            std::string::npos);
}

} // namespace

namespace {

TEST_F(EmulatorDeviceTest, SharedMemoryOverrunIsReportedAsShared) {
  // 256 threads: s[tid] runs past the 512-byte arena.
  auto out = buffer(256);
  Status s = launch("reverse", *out, 1, 1, 256);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.getMessage().find("out-of-bounds shared-memory access of 4 "
                                "bytes at offset "),
            std::string::npos)
      << s.getMessage();
  EXPECT_NE(s.getMessage().find(" of a 512-byte arena"), std::string::npos);
}

// order(out): threads 0 and 1 write their value (tid + 1) to two shared
// words, thread 0 to s[0] then s[1], thread 1 to s[1] then s[0], with no
// barrier between; after a barrier thread 0 copies s[0] and s[1] to out.
// Thread by thread the words end up equal (both 1 or both 2); s[0] = 2 and
// s[1] = 1 needs a switch between one thread's two stores.
const char *kOrderImage = R"(
declare i32 @__fused_emu_sreg(i32)
declare ptr @__fused_emu_access(ptr, i64, i32, i32)
declare void @__fused_emu_barrier(i32)
declare ptr @__fused_emu_shared()

@__fused_emu_sites = constant [62 x i8] c"store at o.mlir:3:5\00barrier at o.mlir:4:5\00load at o.mlir:5:5\00\00"
@__fused_emu_static_shared = constant i64 512

define void @order(ptr %out) {
entry:
  %tid = call i32 @__fused_emu_sreg(i32 0)
  %s = call ptr @__fused_emu_shared()
  %s1 = getelementptr i32, ptr %s, i64 1
  %is0 = icmp eq i32 %tid, 0
  %v = add i32 %tid, 1
  br i1 %is0, label %t0, label %t1
t0:
  %a = call ptr @__fused_emu_access(ptr %s, i64 4, i32 514, i32 0)
  store i32 %v, ptr %a
  %b = call ptr @__fused_emu_access(ptr %s1, i64 4, i32 514, i32 0)
  store i32 %v, ptr %b
  br label %sync
t1:
  %c = call ptr @__fused_emu_access(ptr %s1, i64 4, i32 514, i32 0)
  store i32 %v, ptr %c
  %d = call ptr @__fused_emu_access(ptr %s, i64 4, i32 514, i32 0)
  store i32 %v, ptr %d
  br label %sync
sync:
  call void @__fused_emu_barrier(i32 1)
  br i1 %is0, label %read, label %done
read:
  %e = call ptr @__fused_emu_access(ptr %s, i64 4, i32 513, i32 2)
  %x = load i32, ptr %e
  %f = call ptr @__fused_emu_access(ptr %s1, i64 4, i32 513, i32 2)
  %y = load i32, ptr %f
  %o1 = getelementptr i32, ptr %out, i64 1
  %g = call ptr @__fused_emu_access(ptr %out, i64 4, i32 514, i32 0)
  store i32 %x, ptr %g
  %h = call ptr @__fused_emu_access(ptr %o1, i64 4, i32 514, i32 0)
  store i32 %y, ptr %h
  br label %done
done:
  ret void
}

define void @__fused_emu_entry_order(ptr %args) {
  %a0 = load ptr, ptr %args
  %out = load ptr, ptr %a0
  call void @order(ptr %out)
  ret void
}
)";

/// (s[0], s[1]) after kOrderImage's race under `seed`; the launch status in
/// `status`.
std::pair<int32_t, int32_t> runOrder(uint64_t seed, bool reportRaces,
                                     Status *status = nullptr) {
  EmulatorOptions options;
  options.seed = seed;
  options.hostThreads = 1;
  options.reportRaces = reportRaces;
  auto d = openEmulatorDevice(options);
  EXPECT_TRUE(d.isOk());
  auto m = (*d)->loadModule(kOrderImage, ModuleFormat::EmulatorIR);
  EXPECT_TRUE(m.isOk()) << m.getStatus().getMessage();
  auto out = (*d)->allocate(8);
  std::vector<int32_t> got = {-1, -1};
  EXPECT_TRUE((*d)->copyToDevice(**out, got.data(), 8).isOk());
  LaunchConfig config;
  config.grid = {1, 1, 1};
  config.block = {2, 1, 1};
  Status s = (*d)->launch(**m, "order", config,
                          {KernelArg::pointer((*out)->address())});
  if (status)
    *status = s;
  EXPECT_TRUE((*d)->copyToHost(got.data(), **out, 8).isOk());
  return {got[0], got[1]};
}

TEST(EmulatorInterleavingTest, SeedsVaryTheOrderWithinABarrierInterval) {
  // With the race report off, the outcome shows the order the seed chose.
  std::set<std::pair<int32_t, int32_t>> seen;
  uint64_t interleaved = 0;
  for (uint64_t seed = 1; seed <= 64; ++seed) {
    auto r = runOrder(seed, /*reportRaces=*/false);
    seen.insert(r);
    if (r == std::make_pair(2, 1) && !interleaved)
      interleaved = seed;
    // The same seed, the same order.
    EXPECT_EQ(runOrder(seed, false), r) << "seed " << seed;
  }
  EXPECT_NE(interleaved, 0u) << "no seed switched threads between stores";
  EXPECT_TRUE(seen.count({1, 1}) && seen.count({2, 2}))
      << "both whole-thread orders should occur too";
  for (auto r : seen)
    EXPECT_TRUE(r == std::make_pair(1, 1) || r == std::make_pair(2, 2) ||
                r == std::make_pair(2, 1))
        << r.first << ", " << r.second;
  // With the report on (the default), every seed reports the race.
  Status s;
  runOrder(interleaved, /*reportRaces=*/true, &s);
  EXPECT_FALSE(s.isOk());
  EXPECT_NE(s.getMessage().find("shared-memory race"), std::string::npos)
      << s.getMessage();
}

// vec(out, off): each thread stores 16 bytes (one st.global.v4, declared
// 16-byte aligned) at out + off + 16 * tid. ldm(out, off): each thread
// fills 16 bytes of shared memory, then the warp's ldmatrix .x1 takes its
// row addresses at s + 16 * (lane % 8) + off; lane i stores its register
// to out[i]. handoff(out): block 0 writes out[0], block 1 reads it into
// out[1], with nothing ordering the blocks.
const char *kAlignImage = R"(
declare i32 @__fused_emu_sreg(i32)
declare ptr @__fused_emu_access(ptr, i64, i32, i32)
declare void @__fused_emu_barrier(i32)
declare ptr @__fused_emu_shared()
declare void @__fused_emu_ldmatrix(ptr, i32, i32, ptr, i32)

@__fused_emu_sites = constant [85 x i8] c"store at a.mlir:1:1\00ldmatrix at a.mlir:2:1\00load at a.mlir:3:1\00barrier at a.mlir:4:1\00\00"
@__fused_emu_static_shared = constant i64 512

define void @vec(ptr %out, i32 %off) {
  %tid = call i32 @__fused_emu_sreg(i32 0)
  %t16 = mul i32 %tid, 16
  %b = add i32 %t16, %off
  %b64 = sext i32 %b to i64
  %p = getelementptr i8, ptr %out, i64 %b64
  %q = call ptr @__fused_emu_access(ptr %p, i64 16, i32 1026, i32 0)
  store <4 x i32> <i32 1, i32 2, i32 3, i32 4>, ptr %q, align 16
  ret void
}

define void @ldm(ptr %out, i32 %off) {
  %tid = call i32 @__fused_emu_sreg(i32 0)
  %s = call ptr @__fused_emu_shared()
  %t16 = mul i32 %tid, 16
  %t64 = sext i32 %t16 to i64
  %ps = getelementptr i8, ptr %s, i64 %t64
  %qs = call ptr @__fused_emu_access(ptr %ps, i64 16, i32 1026, i32 0)
  %v = insertelement <4 x i32> zeroinitializer, i32 %tid, i32 0
  store <4 x i32> %v, ptr %qs, align 16
  call void @__fused_emu_barrier(i32 3)
  %lane8 = urem i32 %tid, 8
  %r16 = mul i32 %lane8, 16
  %ro = add i32 %r16, %off
  %ro64 = sext i32 %ro to i64
  %row = getelementptr i8, ptr %s, i64 %ro64
  %reg = alloca [4 x i32]
  call void @__fused_emu_ldmatrix(ptr %row, i32 1, i32 0, ptr %reg, i32 1)
  %r0 = load i32, ptr %reg
  %tid64 = sext i32 %tid to i64
  %po = getelementptr i32, ptr %out, i64 %tid64
  %qo = call ptr @__fused_emu_access(ptr %po, i64 4, i32 514, i32 0)
  store i32 %r0, ptr %qo
  ret void
}

define void @handoff(ptr %out, i32 %unused) {
entry:
  %tid = call i32 @__fused_emu_sreg(i32 0)
  %bid = call i32 @__fused_emu_sreg(i32 6)
  %first = icmp eq i32 %tid, 0
  br i1 %first, label %work, label %done
work:
  %b0 = icmp eq i32 %bid, 0
  br i1 %b0, label %produce, label %consume
produce:
  %q0 = call ptr @__fused_emu_access(ptr %out, i64 4, i32 514, i32 0)
  store i32 42, ptr %q0
  br label %done
consume:
  %r = call ptr @__fused_emu_access(ptr %out, i64 4, i32 513, i32 2)
  %v = load i32, ptr %r
  %p1 = getelementptr i32, ptr %out, i64 1
  %q1 = call ptr @__fused_emu_access(ptr %p1, i64 4, i32 514, i32 0)
  store i32 %v, ptr %q1
  br label %done
done:
  ret void
}

define void @__fused_emu_entry_vec(ptr %args) {
  %a0 = load ptr, ptr %args
  %out = load ptr, ptr %a0
  %a1p = getelementptr ptr, ptr %args, i64 1
  %a1 = load ptr, ptr %a1p
  %off = load i32, ptr %a1
  call void @vec(ptr %out, i32 %off)
  ret void
}

define void @__fused_emu_entry_ldm(ptr %args) {
  %a0 = load ptr, ptr %args
  %out = load ptr, ptr %a0
  %a1p = getelementptr ptr, ptr %args, i64 1
  %a1 = load ptr, ptr %a1p
  %off = load i32, ptr %a1
  call void @ldm(ptr %out, i32 %off)
  ret void
}

define void @__fused_emu_entry_handoff(ptr %args) {
  %a0 = load ptr, ptr %args
  %out = load ptr, ptr %a0
  call void @handoff(ptr %out, i32 0)
  ret void
}
)";

struct EmulatorAlignmentTest : EmulatorDeviceTest {
  void SetUp() override {
    EmulatorDeviceTest::SetUp();
    auto m = device->loadModule(kAlignImage, ModuleFormat::EmulatorIR);
    ASSERT_TRUE(m.isOk()) << m.getStatus().getMessage();
    module = std::move(*m);
  }
};

TEST_F(EmulatorAlignmentTest, MisalignedVectorStoreIsReported) {
  // 32 threads x 16 bytes, plus room for an 8-byte shift.
  auto out = buffer(32 * 4 + 2);
  ASSERT_TRUE(launch("vec", *out, 0, 1, 32).isOk())
      << device->lastReports().front();
  EXPECT_EQ(device->lastCounters().globalStoreRequests, 1);
  Status s = launch("vec", *out, 8, 1, 32);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.getMessage().find("misaligned global access of 16 bytes at an "
                                "address that is 8 bytes past a multiple of "
                                "16 (its PTX accesses 16 bytes at a time and "
                                "needs 16-byte alignment)"),
            std::string::npos)
      << s.getMessage();
  EXPECT_NE(s.getMessage().find("at store at a.mlir:1:1"), std::string::npos)
      << s.getMessage();
}

TEST_F(EmulatorAlignmentTest, MisalignedLdmatrixRowIsReported) {
  auto out = buffer(32);
  ASSERT_TRUE(launch("ldm", *out, 0, 1, 32).isOk())
      << device->lastReports().front();
  // ldmatrix .x1: lane i receives elements 2 (i % 4), +1 of row i / 4,
  // whose first word is the row's thread id (the other words are zero).
  std::vector<int32_t> got = read(*out);
  for (int i = 0; i < 32; ++i)
    EXPECT_EQ(got[i], i % 4 == 0 ? i / 4 : 0) << "lane " << i;
  Status s = launch("ldm", *out, 8, 1, 32);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.getMessage().find("misaligned ldmatrix row address: shared "
                                "offset 8 (each row address needs 16-byte "
                                "alignment)"),
            std::string::npos)
      << s.getMessage();
}

TEST_F(EmulatorAlignmentTest, ABlockReadingWhatAnotherWritesRaces) {
  auto out = buffer(2);
  Status s = launch("handoff", *out, 0, 2, 32);
  ASSERT_FALSE(s.isOk());
  // Whichever block runs first, the second's access is reported: block 1's
  // read after block 0's write, or block 0's write after block 1's read.
  bool readAfterWrite =
      s.getMessage().find("bytes [0, 4) of buffer #") != std::string::npos &&
      s.getMessage().find(" read here after block (0,0,0) wrote them") !=
          std::string::npos;
  bool writeAfterRead =
      s.getMessage().find(" written here after block (1,0,0) read them") !=
      std::string::npos;
  EXPECT_TRUE(readAfterWrite || writeAfterRead) << s.getMessage();
  // One block alone is no race.
  EXPECT_TRUE(launch("handoff", *out, 0, 1, 32).isOk());
}

// The split of one access into PTX instructions, case by case as the
// NVPTX backend emits them (test/Emulator/access-widths-llc.test checks the
// same cases against llc).
TEST(MemoryAccessTest, PiecesFollowTheDeclaredAlignment) {
  auto pieces = [](int64_t bytes, int64_t align) {
    std::vector<int64_t> widths;
    int64_t next = 0;
    forEachAccessPiece(bytes, align, [&](int64_t offset, int64_t w) {
      EXPECT_EQ(offset, next); // In address order, without gaps.
      next += w;
      widths.push_back(w);
    });
    EXPECT_EQ(next, bytes);
    return widths;
  };
  using W = std::vector<int64_t>;
  EXPECT_EQ(pieces(16, 1), W(16, 1));  // <8 x half> align 1: 16 x b8
  EXPECT_EQ(pieces(16, 2), W(8, 2));   // align 2: 8 x b16
  EXPECT_EQ(pieces(16, 4), W(4, 4));   // align 4: 4 x b32
  EXPECT_EQ(pieces(16, 8), W(2, 8));   // align 8: 2 x v2.b32
  EXPECT_EQ(pieces(16, 16), W(1, 16)); // align 16: v4.b32
  EXPECT_EQ(pieces(8, 16), W(1, 8));   // <4 x half> align 16: v2.b32
  EXPECT_EQ(pieces(4, 2), W(2, 2));    // float align 2: 2 x b16
  EXPECT_EQ(pieces(2, 16), W(1, 2));   // half align 16: b16
  EXPECT_EQ(pieces(32, 32), W(2, 16)); // nothing wider than 16 bytes
  EXPECT_EQ(pieces(12, 16), (W{8, 4}));
  EXPECT_EQ(accessWidthIndex(1), 0);
  EXPECT_EQ(accessWidthIndex(16), 4);
  EXPECT_EQ(accessWidthIndex(32), 4);
}

} // namespace
