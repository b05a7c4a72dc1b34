//===- Block.h - one GPU thread block run as fibers -------------*- C++ -*-===//
//
// The execution core of the CPU emulator: the threads of one thread block
// run as fibers (POSIX ucontext) on a single host thread. Fibers meet at
// block barriers (bar.sync 0) and warp-wide rendezvous for collectives; the
// fiber to run next at every switch point is drawn from the ready set by a
// seeded generator, so a seed fixes the interleaving. Deadlocks, divergent
// barriers and mismatched warp collectives end the run with a report in
// plain language rather than hanging or aborting. Plain C++17, standard
// library and POSIX only; no exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_EMULATOR_BLOCK_H
#define FUSED_EMULATOR_BLOCK_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace fused::emu {

class BlockRunner;

/// What a GPU thread of the block sees.
struct ThreadContext {
  /// The thread's index in the block (threadIdx linearised).
  int threadId;
  /// threadId / 32.
  int warpId;
  /// threadId % 32.
  int laneId;
  /// The runner executing this thread; the target of barrier() and friends.
  BlockRunner *block;
};

/// The 64-byte payloads of all lanes of a warp, indexed by lane.
using WarpPayloads = std::array<std::array<uint8_t, 64>, 32>;

namespace detail {
struct BlockState;
} // namespace detail

/// Runs `numThreads` fibers of a kernel body, each with its ThreadContext,
/// to completion; one runner emulates one thread block at a time.
class BlockRunner {
public:
  /// A block of `numThreads` threads whose schedule is fixed by `seed`; each
  /// fiber gets a stack of `stackBytes` (rounded up to whole pages) with a
  /// guard page below it, so an overflow faults instead of corrupting memory. Stacks are mapped by
  /// the first run() and reused by the following ones.
  BlockRunner(int numThreads, uint64_t seed, size_t stackBytes = 64 * 1024);
  ~BlockRunner();
  BlockRunner(const BlockRunner &) = delete;
  BlockRunner &operator=(const BlockRunner &) = delete;

  /// Runs the block: every thread executes `body`. Returns true when all
  /// threads returned; false with a report (see lastError()) on deadlock,
  /// divergent barrier, mismatched warp collectives or failure to allocate
  /// stacks. After a failure the unfinished fibers are abandoned: objects
  /// on their stacks are not destroyed. Each call starts from `seed` again,
  /// so repeated runs follow the same schedule. Not reentrant.
  bool run(const std::function<void(ThreadContext &)> &body);

  /// Sets the seed of the following runs.
  void reseed(uint64_t seed);

  /// The report of the last failed run(); empty after a successful one.
  const std::string &lastError() const;

  /// Called by a fiber: bar.sync 0 for the whole block. Returns once every
  /// thread of the block has arrived. A thread that has returned from the
  /// body never arrives, so a barrier reached by some threads while others
  /// returned (in either order) cannot complete; run() then fails with a
  /// divergent-barrier report naming the barrier (its 1-based count in this
  /// run) and the threads that arrived and exited.
  void barrier(ThreadContext &t);

  /// Called by a fiber: warp-wide rendezvous for a collective. Each lane of
  /// the warp (32, or fewer in a partial last warp) deposits the 64 bytes at
  /// `payload64`; when all lanes have arrived, `compute` is called once with
  /// all payloads (indexed by lane; entries of missing lanes are zero) and
  /// may overwrite them; each lane then continues with its own payload
  /// written back to `payload64`. Lanes reaching different `collectiveId`s
  /// make run() fail with a report ("lanes of warp W reached different warp
  /// collectives: ...").
  void warpCollective(ThreadContext &t, int collectiveId, void *payload64,
                      const std::function<void(WarpPayloads &)> &compute);

  /// Called by a fiber: lets another ready fiber run (used to interleave
  /// memory operations).
  void yield(ThreadContext &t);

  /// Called by a fiber: suspends it until wakeParked(), for a wait on state
  /// that other threads change (an mbarrier phase): the caller checks its
  /// condition again when it resumes and parks again if it still does not
  /// hold. `what` says what it waits for, for the report run() writes when
  /// no thread can proceed.
  void park(ThreadContext &t, const std::string &what);

  /// Makes every parked fiber ready again (their conditions may hold now).
  void wakeParked();

  /// Called by a fiber: yields with probability 1 / `oneIn`, drawn from the
  /// block's seeded generator, so that the seed also fixes where threads
  /// switch between synchronisation points.
  void maybeYield(ThreadContext &t, uint32_t oneIn);

  /// How many barriers completed in the last run (for the emulator's
  /// statistics).
  int64_t barriersCompleted() const;

private:
  std::unique_ptr<detail::BlockState> state;
};

} // namespace fused::emu

#endif // FUSED_EMULATOR_BLOCK_H
