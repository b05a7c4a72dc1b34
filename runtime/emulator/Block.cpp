//===- Block.cpp - one GPU thread block run as fibers ---------------------===//
//
// Fibers run on mmap'ed stacks. On x86-64 Linux a switch saves the
// callee-saved registers and the floating-point control words on the stack
// and swaps stack pointers (a few nanoseconds); elsewhere it falls back to
// ucontext, whose swapcontext also saves the signal mask with a system call.
// Every switch goes through
// the scheduler loop in run(): a fiber at a switch point saves its context
// and returns to the loop, which draws the next fiber from the ready set
// with a std::mt19937_64. A rendezvous (barrier or warp collective) is
// completed by its last arrival, which makes all participants ready again.
// When the ready set runs dry while threads are still blocked, the loop
// writes a report of who waits where and who has exited.
//
//===----------------------------------------------------------------------===//

#include "emulator/Block.h"

#include <algorithm>
#include <cstring>
#include <random>
#include <sstream>
#include <vector>

#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

namespace fused::emu {
namespace {

constexpr int kLanes = 32;

enum class FiberStatus {
  Ready,
  Running,
  AtBarrier,
  AtCollective,
  Parked,
  Exited
};

#if defined(__x86_64__) && defined(__linux__)
#define FUSED_EMU_ASM_SWITCH 1
#endif

// Under ThreadSanitizer each fiber is announced as one (its own stack and
// happens-before order: a switch orders what the fiber left behind before
// what the next one does).
#if defined(__SANITIZE_THREAD__)
#define FUSED_EMU_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define FUSED_EMU_TSAN 1
#endif
#endif
#ifdef FUSED_EMU_TSAN
extern "C" {
void *__tsan_get_current_fiber(void);
void *__tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void *fiber);
void __tsan_switch_to_fiber(void *fiber, unsigned flags);
}
#endif

#ifdef FUSED_EMU_ASM_SWITCH
extern "C" void fused_emu_switch(void **save, void *next);
extern "C" void fused_emu_fiber_start();
// fused_emu_switch(save, next): pushes the callee-saved registers and the
// MXCSR / x87 control words, stores the stack pointer to *save, loads
// `next` and pops the same from there. fused_emu_fiber_start is where a new
// fiber's first switch returns to: it calls r13(r12).
asm(R"(
  .text
  .globl fused_emu_switch
  .type fused_emu_switch,@function
fused_emu_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr (%rsp)
  fldcw 4(%rsp)
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size fused_emu_switch, .-fused_emu_switch

  .globl fused_emu_fiber_start
  .type fused_emu_fiber_start,@function
fused_emu_fiber_start:
  movq %r12, %rdi
  callq *%r13
  ud2
  .size fused_emu_fiber_start, .-fused_emu_fiber_start
)");
#endif

struct Fiber {
#ifdef FUSED_EMU_ASM_SWITCH
  void *sp = nullptr;
#else
  ucontext_t ctx;
#endif
  ThreadContext tc;
  FiberStatus status = FiberStatus::Ready;
#ifdef FUSED_EMU_TSAN
  void *tsanFiber = nullptr;
#endif
  /// Where to write the lane's payload back once its collective completes.
  void *payload = nullptr;
  /// What a parked fiber waits for.
  std::string parkedOn;
  detail::BlockState *owner = nullptr;
};

struct WarpState {
  int size = 0;
  int arrived = 0;
  int collectiveId = 0;
  WarpPayloads payloads{};
};

/// "0-3, 7, 9-10" for a sorted list of ids.
std::string formatIds(const std::vector<int> &ids) {
  std::ostringstream os;
  for (size_t i = 0; i < ids.size();) {
    size_t j = i;
    while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1)
      ++j;
    if (i)
      os << ", ";
    os << ids[i];
    if (j > i)
      os << '-' << ids[j];
    i = j + 1;
  }
  return os.str();
}

/// "thread 5" or "threads 0-3, 7".
std::string plural(const char *noun, const std::vector<int> &ids) {
  return std::string(noun) + (ids.size() == 1 ? " " : "s ") + formatIds(ids);
}

/// " waits" or " wait", agreeing with the number of ids.
const char *verb(const std::vector<int> &ids) {
  return ids.size() == 1 ? " waits" : " wait";
}

} // namespace

namespace detail {

struct BlockState {
  int numThreads;
  uint64_t seed;
  size_t stackBytes;
  std::mt19937_64 rng;
  std::vector<Fiber> fibers;
  /// Mapped stacks (guard page included), kept across runs.
  std::vector<std::pair<char *, size_t>> stacks;
  std::vector<int> ready;
  std::vector<WarpState> warps;
#ifdef FUSED_EMU_ASM_SWITCH
  void *schedulerSp = nullptr;
#else
  ucontext_t schedulerCtx;
#endif
  const std::function<void(ThreadContext &)> *body = nullptr;
  int current = -1;
  int exited = 0;
  int barrierArrived = 0;
  int64_t barriersCompleted = 0;
  bool failed = false;
  std::string error;

  /// The fiber now running, or null when called from outside a fiber of
  /// this block.
  Fiber *running(const ThreadContext &t) {
    if (current < 0 || t.threadId != current)
      return nullptr;
    return &fibers[current];
  }

#ifdef FUSED_EMU_TSAN
  void *tsanScheduler = nullptr;
#endif
  /// Tells ThreadSanitizer (when it is there) that the scheduler loop, or
  /// fiber `f`, runs next.
  void announceScheduler() {
#ifdef FUSED_EMU_TSAN
    __tsan_switch_to_fiber(tsanScheduler, 0);
#endif
  }
  void announce(Fiber &f) {
#ifdef FUSED_EMU_TSAN
    __tsan_switch_to_fiber(f.tsanFiber, 0);
#else
    (void)f;
#endif
  }

  /// Saves the running fiber and returns to the scheduler loop.
  void suspend() {
    Fiber &f = fibers[current];
    announceScheduler();
#ifdef FUSED_EMU_ASM_SWITCH
    fused_emu_switch(&f.sp, schedulerSp);
#else
    swapcontext(&f.ctx, &schedulerCtx);
#endif
  }

  void fail(const std::string &message) {
    failed = true;
    error = message;
  }

  void releaseStacks() {
    for (auto &[mapping, bytes] : stacks)
      munmap(mapping, bytes);
    stacks.clear();
  }

  void reportStall();
};

void BlockState::reportStall() {
  std::vector<int> atBarrier, exitedIds;
  // Parked threads by what they wait for, in thread order.
  std::vector<std::pair<std::string, std::vector<int>>> parked;
  for (const Fiber &f : fibers) {
    if (f.status == FiberStatus::AtBarrier)
      atBarrier.push_back(f.tc.threadId);
    else if (f.status == FiberStatus::Exited)
      exitedIds.push_back(f.tc.threadId);
    else if (f.status == FiberStatus::Parked) {
      auto it = std::find_if(parked.begin(), parked.end(), [&](auto &p) {
        return p.first == f.parkedOn;
      });
      if (it == parked.end())
        parked.push_back({f.parkedOn, {f.tc.threadId}});
      else
        it->second.push_back(f.tc.threadId);
    }
  }
  int64_t barrierNo = barriersCompleted + 1;
  std::ostringstream os;
  if (!atBarrier.empty() && !exitedIds.empty() && parked.empty())
    os << "divergent barrier: barrier #" << barrierNo
       << " (bar.sync 0) can never complete: " << plural("thread", atBarrier)
       << " arrived, " << plural("thread", exitedIds)
       << " exited without reaching it";
  else
    os << "deadlock: no thread can proceed";
  if (!atBarrier.empty() && (exitedIds.empty() || !parked.empty()))
    os << "; " << plural("thread", atBarrier) << verb(atBarrier)
       << " at barrier #" << barrierNo;
  for (const auto &[what, ids] : parked)
    os << "; " << plural("thread", ids) << verb(ids) << " on " << what;
  for (size_t w = 0; w < warps.size(); ++w) {
    if (warps[w].arrived == 0)
      continue;
    std::vector<int> waiting, gone, barred;
    for (int lane = 0; lane < warps[w].size; ++lane) {
      const Fiber &f = fibers[w * kLanes + lane];
      if (f.status == FiberStatus::AtCollective)
        waiting.push_back(lane);
      else if (f.status == FiberStatus::Exited)
        gone.push_back(lane);
      else if (f.status == FiberStatus::AtBarrier)
        barred.push_back(lane);
    }
    os << "; " << plural("lane", waiting) << " of warp " << w << verb(waiting)
       << " at warp collective " << warps[w].collectiveId;
    if (!gone.empty())
      os << ", " << plural("lane", gone) << " exited";
    if (!barred.empty())
      os << ", " << plural("lane", barred) << verb(barred) << " at barrier #"
         << barrierNo;
  }
  fail(os.str());
}

} // namespace detail

using detail::BlockState;

static void runFiber(Fiber *f) {
  (*f->owner->body)(f->tc);
  f->status = FiberStatus::Exited;
  ++f->owner->exited;
}

#ifdef FUSED_EMU_ASM_SWITCH
static void fiberEntry(Fiber *f) {
  runFiber(f);
  // Back to the scheduler loop for good.
  void *unused;
  f->owner->announceScheduler();
  fused_emu_switch(&unused, f->owner->schedulerSp);
}
#else
static void fiberEntry(unsigned hi, unsigned lo) {
  auto *f = reinterpret_cast<Fiber *>(
      static_cast<uintptr_t>((static_cast<uint64_t>(hi) << 32) | lo));
  runFiber(f);
  // Returning resumes uc_link, the scheduler loop.
  f->owner->announceScheduler();
}
#endif

BlockRunner::BlockRunner(int numThreads, uint64_t seed, size_t stackBytes)
    : state(std::make_unique<BlockState>()) {
  state->numThreads = numThreads;
  state->seed = seed;
  state->stackBytes = stackBytes;
}

BlockRunner::~BlockRunner() { state->releaseStacks(); }

bool BlockRunner::run(const std::function<void(ThreadContext &)> &body) {
  BlockState &s = *state;
  s.rng.seed(s.seed);
  s.ready.clear();
  s.current = -1;
  s.exited = 0;
  s.barrierArrived = 0;
  s.barriersCompleted = 0;
  s.failed = false;
  s.error.clear();
  s.body = &body;
  if (s.numThreads <= 0) {
    s.fail("a block needs at least one thread, got " +
           std::to_string(s.numThreads));
    return false;
  }

  int numWarps = (s.numThreads + kLanes - 1) / kLanes;
  s.warps.assign(numWarps, WarpState());
  for (int w = 0; w < numWarps; ++w)
    s.warps[w].size = std::min(kLanes, s.numThreads - w * kLanes);

  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_t stack =
      (std::max<size_t>(s.stackBytes, 16 * 1024) + page - 1) / page * page;
  // Stacks are mapped on the first run and kept for the next ones.
  while (static_cast<int>(s.stacks.size()) < s.numThreads) {
    size_t bytes = stack + page;
    void *m = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
      s.fail("cannot allocate a " + std::to_string(stack) +
             "-byte stack for thread " + std::to_string(s.stacks.size()));
      return false;
    }
    mprotect(m, page, PROT_NONE); // Guard page below the stack.
    s.stacks.push_back({static_cast<char *>(m), bytes});
  }
  s.fibers.assign(s.numThreads, Fiber());
  for (int i = 0; i < s.numThreads; ++i) {
    Fiber &f = s.fibers[i];
    f.owner = &s;
    f.tc = ThreadContext{i, i / kLanes, i % kLanes, this};
#ifdef FUSED_EMU_ASM_SWITCH
    // The first switch to the fiber pops this frame: control words, r15,
    // r14, r13 (entry), r12 (fiber), rbx, rbp, then returns to
    // fused_emu_fiber_start with a 16-byte aligned stack.
    auto *top = reinterpret_cast<uint64_t *>(s.stacks[i].first + page + stack);
    uint64_t *frame = top - 8;
    frame[0] = 0x1f80 | (uint64_t(0x037f) << 32); // MXCSR, x87 control word
    frame[1] = 0;                                  // r15
    frame[2] = 0;                                  // r14
    frame[3] = reinterpret_cast<uint64_t>(&fiberEntry);
    frame[4] = reinterpret_cast<uint64_t>(&f);
    frame[5] = 0;                                  // rbx
    frame[6] = 0;                                  // rbp
    frame[7] = reinterpret_cast<uint64_t>(&fused_emu_fiber_start);
    f.sp = frame;
#else
    getcontext(&f.ctx);
    f.ctx.uc_stack.ss_sp = s.stacks[i].first + page;
    f.ctx.uc_stack.ss_size = stack;
    f.ctx.uc_link = &s.schedulerCtx;
    auto bits = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(&f));
    makecontext(&f.ctx, reinterpret_cast<void (*)()>(fiberEntry), 2,
                static_cast<unsigned>(bits >> 32),
                static_cast<unsigned>(bits & 0xffffffffu));
#endif
#ifdef FUSED_EMU_TSAN
    f.tsanFiber = __tsan_create_fiber(0);
#endif
    s.ready.push_back(i);
  }
#ifdef FUSED_EMU_TSAN
  s.tsanScheduler = __tsan_get_current_fiber();
#endif

  while (!s.failed) {
    if (s.ready.empty()) {
      if (s.exited != s.numThreads)
        s.reportStall();
      break;
    }
    size_t k = static_cast<size_t>(s.rng() % s.ready.size());
    int id = s.ready[k];
    s.ready[k] = s.ready.back();
    s.ready.pop_back();
    s.current = id;
    s.fibers[id].status = FiberStatus::Running;
    s.announce(s.fibers[id]);
#ifdef FUSED_EMU_ASM_SWITCH
    fused_emu_switch(&s.schedulerSp, s.fibers[id].sp);
#else
    swapcontext(&s.schedulerCtx, &s.fibers[id].ctx);
#endif
    s.current = -1;
  }
#ifdef FUSED_EMU_TSAN
  for (Fiber &f : s.fibers)
    __tsan_destroy_fiber(f.tsanFiber);
#endif
  s.body = nullptr;
  return !s.failed;
}

void BlockRunner::reseed(uint64_t seed) { state->seed = seed; }

const std::string &BlockRunner::lastError() const { return state->error; }

int64_t BlockRunner::barriersCompleted() const {
  return state->barriersCompleted;
}

void BlockRunner::yield(ThreadContext &t) {
  BlockState &s = *state;
  Fiber *f = s.running(t);
  if (!f)
    return;
  f->status = FiberStatus::Ready;
  s.ready.push_back(t.threadId);
  s.suspend();
}

void BlockRunner::park(ThreadContext &t, const std::string &what) {
  BlockState &s = *state;
  Fiber *f = s.running(t);
  if (!f)
    return;
  f->status = FiberStatus::Parked;
  f->parkedOn = what;
  s.suspend();
}

void BlockRunner::wakeParked() {
  BlockState &s = *state;
  for (Fiber &f : s.fibers)
    if (f.status == FiberStatus::Parked) {
      f.status = FiberStatus::Ready;
      s.ready.push_back(f.tc.threadId);
    }
}

void BlockRunner::maybeYield(ThreadContext &t, uint32_t oneIn) {
  if (oneIn > 0 && state->rng() % oneIn == 0)
    yield(t);
}

void BlockRunner::barrier(ThreadContext &t) {
  BlockState &s = *state;
  Fiber *f = s.running(t);
  if (!f)
    return;
  f->status = FiberStatus::AtBarrier;
  if (++s.barrierArrived == s.numThreads) {
    s.barrierArrived = 0;
    ++s.barriersCompleted;
    for (Fiber &other : s.fibers) {
      other.status = FiberStatus::Ready;
      s.ready.push_back(other.tc.threadId);
    }
  }
  s.suspend();
}

void BlockRunner::warpCollective(
    ThreadContext &t, int collectiveId, void *payload64,
    const std::function<void(WarpPayloads &)> &compute) {
  BlockState &s = *state;
  Fiber *f = s.running(t);
  if (!f)
    return;
  WarpState &w = s.warps[t.warpId];
  int base = t.warpId * kLanes;
  if (w.arrived == 0) {
    w.collectiveId = collectiveId;
    w.payloads = WarpPayloads{};
  } else if (w.collectiveId != collectiveId) {
    std::vector<int> lanes;
    for (int lane = 0; lane < w.size; ++lane)
      if (s.fibers[base + lane].status == FiberStatus::AtCollective)
        lanes.push_back(lane);
    std::ostringstream os;
    os << "lanes of warp " << t.warpId
       << " reached different warp collectives: " << plural("lane", lanes)
       << " at collective " << w.collectiveId << ", lane " << t.laneId
       << " at collective " << collectiveId;
    s.fail(os.str());
    s.suspend(); // Never resumed: the run ends.
    return;
  }
  std::memcpy(w.payloads[t.laneId].data(), payload64, 64);
  f->payload = payload64;
  f->status = FiberStatus::AtCollective;
  if (++w.arrived == w.size) {
    w.arrived = 0;
    compute(w.payloads);
    // Write results straight back: the waiting lanes' buffers live on their
    // suspended stacks, and the warp state is free for the next collective.
    for (int lane = 0; lane < w.size; ++lane) {
      Fiber &other = s.fibers[base + lane];
      std::memcpy(other.payload, w.payloads[lane].data(), 64);
      other.payload = nullptr;
      other.status = FiberStatus::Ready;
      s.ready.push_back(base + lane);
    }
  }
  s.suspend();
}

} // namespace fused::emu
