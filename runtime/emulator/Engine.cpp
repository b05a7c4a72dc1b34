//===- Engine.cpp - running an emulated grid, and the kernel hooks --------===//
//
// A worker (host thread) takes blocks from a seeded shuffle of the grid and
// runs each as fibers. The rewritten kernel calls the __fused_emu_* hooks
// below; a thread-local pointer names the GPU thread (fiber) running, and is
// set again after every call that may switch fibers.
//
// Shared memory is an arena per block, filled with 0xff at block start, with
// a per-byte shadow: state (never written / written / pending cp.async), the
// last writer and reader and the barrier interval ("epoch") of each. Two
// threads touching a byte in the same interval, one of them writing, is a
// race; reading a never-written byte or a pending cp.async destination is
// reported too. Global accesses are checked against the launch's buffers
// (each has redzones); a stray access is reported and redirected to a
// thread-private sink so that the emulator itself never faults.
//
// Counters group the accesses of one instruction across a warp: the n-th
// execution of site s by each lane since the warp's last barrier or warp
// collective (which every lane of the warp reaches together, so they
// number the warp's convergent steps) forms one warp-wide request, complete
// when every lane of the warp has contributed (flushed at block end if
// not). A lane that skips a site in one iteration of a loop (a guarded
// access) thus does not pair its next execution with the other lanes'
// earlier one.
//
//===----------------------------------------------------------------------===//

#include "emulator/Engine.h"

#include "emulator/Block.h"
#include "emulator/Collectives.h"
#include "emulator/Hooks.h"
#include "emulator/Hopper.h"

#include "fused/Runtime/Float16.h"
#include "fused/Runtime/MemoryAccess.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <thread>
#include <unordered_map>

namespace fused::emu {
namespace {

/// Bytes after each block's shared memory that no buffer can occupy: more
/// than the largest shared memory of any chip, so that an access past the
/// end of shared memory by up to this much is reported as one.
constexpr size_t kSharedGuard = 512 * 1024;

/// A thread gives way to another at a shared-memory access or cp.async
/// issue with probability 1 / kSwitchOneIn.
constexpr uint32_t kSwitchOneIn = 4;

enum ShadowState : uint8_t { Uninit = 0, Written = 1, Pending = 2 };
constexpr uint16_t kManyReaders = 0xffff;

struct Shadow {
  uint32_t writeEpoch = 0;
  uint32_t readEpoch = 0;
  /// The writer's and the (single) reader's synchronisation counts
  /// (GpuThread::syncs) at the access: a lane of the same warp that has
  /// passed more collectives since is ordered after it.
  uint32_t writeSyncs = 0;
  uint32_t readSyncs = 0;
  uint16_t writer = 0;
  uint16_t reader = 0;
  uint8_t state = Uninit;
  /// Written by a generic-proxy store (st.shared, cp.async) that its
  /// writer has not yet fenced with fence.proxy.async: the async proxy
  /// (wgmma, TMA stores) may not see it.
  uint8_t unfenced = 0;
};
/// The writer of bytes a TMA load wrote: ordered by its mbarrier, not by a
/// block barrier.
constexpr uint16_t kAsyncWriter = 0xfffe;

enum AccessKind : uint8_t {
  GlobalLoad,
  GlobalStore,
  SharedLoad,
  SharedStore,
  CpAsyncShared,
  CpAsyncGlobal,
};

/// Which warp-wide instance of a memory instruction an access belongs to:
/// its site, its side (a cp.async's global source), the warp's
/// synchronisations so far and the lane's executions of the site since.
struct InstanceKey {
  int32_t site;
  uint32_t side;
  uint64_t syncs;
  uint64_t n;
  bool operator==(const InstanceKey &o) const {
    return site == o.site && side == o.side && syncs == o.syncs && n == o.n;
  }
};
struct InstanceKeyHash {
  size_t operator()(const InstanceKey &k) const {
    uint64_t h = (static_cast<uint64_t>(k.site) << 1 | k.side) *
                 0x9e3779b97f4a7c15ull;
    h ^= k.syncs + 0x7f4a7c159e3779b9ull + (h << 6) + (h >> 2);
    h ^= k.n + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return static_cast<size_t>(h);
  }
};

/// One warp-wide instance of a memory instruction.
struct Instance {
  uint32_t mask = 0;
  AccessKind kind = GlobalLoad;
  std::array<uint64_t, 32> addr{};
  std::array<uint16_t, 32> bytes{};
};

struct CpAsync {
  uint8_t *dst;
  const uint8_t *src;
  int size;
  int srcBytes;
  int64_t group;
};

enum ReportKind {
  OutOfBounds,
  Misaligned,
  Race,
  Uninitialised,
  BeforeWait,
  Collective,
  AsyncMisuse
};

/// The blocks that wrote and read a global byte: 0 none, else the block's
/// linear id + 1, kManyBlocks for reads by several, kAtomicWriter for
/// writes by atomics (which blocks may share).
struct ByteOwners {
  std::atomic<uint32_t> writer{0};
  std::atomic<uint32_t> reader{0};
};
constexpr uint32_t kManyBlocks = 0xffffffff;
constexpr uint32_t kAtomicWriter = 0xfffffffe;

/// ByteOwners for each byte of one buffer, allocated a chunk at a time
/// where a launch touches the buffer: memory and the count at the end of a
/// launch follow the bytes touched, not the sizes of the buffers (a kernel
/// may read a few rows of a tensor of many gigabytes).
class OwnerTable {
public:
  static constexpr size_t kChunk = size_t(1) << 14;

  explicit OwnerTable(size_t bytes)
      : size(bytes), numChunks((bytes + kChunk - 1) / kChunk),
        chunks(new std::atomic<ByteOwners *>[numChunks]()) {}
  ~OwnerTable() {
    for (size_t c = 0; c < numChunks; ++c)
      delete[] chunks[c].load(std::memory_order_relaxed);
  }
  OwnerTable(const OwnerTable &) = delete;
  OwnerTable &operator=(const OwnerTable &) = delete;

  ByteOwners &at(size_t i) {
    std::atomic<ByteOwners *> &slot = chunks[i / kChunk];
    ByteOwners *c = slot.load(std::memory_order_acquire);
    if (!c) {
      auto *fresh = new ByteOwners[kChunk];
      if (slot.compare_exchange_strong(c, fresh, std::memory_order_acq_rel))
        c = fresh;
      else
        delete[] fresh; // Another thread's chunk won; `c` holds it.
    }
    return c[i % kChunk];
  }

  /// Bytes read and written by the launch.
  std::pair<int64_t, int64_t> countTouched() const {
    int64_t read = 0, written = 0;
    for (size_t c = 0; c < numChunks; ++c) {
      const ByteOwners *chunk = chunks[c].load(std::memory_order_relaxed);
      if (!chunk)
        continue;
      size_t n = std::min(kChunk, size - c * kChunk);
      for (size_t i = 0; i < n; ++i) {
        read += chunk[i].reader.load(std::memory_order_relaxed) != 0;
        written += chunk[i].writer.load(std::memory_order_relaxed) != 0;
      }
    }
    return {read, written};
  }

private:
  size_t size;
  size_t numChunks;
  std::unique_ptr<std::atomic<ByteOwners *>[]> chunks;
};

struct Launch;
struct Worker;

/// Shared memory at a 256 KiB-aligned host address, so that the low 18
/// bits of a pointer into it are its CTA-relative shared address (what a
/// wgmma descriptor keeps of it) and swizzle patterns line up as on the GPU.
class Arena {
public:
  static constexpr size_t kAlign = 256 * 1024;
  Arena() = default;
  Arena(const Arena &) = delete;
  Arena &operator=(const Arena &) = delete;
  ~Arena() { std::free(ptr); }
  void assign(size_t n, uint8_t v) {
    std::free(ptr);
    size_t bytes = (std::max<size_t>(n, 1) + kAlign - 1) / kAlign * kAlign;
    ptr = static_cast<uint8_t *>(std::aligned_alloc(kAlign, bytes));
    if (!ptr)
      throw std::bad_alloc();
    count = n;
    std::memset(ptr, v, n);
  }
  uint8_t *data() { return ptr; }
  uint8_t *begin() { return ptr; }
  size_t size() const { return count; }

private:
  uint8_t *ptr = nullptr;
  size_t count = 0;
};

/// The shared bytes a TMA load wrote, completing phase `phase` of the
/// mbarrier at `barrier`: a thread may read them once it has waited for
/// that phase.
struct TmaWrite {
  uint32_t barrier;
  uint32_t phase;
  uint32_t offset, bytes;
};

struct GpuThread {
  int id = 0;
  std::array<int, 3> tid{};
  ThreadContext *tc = nullptr;
  Worker *worker = nullptr;
  /// Per site and side: executions since the synchronisation in
  /// siteSync; `syncs`: the barriers and warp collectives this thread has
  /// passed (the same count for every lane of its warp at each of them).
  std::vector<uint64_t> siteCount, siteSync;
  uint64_t syncs = 0;
  std::vector<CpAsync> cp;
  int64_t committed = 0;
  /// Shared bytes stored through the generic proxy since the thread's last
  /// fence.proxy.async (offset, bytes; adjacent stores merged).
  std::vector<std::pair<uint32_t, uint32_t>> unfencedStores;
  /// wgmma groups: those committed, those retired by a wait; whether a
  /// wgmma.fence came since the last wait; per wgmma site, the group of its
  /// latest execution (a group not yet committed is `wgmmaCommitted`).
  int64_t wgmmaCommitted = 0, wgmmaRetired = 0;
  bool wgmmaFenced = false;
  bool wgmmaOpen = false;
  std::unordered_map<int32_t, int64_t> wgmmaSiteGroup;
  /// Per mbarrier (shared offset): the phases this thread has seen
  /// complete in a wait.
  std::unordered_map<uint32_t, uint32_t> observedPhases;
  /// TMA store groups committed and retired, and stores not yet in a group.
  int64_t bulkCommitted = 0, bulkRetired = 0;
  alignas(64) uint8_t sink[512];
};

struct Report {
  std::string first;
  int64_t count = 0;
};

/// What the workers of a launch share.
struct Launch {
  const LaunchRequest *req = nullptr;
  int numThreads = 0;
  std::vector<GlobalRegion> regions; // Sorted by base.
  /// Per byte of each buffer, which block wrote and read it first.
  std::vector<std::unique_ptr<OwnerTable>> owners;
  std::mutex mutex;
  // (kind, site text) -> report: ops from one source line count as one.
  std::map<std::pair<int, std::string>, Report> reports;
  std::vector<std::string> fatal;
  std::atomic<bool> abort{false};
  std::atomic<int64_t> next{0};
  std::vector<uint32_t> order;
  /// Whether the kernel reads shared memory through the async proxy
  /// (wgmma, TMA stores): only then are generic stores followed until
  /// fence.proxy.async.
  bool asyncProxyReads = false;
};

thread_local GpuThread *current = nullptr;

/// The work of one host thread: a block at a time.
struct Worker {
  Launch *launch = nullptr;
  std::unique_ptr<BlockRunner> runner;
  std::vector<GpuThread> threads;
  /// The block's shared memory (sharedSize bytes), then a guard region
  /// that no buffer can occupy, so that an access running past the end of
  /// shared memory is reported as such.
  Arena arena;
  size_t sharedSize = 0;
  std::vector<Shadow> shadow;
  std::array<uint32_t, 3> ctaid{};
  /// The linear id of the block running.
  uint32_t blockId = 0;
  std::vector<std::unordered_map<InstanceKey, Instance, InstanceKeyHash>>
      instances;
  rt::EmulatorCounters counters;
  /// The block's mbarriers by shared offset, and what the TMA loads wrote.
  std::map<uint32_t, MBarrier> mbarriers;
  std::vector<TmaWrite> tmaWrites;
  /// Per warpgroup: the shared bytes its last wgmma (site, descriptors, N
  /// and flags) reads, computed and checked byte by byte by the first of
  /// its threads to issue it.
  struct WgmmaFootprint {
    std::array<int64_t, 4> key{-1, -1, -1, -1};
    std::vector<std::pair<uint32_t, uint32_t>> ranges;
  };
  std::vector<WgmmaFootprint> wgmmaFootprints;
  /// Per warpgroup and wgmma group: the shared bytes its wgmmas read
  /// (sorted, merged), the first of them by site, and how many of the
  /// warpgroup's threads have retired the group. A group leaves once all
  /// have: until then the hardware may still read those bytes, so a write
  /// to them is reported (the emulator multiplies at issue).
  struct WgmmaReads {
    int site = -1;
    int retired = 0;
    std::vector<std::array<int64_t, 4>> keys;
    std::vector<std::pair<uint32_t, uint32_t>> ranges;
  };
  std::vector<std::map<int64_t, WgmmaReads>> wgmmaInFlight;
  size_t wgmmaGroupsInFlight = 0;
  /// Per warp: its 16 rows of the A of its last register-A wgmma.
  std::vector<std::array<float, 256>> registerA;
  /// Per warpgroup: how many of its threads executed each setmaxnreg site,
  /// and the register count it asked for last (0: none, the launch's).
  std::vector<std::map<int, int64_t>> setmaxnregThreads;
  std::vector<int64_t> warpgroupRegisters;
  /// Reports a problem of the block found when it ends.
  void blockReport(ReportKind kind, const std::string &what,
                   const std::string &message);
  /// setmaxnreg executed by part of a warpgroup, or counts beyond the SM's
  /// register file.
  void checkSetmaxnreg();
  /// The registers a thread has at launch when setmaxnreg is used: the
  /// block alone on its SM (the kernel is compiled for one block per SM),
  /// the register file shared evenly in units of 8.
  int64_t launchRegisters() const {
    int64_t threads = (launch->numThreads + 127) / 128 * 128;
    return std::min<int64_t>(255, 65536 / threads / 8 * 8);
  }

  uint32_t epoch() const {
    return static_cast<uint32_t>(runner->barriersCompleted() + 1);
  }
  /// Whether `t` is ordered after an access by thread `other` made when
  /// `other` had passed `syncs` synchronisations, in the same barrier
  /// epoch: `other` is a lane of t's warp and a warp collective (which all
  /// its lanes pass together) came between.
  bool ordered(const GpuThread &t, uint16_t other, uint32_t syncs) const {
    return other / 32 == t.id / 32 && static_cast<uint32_t>(t.syncs) > syncs;
  }
  const std::string &site(int s) const {
    static const std::string unknown = "an unknown operation";
    static const std::string end = "the end of the kernel";
    if (s == -1)
      return end;
    const auto *sites = launch->req->sites;
    return sites && s >= 0 && s < static_cast<int>(sites->size())
               ? (*sites)[s]
               : unknown;
  }

  std::string where(const GpuThread &t) const {
    std::ostringstream os;
    os << "kernel " << launch->req->kernel << ", block (" << ctaid[0] << ","
       << ctaid[1] << "," << ctaid[2] << "), thread (" << t.tid[0] << ","
       << t.tid[1] << "," << t.tid[2] << ")";
    return os.str();
  }

  void report(ReportKind kind, int s, const GpuThread &t,
              const std::string &what) {
    if (kind == Race && !launch->req->reportRaces)
      return;
    std::lock_guard<std::mutex> lock(launch->mutex);
    Report &r = launch->reports[{kind, site(s)}];
    if (r.count++ == 0)
      r.first = what + " (" + where(t) + ", at " + site(s) + ")";
  }

  void run(uint32_t linear);
  void sharedAccess(GpuThread &t, size_t offset, size_t n, bool read,
                    bool write, bool pending, int s);
  const GlobalRegion *findRegion(uintptr_t p, size_t n) const;
  /// True when `p` is inside a buffer or its redzones.
  bool nearRegion(uintptr_t p) const {
    for (const GlobalRegion &r : launch->regions)
      if (p + 256 >= r.base && p < r.base + r.size + 256)
        return true;
    return false;
  }
  uint8_t *globalAccess(GpuThread &t, uint8_t *p, size_t n, int flags, int s);
  void record(GpuThread &t, int s, AccessKind kind, uint64_t addr,
              size_t bytes);
  void finalize(const Instance &in);
  void completeCopies(GpuThread &t, int64_t keepGroups);
  /// Bytes a TMA load wrote, completing the current phase of the
  /// mbarrier at `barrier`.
  void asyncWrite(uint32_t offset, uint32_t n, uint32_t barrier);
  /// Bytes the async proxy reads (wgmma operands, TMA store sources);
  /// true when it reported a problem.
  bool asyncRead(GpuThread &t, uint32_t offset, uint32_t n, const char *who,
                 int s);
  /// Reports a read by `t` of the TMA-written byte at `offset` before `t`
  /// waited for the phase that completes the load; true if it did.
  bool tmaNotVisible(GpuThread &t, uint32_t offset, const char *who, int s);
  /// The same for any byte of [offset, offset + n).
  bool tmaRangeNotVisible(GpuThread &t, uint32_t offset, uint32_t n,
                          const char *who, int s);
  /// Reports a write by `who` of [offset, offset + n) while a wgmma that
  /// reads those bytes is in flight; true if it did.
  bool overwritesWgmmaRead(GpuThread &t, uint32_t offset, uint32_t n,
                           const char *who, int s);
  /// After a phase of the mbarrier at `barrier` completed: waiting threads
  /// wake.
  void phaseCompleted(uint32_t barrier);
  /// The shared offset of `p`, or a report and nothing if [p, p + n) is not
  /// in shared memory or p is not `align`-aligned.
  std::optional<uint32_t> sharedOffset(GpuThread &t, const void *p, size_t n,
                                       size_t align, const char *what, int s);
};

//===----------------------------------------------------------------------===//
// Counters
//===----------------------------------------------------------------------===//

/// Wavefronts of shared-memory accesses: the lanes are split into phases
/// (8 lanes for 16-byte accesses, 16 for 8-byte ones, the whole warp
/// otherwise); in each phase the banks serve one 4-byte word each per
/// wavefront (equal words are broadcast). The ideal is one wavefront per 128
/// distinct bytes of a phase.
std::pair<int64_t, int64_t> wavefronts(const Instance &in, int firstLane,
                                       int numLanes, int lanesPerPhase) {
  int64_t wf = 0, ideal = 0;
  for (int p = firstLane; p < firstLane + numLanes; p += lanesPerPhase) {
    std::vector<uint64_t> words;
    for (int lane = p; lane < p + lanesPerPhase && lane < 32; ++lane) {
      if (!(in.mask & (1u << lane)))
        continue;
      for (uint64_t w = in.addr[lane] / 4;
           w < (in.addr[lane] + in.bytes[lane] + 3) / 4; ++w)
        words.push_back(w);
    }
    if (words.empty())
      continue;
    std::sort(words.begin(), words.end());
    words.erase(std::unique(words.begin(), words.end()), words.end());
    std::array<int, 32> perBank{};
    int worst = 0;
    for (uint64_t w : words)
      worst = std::max(worst, ++perBank[w % 32]);
    wf += worst;
    ideal += (static_cast<int64_t>(words.size()) * 4 + 127) / 128;
  }
  return {wf, ideal};
}

/// The widest access of the instance's lanes, in bytes (0 for none).
int widestLane(const Instance &in) {
  int widest = 0;
  for (int lane = 0; lane < 32; ++lane)
    if (in.mask & (1u << lane))
      widest = std::max<int>(widest, in.bytes[lane]);
  return widest;
}

int lanesPerPhase(const Instance &in) {
  int widest = widestLane(in);
  return widest >= 16 ? 8 : widest == 8 ? 16 : 32;
}

void Worker::finalize(const Instance &in) {
  rt::EmulatorCounters &c = counters;
  // The by-width counters count the request at its widest lane's width.
  int w = rt::accessWidthIndex(widestLane(in));
  switch (in.kind) {
  case GlobalLoad:
    ++c.globalLoadWidths[w];
    break;
  case GlobalStore:
    ++c.globalStoreWidths[w];
    break;
  case SharedLoad:
    ++c.sharedLoadWidths[w];
    break;
  case SharedStore:
    ++c.sharedStoreWidths[w];
    break;
  case CpAsyncShared:
    ++c.cpAsyncWidths[w];
    break;
  case CpAsyncGlobal:
    break;
  }
  if (in.kind == GlobalLoad || in.kind == GlobalStore ||
      in.kind == CpAsyncGlobal) {
    std::vector<uint64_t> bytes;
    for (int lane = 0; lane < 32; ++lane)
      if (in.mask & (1u << lane))
        for (uint64_t b = 0; b < in.bytes[lane]; ++b)
          bytes.push_back(in.addr[lane] + b);
    std::sort(bytes.begin(), bytes.end());
    bytes.erase(std::unique(bytes.begin(), bytes.end()), bytes.end());
    int64_t sectors = 0;
    uint64_t last = ~0ull;
    for (uint64_t b : bytes)
      if (b / 32 != last) {
        ++sectors;
        last = b / 32;
      }
    int64_t ideal = (static_cast<int64_t>(bytes.size()) + 31) / 32;
    if (in.kind == GlobalStore) {
      ++c.globalStoreRequests;
      c.globalStoreSectors += sectors;
      c.globalStoreSectorsIdeal += ideal;
    } else {
      ++c.globalLoadRequests;
      c.globalLoadSectors += sectors;
      c.globalLoadSectorsIdeal += ideal;
    }
    return;
  }
  auto [wf, ideal] = wavefronts(in, 0, 32, lanesPerPhase(in));
  if (in.kind == SharedLoad) {
    ++c.sharedLoadRequests;
    c.sharedLoadWavefronts += wf;
    c.sharedLoadWavefrontsIdeal += ideal;
  } else if (in.kind == SharedStore) {
    ++c.sharedStoreRequests;
    c.sharedStoreWavefronts += wf;
    c.sharedStoreWavefrontsIdeal += ideal;
  } else {
    ++c.cpAsyncRequests;
    c.cpAsyncWavefronts += wf;
    c.cpAsyncWavefrontsIdeal += ideal;
  }
}

void Worker::record(GpuThread &t, int s, AccessKind kind, uint64_t addr,
                    size_t bytes) {
  if (s < 0 || 2 * static_cast<size_t>(s) + 1 >= t.siteCount.size())
    return;
  bool side = kind == CpAsyncGlobal;
  size_t slot = 2 * static_cast<size_t>(s) + side;
  if (t.siteSync[slot] != t.syncs) {
    t.siteSync[slot] = t.syncs;
    t.siteCount[slot] = 0;
  }
  InstanceKey key{s, side, t.syncs, t.siteCount[slot]++};
  int warp = t.id / 32, lane = t.id % 32;
  Instance &in = instances[warp][key];
  in.kind = kind;
  in.addr[lane] = addr;
  in.bytes[lane] = static_cast<uint16_t>(std::min<size_t>(bytes, 0xffff));
  in.mask |= 1u << lane;
  int warpSize = std::min(32, launch->numThreads - warp * 32);
  if (__builtin_popcount(in.mask) == warpSize) {
    finalize(in);
    instances[warp].erase(key);
  }
}

//===----------------------------------------------------------------------===//
// Memory checks
//===----------------------------------------------------------------------===//

void Worker::sharedAccess(GpuThread &t, size_t offset, size_t n, bool read,
                          bool write, bool pending, int s) {
  uint32_t e = epoch();
  auto me = static_cast<uint16_t>(t.id);
  bool reported = false;
  auto once = [&](ReportKind kind, const std::string &what) {
    if (!reported)
      report(kind, s, t, what);
    reported = true;
  };
  auto range = [&]() {
    return "bytes [" + std::to_string(offset) + ", " +
           std::to_string(offset + n) + ") of shared memory";
  };
  // Bytes a TMA load wrote are visible once the thread waited for its
  // phase.
  if (read && !tmaWrites.empty() &&
      tmaRangeNotVisible(t, static_cast<uint32_t>(offset),
                         static_cast<uint32_t>(n), "a load", s))
    reported = true;
  if (write && overwritesWgmmaRead(t, static_cast<uint32_t>(offset),
                                   static_cast<uint32_t>(n), "a store", s))
    reported = true;
  for (size_t i = offset; i < offset + n; ++i) {
    Shadow &sh = shadow[i];
    if (read) {
      if (sh.state == Pending)
        once(BeforeWait,
             "read of " + range() + " before the cp.async of thread " +
                 std::to_string(sh.writer) +
                 " that writes them completed (no cp.async.wait_group "
                 "covers it)");
      else if (sh.state == Uninit)
        once(Uninitialised, "read of uninitialised shared memory: " +
                                range() + ", never written in this block");
      else if (sh.writeEpoch == e && sh.writer != me &&
               sh.writer != kAsyncWriter && !ordered(t, sh.writer, sh.writeSyncs))
        once(Race, "shared-memory race: " + range() +
                       " read after thread " + std::to_string(sh.writer) +
                       " wrote them with no barrier in between");
      if (sh.readEpoch == e && sh.reader != me)
        sh.reader = kManyReaders;
      else if (sh.readEpoch != e) {
        sh.readEpoch = e;
        sh.reader = me;
        sh.readSyncs = static_cast<uint32_t>(t.syncs);
      }
    }
    if (write) {
      if (sh.writeEpoch == e && sh.writer != me && sh.state != Uninit &&
          sh.writer != kAsyncWriter && !ordered(t, sh.writer, sh.writeSyncs))
        once(Race, "shared-memory race: " + range() + " written after thread " +
                       std::to_string(sh.writer) +
                       " wrote them with no barrier in between");
      else if (sh.readEpoch == e && sh.reader != me &&
               (sh.reader == kManyReaders ||
                !ordered(t, sh.reader, sh.readSyncs)))
        once(Race, "shared-memory race: " + range() + " written after " +
                       (sh.reader == kManyReaders
                            ? std::string("other threads")
                            : "thread " + std::to_string(sh.reader)) +
                       " read them with no barrier in between");
      sh.writeEpoch = e;
      sh.writer = me;
      sh.writeSyncs = static_cast<uint32_t>(t.syncs);
      sh.state = pending ? Pending : Written;
      sh.unfenced = launch->asyncProxyReads;
    }
  }
  if (write && launch->asyncProxyReads) {
    auto &u = t.unfencedStores;
    auto off = static_cast<uint32_t>(offset);
    if (!u.empty() && u.back().first + u.back().second == off)
      u.back().second += static_cast<uint32_t>(n);
    else
      u.push_back({off, static_cast<uint32_t>(n)});
  }
}

void Worker::asyncWrite(uint32_t offset, uint32_t n, uint32_t barrier) {
  for (uint32_t i = offset; i < offset + n; ++i) {
    Shadow &sh = shadow[i];
    sh.state = Written;
    sh.writer = kAsyncWriter;
    sh.writeEpoch = 0;
    sh.unfenced = 0;
  }
  // The new load replaces what earlier ones wrote there.
  tmaWrites.erase(std::remove_if(tmaWrites.begin(), tmaWrites.end(),
                                 [&](const TmaWrite &w) {
                                   return w.offset < offset + n &&
                                          offset < w.offset + w.bytes;
                                 }),
                  tmaWrites.end());
  tmaWrites.push_back({barrier, mbarriers[barrier].phase, offset, n});
}

bool Worker::tmaNotVisible(GpuThread &t, uint32_t offset, const char *who,
                           int s) {
  for (const TmaWrite &w : tmaWrites) {
    if (offset < w.offset || offset >= w.offset + w.bytes)
      continue;
    auto seen = t.observedPhases.find(w.barrier);
    if (seen != t.observedPhases.end() && seen->second > w.phase)
      return false;
    report(BeforeWait, s, t,
           std::string(who) + " reads bytes [" + std::to_string(w.offset) + ", " +
               std::to_string(w.offset + w.bytes) +
               ") of shared memory that a TMA load writes before this "
               "thread waited for phase " +
               std::to_string(w.phase) + " of its mbarrier (shared offset " +
               std::to_string(w.barrier) + ")");
    return true;
  }
  return false;
}

bool Worker::tmaRangeNotVisible(GpuThread &t, uint32_t offset, uint32_t n,
                                const char *who, int s) {
  for (const TmaWrite &w : tmaWrites)
    if (w.offset < offset + n && offset < w.offset + w.bytes &&
        tmaNotVisible(t, std::max(w.offset, offset), who, s))
      return true;
  return false;
}

bool Worker::overwritesWgmmaRead(GpuThread &t, uint32_t offset, uint32_t n,
                                 const char *who, int s) {
  if (wgmmaGroupsInFlight == 0)
    return false;
  for (size_t g = 0; g < wgmmaInFlight.size(); ++g)
    for (const auto &[group, reads] : wgmmaInFlight[g]) {
      // The extent of the overlap, over the group's sorted ranges.
      uint32_t lo = UINT32_MAX, hi = 0;
      for (auto [off, bytes] : reads.ranges)
        if (off < offset + n && offset < off + bytes) {
          lo = std::min(lo, std::max(off, offset));
          hi = std::max(hi, std::min(off + bytes, offset + n));
        }
      if (lo >= hi)
        continue;
      report(Race, s, t,
             std::string(who) + " writes bytes [" + std::to_string(lo) + ", " +
                 std::to_string(hi) +
                 ") of shared memory that the wgmma.mma_async at " +
                 site(reads.site) + " of warpgroup " + std::to_string(g) +
                 " reads, before every thread of the warpgroup retired its "
                 "group with wgmma.wait_group (the multiply may read the "
                 "new bytes)");
      return true;
    }
  return false;
}

bool Worker::asyncRead(GpuThread &t, uint32_t offset, uint32_t n,
                       const char *who, int s) {
  auto range = [&]() {
    return "bytes [" + std::to_string(offset) + ", " +
           std::to_string(offset + n) + ") of shared memory";
  };
  // What TMA loads wrote: visible once the thread waited for their phase.
  if (tmaRangeNotVisible(t, offset, n, who, s))
    return true;
  for (uint32_t i = offset; i < offset + n; ++i) {
    const Shadow &sh = shadow[i];
    if (sh.writer == kAsyncWriter)
      continue;
    if (sh.state == Pending) {
      report(BeforeWait, s, t,
             std::string(who) + " reads " + range() +
                 " before the cp.async that writes them completed");
      return true;
    }
    if (sh.state == Uninit) {
      report(Uninitialised, s, t,
             std::string(who) + " reads uninitialised shared memory: " +
                 range() + ", never written in this block");
      return true;
    }
    if (sh.writeEpoch == epoch() && sh.writer != t.id &&
        !ordered(t, sh.writer, sh.writeSyncs)) {
      report(Race, s, t,
             std::string(who) + " reads " + range() + " after thread " +
                 std::to_string(sh.writer) +
                 " wrote them with no barrier in between");
      return true;
    }
    if (sh.unfenced) {
      report(Race, s, t,
             std::string(who) + " reads " + range() + " that thread " +
                 std::to_string(sh.writer) +
                 " wrote through the generic proxy with no fence.proxy.async "
                 "after it (the async proxy may not see the stores)");
      return true;
    }
  }
  return false;
}

void Worker::phaseCompleted(uint32_t) { runner->wakeParked(); }

std::optional<uint32_t> Worker::sharedOffset(GpuThread &t, const void *p,
                                             size_t n, size_t align,
                                             const char *what, int s) {
  auto *a = static_cast<const uint8_t *>(p);
  uint8_t *lo = arena.data();
  if (a < lo || a + n > lo + sharedSize) {
    report(OutOfBounds, s, t,
           std::string(what) + " outside shared memory (" +
               std::to_string(n) + " bytes at offset " +
               std::to_string(static_cast<int64_t>(a - lo)) + " of a " +
               std::to_string(sharedSize) + "-byte arena)");
    return std::nullopt;
  }
  auto off = static_cast<uint32_t>(a - lo);
  if (off % align != 0) {
    report(Misaligned, s, t,
           std::string(what) + " at shared offset " + std::to_string(off) +
               " is not " + std::to_string(align) + "-byte aligned");
    return std::nullopt;
  }
  return off;
}

const GlobalRegion *Worker::findRegion(uintptr_t p, size_t n) const {
  const auto &regions = launch->regions;
  auto it = std::upper_bound(
      regions.begin(), regions.end(), p,
      [](uintptr_t v, const GlobalRegion &r) { return v < r.base; });
  if (it == regions.begin())
    return nullptr;
  --it;
  if (p + n <= it->base + it->size)
    return &*it;
  return nullptr;
}

/// "N bytes past the end of buffer #i (S bytes)" or similar.
std::string describeStray(const std::vector<GlobalRegion> &regions,
                          uintptr_t p) {
  const GlobalRegion *nearest = nullptr;
  int64_t distance = 0;
  for (const GlobalRegion &r : regions) {
    int64_t d = p < r.base ? static_cast<int64_t>(r.base - p)
                           : static_cast<int64_t>(p - (r.base + r.size));
    if (p >= r.base && p < r.base + r.size)
      d = 0;
    if (!nearest || std::llabs(d) < std::llabs(distance)) {
      nearest = &r;
      distance = d;
    }
  }
  if (!nearest || std::llabs(distance) > (1 << 20))
    return "an address outside every buffer";
  std::ostringstream os;
  if (p < nearest->base)
    os << (nearest->base - p) << " bytes before the start of";
  else if (p >= nearest->base + nearest->size)
    os << (p - nearest->base - nearest->size) << " bytes past the end of";
  else
    os << "offset " << (p - nearest->base) << " (running past the end) of";
  os << " buffer #" << nearest->id << " (" << nearest->size << " bytes)";
  return os.str();
}

uint8_t *Worker::globalAccess(GpuThread &t, uint8_t *p, size_t n, int flags,
                              int s) {
  auto addr = reinterpret_cast<uintptr_t>(p);
  const GlobalRegion *r = findRegion(addr, n);
  if (!r) {
    std::string what = (flags & 2) ? "store" : "load";
    report(OutOfBounds, s, t,
           "out-of-bounds global " + what + " of " + std::to_string(n) +
               " bytes at " + describeStray(launch->regions, addr));
    size_t m = std::min(n, sizeof(t.sink));
    std::memset(t.sink, 0, m);
    return t.sink;
  }
  // Blocks of a launch run in no fixed order: one block writing bytes that
  // another writes or reads is a race (atomics excepted).
  OwnerTable &own = *launch->owners[r - launch->regions.data()];
  const uint32_t me = blockId + 1;
  const bool write = flags & 2, atomic = (flags & 3) == 3;
  uint32_t other = 0;
  bool otherWrote = false;
  constexpr auto relaxed = std::memory_order_relaxed;
  for (size_t i = addr - r->base; i < addr - r->base + n; ++i) {
    ByteOwners &o = own.at(i);
    uint32_t w = o.writer.load(relaxed);
    if (write && w == 0) {
      uint32_t mine = atomic ? kAtomicWriter : me;
      if (o.writer.compare_exchange_strong(w, mine, relaxed))
        w = mine;
    }
    if (atomic)
      continue;
    if (!other && w != 0 && w != me && w != kAtomicWriter) {
      other = w;
      otherWrote = true;
    }
    uint32_t rd = o.reader.load(relaxed);
    if (write) {
      if (!other && rd != 0 && rd != me)
        other = rd;
    } else if (rd == 0) {
      if (!o.reader.compare_exchange_strong(rd, me, relaxed) && rd != me)
        o.reader.store(kManyBlocks, relaxed);
    } else if (rd != me && rd != kManyBlocks) {
      o.reader.store(kManyBlocks, relaxed);
    }
  }
  if (other) {
    const LaunchRequest &req = *launch->req;
    auto block = [&](uint32_t id) {
      if (id == kManyBlocks)
        return std::string("other blocks");
      uint32_t l = id - 1;
      return "block (" + std::to_string(l % req.grid[0]) + "," +
             std::to_string((l / req.grid[0]) % req.grid[1]) + "," +
             std::to_string(l / (req.grid[0] * req.grid[1])) + ")";
    };
    size_t off = addr - r->base;
    report(Race, s, t,
           "global-memory race between blocks: bytes [" +
               std::to_string(off) + ", " + std::to_string(off + n) +
               ") of buffer #" + std::to_string(r->id) + " " +
               (write ? "written" : "read") + " here after " + block(other) +
               " " + (otherWrote ? "wrote" : "read") +
               " them (the blocks of a launch run in no fixed order)");
  }
  return p;
}

void Worker::completeCopies(GpuThread &t, int64_t keepGroups) {
  uint32_t e = epoch();
  int64_t limit = t.committed - keepGroups;
  auto done = [&](const CpAsync &c) { return c.group >= 0 && c.group < limit; };
  for (const CpAsync &c : t.cp) {
    if (!done(c))
      continue;
    if (c.srcBytes > 0)
      std::memcpy(c.dst, c.src, c.srcBytes);
    if (c.size > c.srcBytes)
      std::memset(c.dst + c.srcBytes, 0, c.size - c.srcBytes);
    size_t off = c.dst - arena.data();
    for (size_t i = off; i < off + c.size; ++i) {
      Shadow &sh = shadow[i];
      if (sh.state == Pending && sh.writer == t.id) {
        sh.state = Written;
        sh.writeEpoch = e;
      }
    }
  }
  t.cp.erase(std::remove_if(t.cp.begin(), t.cp.end(), done), t.cp.end());
}

//===----------------------------------------------------------------------===//
// Blocks and grids
//===----------------------------------------------------------------------===//

uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

void Worker::run(uint32_t linear) {
  const LaunchRequest &req = *launch->req;
  ctaid = {linear % req.grid[0], (linear / req.grid[0]) % req.grid[1],
           linear / (req.grid[0] * req.grid[1])};
  blockId = linear;
  std::fill(arena.begin(), arena.begin() + sharedSize, 0xff);
  std::fill(shadow.begin(), shadow.end(), Shadow());
  for (auto &m : instances)
    m.clear();
  size_t sites = req.sites ? req.sites->size() : 0;
  for (GpuThread &t : threads) {
    t.siteCount.assign(2 * sites + 2, 0);
    t.siteSync.assign(2 * sites + 2, 0);
    t.syncs = 0;
    t.cp.clear();
    t.committed = 0;
    t.unfencedStores.clear();
    t.wgmmaCommitted = t.wgmmaRetired = 0;
    t.wgmmaFenced = t.wgmmaOpen = false;
    t.wgmmaSiteGroup.clear();
    t.observedPhases.clear();
    t.bulkCommitted = t.bulkRetired = 0;
  }
  mbarriers.clear();
  tmaWrites.clear();
  wgmmaFootprints.assign((threads.size() + 127) / 128, WgmmaFootprint());
  wgmmaInFlight.assign(wgmmaFootprints.size(), {});
  wgmmaGroupsInFlight = 0;
  setmaxnregThreads.assign(wgmmaFootprints.size(), {});
  registerA.resize((threads.size() + 31) / 32);
  warpgroupRegisters.assign(wgmmaFootprints.size(), 0);
  runner->reseed(mix(req.seed ^ mix(linear)));
  bool ok = runner->run([&](ThreadContext &tc) {
    GpuThread &t = threads[tc.threadId];
    t.tc = &tc;
    current = &t;
    req.entry(const_cast<void **>(req.args.data()));
    current = &t;
    // Copies never waited for land when the thread exits.
    t.committed += 1;
    for (CpAsync &c : t.cp)
      if (c.group < 0)
        c.group = t.committed - 1;
    completeCopies(t, 0);
    if (t.wgmmaOpen || t.wgmmaRetired < t.wgmmaCommitted)
      report(BeforeWait, -1, t,
             "thread exits with wgmma groups in flight (no "
             "wgmma.wait_group 0 after its last wgmma.mma_async)");
    if (t.bulkRetired < t.bulkCommitted)
      report(BeforeWait, -1, t,
             "thread exits with TMA store groups in flight (no "
             "cp.async.bulk.wait_group 0 after its last store)");
    current = nullptr;
  });
  for (auto &[offset, b] : mbarriers)
    if (b.live && b.tx != 0)
      blockReport(BeforeWait, "mbarrier transactions",
                  "the mbarrier at shared offset " + std::to_string(offset) +
                      " ends the block with transaction count " +
                      std::to_string(b.tx) +
                      " (bytes expected and bytes completed never balanced)");
  checkSetmaxnreg();
  for (auto &m : instances)
    for (auto &[key, in] : m)
      finalize(in);
  counters.barriers += runner->barriersCompleted();
  counters.blocks += 1;
  counters.threads += launch->numThreads;
  if (!ok) {
    std::ostringstream os;
    os << "kernel " << req.kernel << ", block (" << ctaid[0] << ","
       << ctaid[1] << "," << ctaid[2] << "): " << runner->lastError();
    std::lock_guard<std::mutex> lock(launch->mutex);
    launch->fatal.push_back(os.str());
    launch->abort = true;
  }
}

void Worker::blockReport(ReportKind kind, const std::string &what,
                         const std::string &message) {
  std::ostringstream os;
  os << "kernel " << launch->req->kernel << ", block (" << ctaid[0] << ","
     << ctaid[1] << "," << ctaid[2] << "): " << message;
  std::lock_guard<std::mutex> lock(launch->mutex);
  Report &r = launch->reports[{kind, what}];
  if (r.count++ == 0)
    r.first = os.str();
}

void Worker::checkSetmaxnreg() {
  bool any = false;
  for (size_t g = 0; g < setmaxnregThreads.size(); ++g) {
    int64_t members =
        std::min<int64_t>(128, launch->numThreads - int64_t(g) * 128);
    for (auto [s, n] : setmaxnregThreads[g]) {
      any = true;
      if (n % members != 0)
        blockReport(AsyncMisuse, "setmaxnreg warpgroup",
                    "setmaxnreg at " + site(s) + ": " + std::to_string(n) +
                        " executions by the " + std::to_string(members) +
                        " threads of warpgroup " + std::to_string(g) +
                        ", not a multiple of " + std::to_string(members) +
                        " (every warp of the warpgroup executes it together)");
    }
  }
  if (!any)
    return;
  // Each warpgroup ends with what it asked for last.
  int64_t atLaunch = launchRegisters();
  int64_t total = 0;
  for (int64_t r : warpgroupRegisters)
    total += 128 * (r ? r : atLaunch);
  if (total > 65536)
    blockReport(AsyncMisuse, "setmaxnreg budget",
                "setmaxnreg: the warpgroups ask for " + std::to_string(total) +
                    " registers in all (" + std::to_string(atLaunch) +
                    " a thread at launch where none is asked for), more than "
                    "the SM's 65536: an increase waits for registers that "
                    "are never released");
}

GpuThread &self() { return *current; }

} // namespace

bool mathAtErrorBound() {
  return current && current->worker->launch->req->mathAtErrorBound;
}

bool runGrid(const LaunchRequest &req, rt::EmulatorCounters &counters,
             std::vector<std::string> &reports) {
  Launch launch;
  launch.req = &req;
  launch.numThreads =
      static_cast<int>(req.block[0] * req.block[1] * req.block[2]);
  launch.regions = req.regions;
  if (req.sites)
    for (const std::string &site : *req.sites)
      if (site.rfind("nvvm.wgmma.mma_async", 0) == 0 ||
          site.rfind("nvvm.cp.async.bulk.tensor.global.shared", 0) == 0)
        launch.asyncProxyReads = true;
  std::sort(launch.regions.begin(), launch.regions.end(),
            [](const GlobalRegion &a, const GlobalRegion &b) {
              return a.base < b.base;
            });
  for (const GlobalRegion &r : launch.regions)
    launch.owners.emplace_back(new OwnerTable(r.size));
  uint64_t gridBlocks =
      static_cast<uint64_t>(req.grid[0]) * req.grid[1] * req.grid[2];
  // Block ids + 1 name the blocks in ByteOwners, below its two markers.
  if (gridBlocks >= kAtomicWriter) {
    counters = rt::EmulatorCounters();
    reports = {"kernel " + req.kernel + ": a grid of " +
               std::to_string(gridBlocks) +
               " blocks is more than the emulator can number"};
    return false;
  }
  if (req.onlyBlocks.empty()) {
    launch.order.resize(gridBlocks);
    for (uint64_t i = 0; i < gridBlocks; ++i)
      launch.order[i] = static_cast<uint32_t>(i);
  } else {
    for (uint64_t b : req.onlyBlocks)
      if (b < gridBlocks)
        launch.order.push_back(static_cast<uint32_t>(b));
    std::sort(launch.order.begin(), launch.order.end());
    launch.order.erase(std::unique(launch.order.begin(), launch.order.end()),
                       launch.order.end());
  }
  uint64_t numBlocks = launch.order.size();
  std::mt19937_64 rng(mix(req.seed));
  std::shuffle(launch.order.begin(), launch.order.end(), rng);

  int numWorkers = std::max(
      1, std::min<int>(req.hostThreads, static_cast<int>(numBlocks)));
  std::vector<std::unique_ptr<Worker>> workers;
  for (int w = 0; w < numWorkers; ++w) {
    auto worker = std::make_unique<Worker>();
    worker->launch = &launch;
    worker->runner = std::make_unique<BlockRunner>(launch.numThreads,
                                                   req.seed, 256 * 1024);
    worker->threads.resize(launch.numThreads);
    for (int i = 0; i < launch.numThreads; ++i) {
      GpuThread &t = worker->threads[i];
      t.id = i;
      t.tid = {static_cast<int>(i % req.block[0]),
               static_cast<int>((i / req.block[0]) % req.block[1]),
               static_cast<int>(i / (req.block[0] * req.block[1]))};
      t.worker = worker.get();
    }
    worker->sharedSize = req.sharedBytes;
    worker->arena.assign(req.sharedBytes + kSharedGuard, 0xff);
    worker->shadow.assign(req.sharedBytes, Shadow());
    worker->instances.resize((launch.numThreads + 31) / 32);
    workers.push_back(std::move(worker));
  }
  auto loop = [&](Worker &w) {
    for (;;) {
      if (launch.abort)
        return;
      int64_t i = launch.next.fetch_add(1);
      if (i >= static_cast<int64_t>(numBlocks))
        return;
      w.run(launch.order[i]);
    }
  };
  if (numWorkers == 1) {
    loop(*workers[0]);
  } else {
    std::vector<std::thread> pool;
    for (auto &w : workers)
      pool.emplace_back([&, wp = w.get()] { loop(*wp); });
    for (std::thread &t : pool)
      t.join();
  }

  counters = rt::EmulatorCounters();
  for (auto &w : workers)
    counters.add(w->counters);
  for (const std::unique_ptr<OwnerTable> &table : launch.owners) {
    auto [read, written] = table->countTouched();
    counters.uniqueBytesRead += read;
    counters.uniqueBytesWritten += written;
  }

  reports = launch.fatal;
  int kept = 0;
  int64_t dropped = 0;
  for (auto &[key, r] : launch.reports) {
    if (kept++ >= req.maxReports) {
      dropped += r.count;
      continue;
    }
    reports.push_back(r.first + (r.count > 1 ? " [" + std::to_string(r.count) +
                                                   " times]"
                                             : std::string()));
  }
  if (dropped)
    reports.push_back("... and " + std::to_string(dropped) + " more reports");
  return reports.empty();
}

} // namespace fused::emu

//===----------------------------------------------------------------------===//
// Hooks called by rewritten kernels
//===----------------------------------------------------------------------===//

using namespace fused::emu;

extern "C" {

int32_t __fused_emu_sreg(int32_t kind) {
  GpuThread &t = self();
  const LaunchRequest &req = *t.worker->launch->req;
  switch (kind) {
  case 0:
  case 1:
  case 2:
    return t.tid[kind];
  case 3:
  case 4:
  case 5:
    return static_cast<int32_t>(req.block[kind - 3]);
  case 6:
  case 7:
  case 8:
    return static_cast<int32_t>(t.worker->ctaid[kind - 6]);
  case 9:
  case 10:
  case 11:
    return static_cast<int32_t>(req.grid[kind - 9]);
  case 12:
    return t.id % 32;
  case 13:
    return t.id / 32;
  default:
    return 32;
  }
}

void *__fused_emu_shared() { return self().worker->arena.data(); }

void *__fused_emu_access(void *p, int64_t bytes, int32_t flags,
                         int32_t site) {
  GpuThread &t = self();
  Worker &w = *t.worker;
  auto *a = static_cast<uint8_t *>(p);
  uint8_t *lo = w.arena.data(), *hi = lo + w.sharedSize;
  auto n = static_cast<size_t>(bytes);
  int64_t align = int64_t(1) << ((flags >> 8) & 0xff);
  bool inShared = a >= lo && a < hi;
  uint64_t offset = inShared ? static_cast<uint64_t>(a - lo)
                             : reinterpret_cast<uint64_t>(a);
  // The PTX instructions of this access (MemoryAccess.h); each needs the
  // alignment of its own width, and the GPU faults without it.
  int64_t piece = fused::rt::widestAccessPiece(bytes, align);
  if (piece > 0 && offset % static_cast<uint64_t>(piece) != 0) {
    w.report(Misaligned, site, t,
             std::string("misaligned ") + (inShared ? "shared" : "global") +
                 " access of " + std::to_string(n) + " bytes at " +
                 (inShared ? "offset " + std::to_string(offset)
                           : std::string("an address")) +
                 " that is " + std::to_string(offset % piece) +
                 " bytes past a multiple of " + std::to_string(piece) +
                 " (its PTX accesses " + std::to_string(piece) +
                 " bytes at a time and needs " + std::to_string(piece) +
                 "-byte alignment)");
    std::memset(t.sink, 0, std::min(n, sizeof(t.sink)));
    return t.sink;
  }
  auto recordPieces = [&](AccessKind kind, uint64_t base) {
    fused::rt::forEachAccessPiece(bytes, align, [&](int64_t off, int64_t width) {
      w.record(t, site, kind, base + off, static_cast<size_t>(width));
    });
  };
  if (inShared) {
    if (a + n > hi) {
      w.report(OutOfBounds, site, t,
               "out-of-bounds shared-memory access of " +
                   std::to_string(n) + " bytes at offset " +
                   std::to_string(a - lo) + " of a " +
                   std::to_string(w.sharedSize) + "-byte arena");
      std::memset(t.sink, 0, std::min(n, sizeof(t.sink)));
      return t.sink;
    }
    w.sharedAccess(t, a - lo, n, flags & 1, flags & 2, false, site);
    recordPieces((flags & 2) ? SharedStore : SharedLoad,
                 static_cast<uint64_t>(a - lo));
    // Another thread may run first: the seed decides.
    w.runner->maybeYield(*t.tc, kSwitchOneIn);
    current = &t;
    return p;
  }
  if ((a + n > lo - 4096 && a < lo && !w.nearRegion(uintptr_t(a))) ||
      (a >= hi && a < hi + kSharedGuard)) {
    // Just before the arena or in its guard: an out-of-bounds
    // shared-memory access.
    int64_t off = a - lo;
    w.report(OutOfBounds, site, t,
             "out-of-bounds shared-memory access of " + std::to_string(n) +
                 " bytes at offset " + std::to_string(off) + " of a " +
                 std::to_string(w.sharedSize) + "-byte arena");
    std::memset(t.sink, 0, std::min(n, sizeof(t.sink)));
    return t.sink;
  }
  uint8_t *q = w.globalAccess(t, a, n, flags, site);
  if (q == a)
    recordPieces((flags & 2) ? GlobalStore : GlobalLoad,
                 reinterpret_cast<uint64_t>(a));
  return q;
}

void __fused_emu_barrier(int32_t site) {
  (void)site;
  GpuThread &t = self();
  t.worker->runner->barrier(*t.tc);
  current = &t;
  ++t.syncs;
}

void __fused_emu_cp_async(void *dst, void *src, int32_t size,
                          int32_t srcBytes, int32_t site) {
  GpuThread &t = self();
  Worker &w = *t.worker;
  srcBytes = std::clamp(srcBytes, 0, size);
  auto *d = static_cast<uint8_t *>(dst);
  auto *s = static_cast<uint8_t *>(src);
  uint8_t *lo = w.arena.data(), *hi = lo + w.sharedSize;
  // Both addresses of a cp.async must be aligned to its size.
  uint64_t unit = static_cast<uint64_t>(std::max(size, 1));
  uint64_t srcMis = reinterpret_cast<uintptr_t>(s) % unit;
  uint64_t dstMis =
      d >= lo && d < hi ? static_cast<uint64_t>(d - lo) % unit : 0;
  if (srcMis || dstMis) {
    w.report(Misaligned, site, t,
             "misaligned cp.async of " + std::to_string(size) + " bytes: " +
                 (srcMis ? "global source " + std::to_string(srcMis) +
                               " bytes past a multiple of " +
                               std::to_string(size)
                         : "shared destination at offset " +
                               std::to_string(d - lo)) +
                 " (cp.async needs both addresses aligned to its size)");
    return;
  }
  if (srcBytes > 0) {
    uint8_t *q = w.globalAccess(t, s, srcBytes, 1, site);
    if (q == s)
      w.record(t, site, CpAsyncGlobal, reinterpret_cast<uint64_t>(s),
               srcBytes);
    s = q;
  }
  if (d < lo || d + size > hi) {
    w.report(OutOfBounds, site, t,
             "cp.async of " + std::to_string(size) +
                 " bytes outside shared memory");
    return;
  }
  w.sharedAccess(t, d - lo, size, false, true, true, site);
  w.record(t, site, CpAsyncShared, static_cast<uint64_t>(d - lo), size);
  w.counters.cpAsyncBytes += size;
  t.cp.push_back({d, s, size, srcBytes, -1});
  w.runner->maybeYield(*t.tc, kSwitchOneIn);
  current = &t;
}

void __fused_emu_cp_commit(int32_t) {
  GpuThread &t = self();
  for (CpAsync &c : t.cp)
    if (c.group < 0)
      c.group = t.committed;
  // An empty group still counts, as in PTX.
  t.committed += 1;
}

void __fused_emu_cp_wait(int32_t n, int32_t) {
  GpuThread &t = self();
  t.worker->completeCopies(t, n);
}

void __fused_emu_ldmatrix(void *p, int32_t num, int32_t trans, void *out,
                          int32_t site) {
  GpuThread &t = self();
  Worker &w = *t.worker;
  alignas(8) uint8_t payload[64] = {};
  std::memcpy(payload, &p, sizeof(p));
  int base = t.tc->warpId * 32;
  w.runner->warpCollective(*t.tc, site, payload, [&](WarpPayloads &lanes) {
    std::array<std::array<uint16_t, 8>, kWarpSize> rows{};
    Instance in;
    in.kind = SharedLoad;
    uint8_t *lo = w.arena.data();
    for (int lane = 0; lane < 8 * num && lane < 32; ++lane) {
      uint8_t *row;
      std::memcpy(&row, lanes[lane].data(), sizeof(row));
      GpuThread &owner = w.threads[base + lane];
      if (row < lo || row + 16 > lo + w.sharedSize) {
        w.report(OutOfBounds, site, owner,
                 "ldmatrix row address outside shared memory");
        continue;
      }
      if ((row - lo) % 16 != 0) {
        w.report(Misaligned, site, owner,
                 "misaligned ldmatrix row address: shared offset " +
                     std::to_string(row - lo) +
                     " (each row address needs 16-byte alignment)");
        continue;
      }
      w.sharedAccess(owner, row - lo, 16, true, false, false, site);
      std::memcpy(rows[lane].data(), row, 16);
      in.mask |= 1u << lane;
      in.addr[lane] = static_cast<uint64_t>(row - lo);
      in.bytes[lane] = 16;
    }
    std::array<std::array<uint32_t, 4>, kWarpSize> regs{};
    if (!ldmatrix(num, trans != 0, rows, regs))
      w.report(Collective, site, w.threads[base],
               "ldmatrix with " + std::to_string(num) + " matrices");
    for (int lane = 0; lane < 32; ++lane)
      std::memcpy(lanes[lane].data(), regs[lane].data(), 16);
    auto [wf, ideal] = wavefronts(in, 0, 8 * num, 8);
    ++w.counters.ldmatrixRequests;
    w.counters.ldmatrixWavefronts += wf;
    w.counters.ldmatrixWavefrontsIdeal += ideal;
  });
  current = &t;
  ++t.syncs;
  std::memcpy(out, payload, 4 * std::clamp(num, 0, 4));
}

void __fused_emu_mma(void *regs, int32_t type, int32_t site) {
  GpuThread &t = self();
  Worker &w = *t.worker;
  alignas(8) uint8_t payload[64] = {};
  std::memcpy(payload, regs, 40);
  w.runner->warpCollective(*t.tc, site, payload, [&](WarpPayloads &lanes) {
    std::array<std::array<uint32_t, 4>, kWarpSize> a{};
    std::array<std::array<uint32_t, 2>, kWarpSize> b{};
    std::array<std::array<float, 4>, kWarpSize> c{}, d{};
    for (int lane = 0; lane < 32; ++lane) {
      std::memcpy(a[lane].data(), lanes[lane].data(), 16);
      std::memcpy(b[lane].data(), lanes[lane].data() + 16, 8);
      std::memcpy(c[lane].data(), lanes[lane].data() + 24, 16);
    }
    mmaM16N8K16(type == 1 ? MmaType::BF16 : MmaType::F16, a, b, c, d);
    for (int lane = 0; lane < 32; ++lane)
      std::memcpy(lanes[lane].data() + 24, d[lane].data(), 16);
    ++w.counters.mmaOps;
    w.counters.mmaFlops += 2 * 16 * 8 * 16;
  });
  current = &t;
  ++t.syncs;
  std::memcpy(static_cast<uint8_t *>(regs) + 24, payload + 24, 16);
}

int32_t __fused_emu_shfl(int32_t mode, int32_t mask, int32_t value, int32_t b,
                         int32_t c, void *predOut, int32_t site) {
  GpuThread &t = self();
  Worker &w = *t.worker;
  alignas(8) uint8_t payload[64] = {};
  int32_t in[4] = {value, b, c, mask};
  std::memcpy(payload, in, sizeof(in));
  int base = t.tc->warpId * 32;
  w.runner->warpCollective(*t.tc, site, payload, [&](WarpPayloads &lanes) {
    std::array<uint32_t, kWarpSize> v{}, bs{}, cs{}, out{};
    std::array<bool, kWarpSize> pred{};
    uint32_t member = 0;
    for (int lane = 0; lane < 32; ++lane) {
      uint32_t f[4];
      std::memcpy(f, lanes[lane].data(), sizeof(f));
      v[lane] = f[0];
      bs[lane] = f[1];
      cs[lane] = f[2];
      member |= f[3];
    }
    if (!shfl(static_cast<ShflMode>(mode), v, bs, cs, member, out, pred))
      w.report(Collective, site, w.threads[base],
               "shfl.sync reads a lane outside its member mask");
    for (int lane = 0; lane < 32; ++lane) {
      uint32_t f[2] = {out[lane], pred[lane] ? 1u : 0u};
      std::memcpy(lanes[lane].data(), f, sizeof(f));
    }
  });
  current = &t;
  ++t.syncs;
  int32_t result[2];
  std::memcpy(result, payload, sizeof(result));
  std::memcpy(predOut, &result[1], 4);
  return result[0];
}

int32_t __fused_emu_vote(int32_t mode, int32_t mask, int32_t pred,
                         int32_t site) {
  GpuThread &t = self();
  Worker &w = *t.worker;
  alignas(8) uint8_t payload[64] = {};
  int32_t in[2] = {pred, mask};
  std::memcpy(payload, in, sizeof(in));
  w.runner->warpCollective(*t.tc, site, payload, [&](WarpPayloads &lanes) {
    std::array<bool, kWarpSize> p{};
    uint32_t member = 0;
    for (int lane = 0; lane < 32; ++lane) {
      int32_t f[2];
      std::memcpy(f, lanes[lane].data(), sizeof(f));
      p[lane] = f[0] != 0;
      member |= static_cast<uint32_t>(f[1]);
    }
    uint32_t r = vote(static_cast<VoteMode>(mode), p, member);
    for (int lane = 0; lane < 32; ++lane)
      std::memcpy(lanes[lane].data(), &r, 4);
  });
  current = &t;
  ++t.syncs;
  int32_t r;
  std::memcpy(&r, payload, 4);
  return r;
}

} // extern "C"

//===----------------------------------------------------------------------===//
// Hopper: mbarriers, TMA, wgmma (semantics in Hopper.h)
//===----------------------------------------------------------------------===//

namespace {

/// The mbarrier at `bar`, or a report and null.
MBarrier *mbarrierAt(GpuThread &t, void *bar, int32_t site, uint32_t *off) {
  Worker &w = *t.worker;
  std::optional<uint32_t> o = w.sharedOffset(t, bar, 8, 8, "mbarrier", site);
  if (!o)
    return nullptr;
  *off = *o;
  return &w.mbarriers[*o];
}

void reportMbarrier(GpuThread &t, int32_t site, uint32_t off,
                    const std::string &e) {
  t.worker->report(AsyncMisuse, site, t,
                   e + " (mbarrier at shared offset " + std::to_string(off) +
                       ")");
}

/// Adds `delta` to the transaction count of the mbarrier `b` at shared
/// offset `off` (expect-tx or complete-tx); a phase it completes wakes the
/// waiting threads. False after a report.
bool addTx(GpuThread &t, MBarrier &b, uint32_t off, int64_t delta,
           int32_t site) {
  bool done = false;
  if (std::string e = mbarrierAddTx(b, delta, &done); !e.empty()) {
    reportMbarrier(t, site, off, e);
    return false;
  }
  if (done)
    t.worker->phaseCompleted(off);
  return true;
}

/// The index of the kernel argument whose storage is `p` (a tensor map
/// passed by value), or -1.
int argumentIndex(const Worker &w, const void *p) {
  const auto &args = w.launch->req->args;
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i] == p)
      return static_cast<int>(i);
  return -1;
}

/// The tensor map at `map` if it is one whose whole extent lies in a
/// buffer of the launch; else a report and null.
const TensorMap *tensorMapAt(GpuThread &t, void *map, int32_t rank,
                             int32_t site) {
  Worker &w = *t.worker;
  const auto *m = static_cast<const TensorMap *>(map);
  if (m->magic != kTensorMapMagic) {
    w.report(AsyncMisuse, site, t,
             "TMA copy with an operand that is not a tensor map encoded for "
             "the emulator");
    return nullptr;
  }
  if (m->rank != rank) {
    w.report(AsyncMisuse, site, t,
             "TMA copy with " + std::to_string(rank) +
                 " coordinates through a tensor map of rank " +
                 std::to_string(m->rank));
    return nullptr;
  }
  if (!w.findRegion(m->globalAddress, tensorMapExtent(*m))) {
    w.report(OutOfBounds, site, t,
             "tensor map reaching " + std::to_string(tensorMapExtent(*m)) +
                 " bytes from " +
                 describeStray(w.launch->regions, m->globalAddress) +
                 ", beyond the buffers of the launch");
    return nullptr;
  }
  return m;
}

} // namespace

extern "C" {

void __fused_emu_mbarrier_init(void *bar, int32_t count, int32_t site) {
  GpuThread &t = self();
  uint32_t off;
  MBarrier *b = mbarrierAt(t, bar, site, &off);
  if (!b)
    return;
  if (std::string e = mbarrierInit(*b, count); !e.empty()) {
    reportMbarrier(t, site, off, e);
    return;
  }
  // A new barrier: its phases count from 0 again.
  Worker &w = *t.worker;
  for (GpuThread &other : w.threads)
    other.observedPhases.erase(off);
  w.tmaWrites.erase(std::remove_if(w.tmaWrites.begin(), w.tmaWrites.end(),
                                   [&](const TmaWrite &x) {
                                     return x.barrier == off;
                                   }),
                    w.tmaWrites.end());
}

void __fused_emu_mbarrier_inval(void *bar, int32_t site) {
  GpuThread &t = self();
  uint32_t off;
  if (MBarrier *b = mbarrierAt(t, bar, site, &off))
    if (std::string e = mbarrierInval(*b); !e.empty())
      reportMbarrier(t, site, off, e);
}

int64_t __fused_emu_mbarrier_arrive(void *bar, int32_t count, int64_t tx,
                                    int32_t site) {
  GpuThread &t = self();
  Worker &w = *t.worker;
  uint32_t off;
  MBarrier *b = mbarrierAt(t, bar, site, &off);
  if (!b)
    return 0;
  if (tx && !addTx(t, *b, off, tx, site))
    return 0;
  bool done = false;
  uint32_t phase = 0;
  if (std::string e = mbarrierArrive(*b, count, &done, &phase); !e.empty())
    reportMbarrier(t, site, off, e);
  else if (done)
    w.phaseCompleted(off);
  w.runner->maybeYield(*t.tc, kSwitchOneIn);
  current = &t;
  return phase;
}

void __fused_emu_mbarrier_tx(void *bar, int64_t delta, int32_t site) {
  GpuThread &t = self();
  uint32_t off;
  if (MBarrier *b = mbarrierAt(t, bar, site, &off))
    addTx(t, *b, off, delta, site);
}

void __fused_emu_mbarrier_wait(void *bar, int32_t parity, int32_t site) {
  GpuThread &t = self();
  Worker &w = *t.worker;
  uint32_t off;
  if (!mbarrierAt(t, bar, site, &off))
    return;
  ++w.counters.mbarrierWaits;
  for (;;) {
    const MBarrier &b = w.mbarriers[off];
    if (!b.live) {
      reportMbarrier(t, site, off, "wait on an mbarrier that is not "
                                   "initialised");
      return;
    }
    if (mbarrierParityDone(b, static_cast<uint32_t>(parity))) {
      uint32_t &seen = t.observedPhases[off];
      seen = std::max(seen, b.phase);
      return;
    }
    w.runner->park(*t.tc, "the mbarrier at shared offset " +
                              std::to_string(off) + " (phase parity " +
                              std::to_string(parity & 1) + ", at " +
                              w.site(site) + ")");
    current = &t;
  }
}

void __fused_emu_tma_load(void *dst, void *map, void *coords, int32_t rank,
                          void *bar, int32_t site) {
  GpuThread &t = self();
  Worker &w = *t.worker;
  const TensorMap *m = tensorMapAt(t, map, rank, site);
  if (!m)
    return;
  uint32_t bytes = static_cast<uint32_t>(tensorMapBoxBytes(*m));
  std::optional<uint32_t> to =
      w.sharedOffset(t, dst, bytes, 128, "TMA load destination", site);
  uint32_t barOff;
  MBarrier *b = mbarrierAt(t, bar, site, &barOff);
  if (!to || !b)
    return;
  std::vector<std::pair<uint64_t, uint64_t>> runs;
  std::string e = tmaLoad(*m, static_cast<const int32_t *>(coords),
                          w.arena.data(), w.sharedSize, *to, &runs);
  if (!e.empty()) {
    w.report(AsyncMisuse, site, t, e);
    return;
  }
  for (auto [addr, n] : runs)
    w.globalAccess(t, reinterpret_cast<uint8_t *>(addr), n, 1, site);
  w.overwritesWgmmaRead(t, *to, bytes, "a TMA load", site);
  w.asyncWrite(*to, bytes, barOff);
  w.counters.tmaLoadBytes += bytes;
  w.counters.tmaBytesByTensor[argumentIndex(w, map)] += bytes;
  addTx(t, *b, barOff, -int64_t(bytes), site);
}

void __fused_emu_tma_store(void *map, void *src, void *coords, int32_t rank,
                           int32_t site) {
  GpuThread &t = self();
  Worker &w = *t.worker;
  const TensorMap *m = tensorMapAt(t, map, rank, site);
  if (!m)
    return;
  uint32_t bytes = static_cast<uint32_t>(tensorMapBoxBytes(*m));
  std::optional<uint32_t> from =
      w.sharedOffset(t, src, bytes, 128, "TMA store source", site);
  if (!from)
    return;
  w.asyncRead(t, *from, bytes, "a TMA store", site);
  std::vector<std::pair<uint64_t, uint64_t>> runs;
  std::string e = tmaStore(*m, static_cast<const int32_t *>(coords),
                           w.arena.data(), w.sharedSize, *from, &runs);
  if (!e.empty()) {
    w.report(AsyncMisuse, site, t, e);
    return;
  }
  for (auto [addr, n] : runs)
    w.globalAccess(t, reinterpret_cast<uint8_t *>(addr), n, 2, site);
  w.counters.tmaStoreBytes += bytes;
  w.counters.tmaBytesByTensor[argumentIndex(w, map)] += bytes;
}

void __fused_emu_bulk_commit(int32_t) { ++self().bulkCommitted; }

void __fused_emu_bulk_wait(int32_t n, int32_t) {
  GpuThread &t = self();
  t.bulkRetired = std::max(t.bulkRetired, t.bulkCommitted - n);
}

void __fused_emu_fence(int32_t kind, int32_t) {
  GpuThread &t = self();
  // fence.mbarrier_init orders barrier initialisation, which the emulator
  // makes visible at once.
  if (kind != 0)
    return;
  Worker &w = *t.worker;
  auto me = static_cast<uint16_t>(t.id);
  for (auto [off, n] : t.unfencedStores)
    for (uint32_t i = off; i < off + n && i < w.sharedSize; ++i)
      if (w.shadow[i].writer == me)
        w.shadow[i].unfenced = 0;
  t.unfencedStores.clear();
}

void __fused_emu_wgmma_fence(int32_t) { self().wgmmaFenced = true; }

namespace {

/// The checks every wgmma starts with: a whole warpgroup, a fence since the
/// accumulators were last read. False when the instruction cannot run.
bool wgmmaIssuable(GpuThread &t, int32_t site) {
  Worker &w = *t.worker;
  if ((t.id / 128 + 1) * 128 > w.launch->numThreads) {
    w.report(AsyncMisuse, site, t,
             "wgmma.mma_async by a thread whose warpgroup has fewer than 128 "
             "threads (block of " +
                 std::to_string(w.launch->numThreads) + ")");
    return false;
  }
  if (!t.wgmmaFenced)
    w.report(AsyncMisuse, site, t,
             "wgmma.mma_async with no wgmma.fence since the thread last "
             "read its accumulators (or at all)");
  return true;
}

/// The operands of a wgmma hook's `flags` (bit 0 bf16, 1 A MN-major, 2 B
/// MN-major, 3 scale-d, 4 negate A, 5 negate B), N and B's descriptor.
WgmmaOperands wgmmaOperands(int32_t n, int32_t flags, int64_t descB) {
  WgmmaOperands op;
  op.type = (flags & 1) ? WgmmaType::BF16 : WgmmaType::F16;
  op.n = n;
  op.descB = static_cast<uint64_t>(descB);
  op.transA = flags & 2;
  op.transB = flags & 4;
  op.scaleD = flags & 8;
  op.scaleA = (flags & 16) ? -1 : 1;
  op.scaleB = (flags & 32) ? -1 : 1;
  return op;
}

/// Runs a wgmma for thread `t` into its accumulators `acc`: the operands'
/// shared bytes (computed and checked, initialised and fenced, once per
/// warpgroup instruction; whether the thread waited for the TMA loads that
/// wrote them, for every thread), the multiply, the group it belongs to.
void runWgmma(GpuThread &t, const WgmmaOperands &op, float *acc,
              const std::array<int64_t, 4> &key, int32_t site) {
  Worker &w = *t.worker;
  bool first = t.id % 128 == 0;
  Worker::WgmmaFootprint &fp = w.wgmmaFootprints[t.id / 128];
  if (fp.key != key) {
    fp.ranges.clear();
    fp.key = {-1, -1, -1, -1};
    if (std::string e = wgmmaFootprint(op, w.sharedSize, fp.ranges);
        !e.empty()) {
      w.report(AsyncMisuse, site, t, e);
      return;
    }
    fp.key = key;
    for (auto [off, bytes] : fp.ranges)
      if (w.asyncRead(t, off, bytes, "wgmma", site))
        break; // One report per instruction.
  } else {
    for (auto [off, bytes] : fp.ranges)
      if (w.tmaRangeNotVisible(t, off, bytes, "wgmma", site))
        break; // One report per instruction.
  }
  std::string e =
      wgmmaThread(op, w.arena.data(), w.sharedSize, t.id % 128, acc);
  if (!e.empty()) {
    w.report(AsyncMisuse, site, t, e);
    return;
  }
  Worker::WgmmaReads &reads = w.wgmmaInFlight[t.id / 128][t.wgmmaCommitted];
  if (reads.keys.empty()) {
    reads.site = site;
    ++w.wgmmaGroupsInFlight;
  }
  if (std::find(reads.keys.begin(), reads.keys.end(), key) ==
      reads.keys.end()) {
    reads.keys.push_back(key);
    reads.ranges.insert(reads.ranges.end(), fp.ranges.begin(),
                        fp.ranges.end());
  }
  t.wgmmaOpen = true;
  t.wgmmaSiteGroup[site] = t.wgmmaCommitted;
  if (first) {
    ++w.counters.wgmmaOps;
    w.counters.wgmmaFlops += int64_t(2) * 64 * op.n * 16;
  }
}

} // namespace

void __fused_emu_wgmma(void *acc, int64_t descA, int64_t descB, int32_t n,
                       int32_t flags, int32_t site) {
  GpuThread &t = self();
  if (!wgmmaIssuable(t, site))
    return;
  WgmmaOperands op = wgmmaOperands(n, flags, descB);
  op.descA = static_cast<uint64_t>(descA);
  runWgmma(t, op, static_cast<float *>(acc),
           {site, descA, descB, (int64_t(n) << 8) | flags}, site);
}

void __fused_emu_wgmma_rega(void *acc, void *a, int64_t descB, int32_t n,
                            int32_t flags, int32_t site) {
  GpuThread &t = self();
  Worker &w = *t.worker;
  if (!wgmmaIssuable(t, site))
    return;
  WgmmaOperands op = wgmmaOperands(n, flags, descB);
  // The warp's 16 rows of A from its lanes' fragments (the rows of D the
  // warp computes are those rows): a warp rendezvous.
  alignas(8) uint8_t payload[64] = {};
  std::memcpy(payload, a, 16);
  float *rows = w.registerA[t.id / 32].data();
  w.runner->warpCollective(*t.tc, site, payload, [&](WarpPayloads &lanes) {
    for (int lane = 0; lane < 32; ++lane)
      for (int e = 0; e < 8; ++e) {
        uint16_t bits;
        std::memcpy(&bits, lanes[lane].data() + 2 * e, 2);
        int row, k;
        wgmmaRegisterAPosition(lane, e, &row, &k);
        rows[row * 16 + k] =
            op.type == WgmmaType::F16 ? ::fused::rt::halfToFloat(bits)
                                      : ::fused::rt::bf16ToFloat(bits);
      }
  });
  current = &t;
  ++t.syncs;
  op.registerA = rows;
  runWgmma(t, op, static_cast<float *>(acc),
           {site, 0, descB, (int64_t(n) << 8) | flags | 64}, site);
}

void __fused_emu_wgmma_commit(int32_t) {
  GpuThread &t = self();
  ++t.wgmmaCommitted;
  t.wgmmaOpen = false;
}

void __fused_emu_wgmma_wait(int32_t n, int32_t) {
  GpuThread &t = self();
  Worker &w = *t.worker;
  int64_t retired = std::max(t.wgmmaRetired, t.wgmmaCommitted - n);
  auto &groups = w.wgmmaInFlight[t.id / 128];
  int members = std::min(128, w.launch->numThreads - t.id / 128 * 128);
  for (int64_t g = t.wgmmaRetired; g < retired; ++g) {
    auto it = groups.find(g);
    if (it != groups.end() && ++it->second.retired == members) {
      groups.erase(it);
      --w.wgmmaGroupsInFlight;
    }
  }
  t.wgmmaRetired = retired;
}

void __fused_emu_wgmma_read(int32_t producer, int32_t site) {
  GpuThread &t = self();
  Worker &w = *t.worker;
  // Reading accumulators is a register access: the next wgmma needs a
  // fence.
  t.wgmmaFenced = false;
  auto it = t.wgmmaSiteGroup.find(producer);
  if (it == t.wgmmaSiteGroup.end())
    return;
  int64_t group = it->second;
  bool open = t.wgmmaOpen && group == t.wgmmaCommitted;
  if (open || group >= t.wgmmaRetired)
    w.report(BeforeWait, site, t,
             "accumulators of the wgmma.mma_async at " + w.site(producer) +
                 " read before a wgmma.wait_group retired it");
}

int32_t __fused_emu_elect(int32_t mask, int32_t site) {
  GpuThread &t = self();
  Worker &w = *t.worker;
  alignas(8) uint8_t payload[64] = {};
  std::memcpy(payload, &mask, 4);
  w.runner->warpCollective(*t.tc, site, payload, [&](WarpPayloads &lanes) {
    uint32_t member = 0;
    for (int lane = 0; lane < 32; ++lane) {
      uint32_t m;
      std::memcpy(&m, lanes[lane].data(), 4);
      member |= m;
    }
    // The PTX ISA promises one leader among the member lanes; the emulator
    // picks the lowest.
    int leader = member ? __builtin_ctz(member) : -1;
    for (int lane = 0; lane < 32; ++lane) {
      int32_t r = lane == leader ? 1 : 0;
      std::memcpy(lanes[lane].data(), &r, 4);
    }
  });
  current = &t;
  ++t.syncs;
  int32_t r;
  std::memcpy(&r, payload, 4);
  return r;
}

namespace {
std::string hex32(int32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%08x", static_cast<uint32_t>(v));
  return buf;
}
} // namespace

void __fused_emu_warp_sync(int32_t mask, int32_t site) {
  GpuThread &t = self();
  Worker &w = *t.worker;
  int lanes = std::min(32, w.launch->numThreads - t.id / 32 * 32);
  uint32_t full = lanes == 32 ? 0xffffffffu : (1u << lanes) - 1;
  if (static_cast<uint32_t>(mask) != full)
    w.report(Collective, site, t,
             "bar.warp.sync with member mask " + hex32(mask) +
                 ": the emulator runs it for every lane of the warp only (" +
                 hex32(full) + ")");
  alignas(8) uint8_t payload[64] = {};
  w.runner->warpCollective(*t.tc, site, payload, [](WarpPayloads &) {});
  current = &t;
  ++t.syncs;
}

void __fused_emu_setmaxnreg(int32_t count, int32_t increase, int32_t site) {
  GpuThread &t = self();
  Worker &w = *t.worker;
  if (count < 24 || count > 256 || count % 8 != 0)
    w.report(AsyncMisuse, site, t,
             "setmaxnreg to " + std::to_string(count) +
                 " registers (a multiple of 8 from 24 to 256)");
  int64_t &now = w.warpgroupRegisters[t.id / 128];
  int64_t before = now ? now : w.launchRegisters();
  if (increase ? count < before : count > before)
    w.report(AsyncMisuse, site, t,
             std::string("setmaxnreg.") + (increase ? "inc" : "dec") +
                 " to " + std::to_string(count) +
                 " registers from " + std::to_string(before) +
                 (increase ? " (an increase cannot lower the count)"
                           : " (a decrease cannot raise the count)"));
  // The warpgroup's count changes once all its threads executed it.
  if (++w.setmaxnregThreads[t.id / 128][site] % 128 == 0)
    now = count;
}

} // extern "C"
