//===- BlockTest.cpp - tests of the emulator's thread-block runner --------===//
//
// Runs small blocks of fibers through BlockRunner and checks that barriers
// order shared-memory traffic, that a seed fixes the schedule, that warp
// collectives see every lane's payload (full and partial warps), and that
// divergent barriers, deadlocks and mismatched collectives end the run with
// a report naming what went wrong.
//
//===----------------------------------------------------------------------===//

#include "emulator/Block.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

using namespace fused::emu;

namespace {

/// Each lane's payload becomes the sum of the first uint64_t of all lanes.
void warpSum(WarpPayloads &p) {
  uint64_t sum = 0;
  for (auto &lane : p) {
    uint64_t v;
    std::memcpy(&v, lane.data(), sizeof(v));
    sum += v;
  }
  for (auto &lane : p)
    std::memcpy(lane.data(), &sum, sizeof(sum));
}

/// The order in which threads pass a yield point, under `seed`.
std::vector<int> yieldOrder(uint64_t seed) {
  std::vector<int> order;
  BlockRunner block(64, seed);
  bool ok = block.run([&](ThreadContext &t) {
    t.block->yield(t);
    order.push_back(t.threadId);
  });
  EXPECT_TRUE(ok) << block.lastError();
  return order;
}

/// The barrier orders every write before every read of the neighbour's slot.
TEST(BlockTest, BarrierOrdersSharedMemory) {
  constexpr int n = 256;
  std::vector<int> shared(n, -1);
  std::vector<int> seen(n, -2);
  BlockRunner block(n, 42);
  bool ok = block.run([&](ThreadContext &t) {
    t.block->yield(t);
    shared[t.threadId] = t.threadId;
    t.block->barrier(t);
    seen[t.threadId] = shared[(t.threadId + 1) % n];
  });
  ASSERT_TRUE(ok) << block.lastError();
  EXPECT_TRUE(block.lastError().empty());
  for (int i = 0; i < n; ++i)
    EXPECT_EQ(seen[i], (i + 1) % n) << "thread " << i;
}

/// The same seed gives the same interleaving; other seeds give others.
TEST(BlockTest, SeedFixesSchedule) {
  std::vector<int> first = yieldOrder(7);
  ASSERT_EQ(first.size(), 64u);
  EXPECT_EQ(first, yieldOrder(7));
  bool anyDifferent = false;
  for (uint64_t seed : {1, 2, 3, 8})
    anyDifferent |= yieldOrder(seed) != first;
  EXPECT_TRUE(anyDifferent);
}

/// Rerunning the same runner replays its schedule.
TEST(BlockTest, RerunReplaysSchedule) {
  std::vector<int> order;
  BlockRunner block(32, 5);
  auto body = [&](ThreadContext &t) {
    t.block->yield(t);
    order.push_back(t.threadId);
  };
  ASSERT_TRUE(block.run(body));
  std::vector<int> first = order;
  order.clear();
  ASSERT_TRUE(block.run(body));
  EXPECT_EQ(order, first);
}

/// Every lane of both warps gets its own warp's sum, twice in a row.
TEST(BlockTest, WarpCollectiveSumsTwoWarps) {
  std::vector<uint64_t> result(64, 0), second(64, 0);
  BlockRunner block(64, 3);
  bool ok = block.run([&](ThreadContext &t) {
    uint64_t buf[8] = {static_cast<uint64_t>(t.threadId)};
    t.block->warpCollective(t, 1, buf, warpSum);
    result[t.threadId] = buf[0];
    buf[0] = 1;
    t.block->warpCollective(t, 2, buf, warpSum);
    second[t.threadId] = buf[0];
  });
  ASSERT_TRUE(ok) << block.lastError();
  for (int i = 0; i < 64; ++i) {
    EXPECT_EQ(result[i], i < 32 ? 496u : 1520u) << "thread " << i;
    EXPECT_EQ(second[i], 32u) << "thread " << i;
  }
}

/// A partial last warp rendezvouses with just its 8 lanes.
TEST(BlockTest, WarpCollectivePartialWarp) {
  std::vector<uint64_t> result(40, 0);
  int lanesSeen = -1;
  BlockRunner block(40, 11);
  bool ok = block.run([&](ThreadContext &t) {
    uint64_t buf[8] = {static_cast<uint64_t>(t.threadId)};
    t.block->warpCollective(t, 9, buf, [&](WarpPayloads &p) {
      if (t.warpId == 1) {
        lanesSeen = 0;
        for (int lane = 0; lane < 32; ++lane)
          lanesSeen += p[lane][0] != 0;
      }
      warpSum(p);
    });
    result[t.threadId] = buf[0];
  });
  ASSERT_TRUE(ok) << block.lastError();
  EXPECT_EQ(lanesSeen, 8);
  for (int i = 0; i < 40; ++i)
    EXPECT_EQ(result[i], i < 32 ? 496u : 284u) << "thread " << i;
}

/// A thread returning while the others wait is a divergent barrier.
TEST(BlockTest, DivergentBarrierIsReported) {
  BlockRunner block(64, 1);
  bool ok = block.run([&](ThreadContext &t) {
    if (t.threadId == 0)
      return;
    t.block->barrier(t);
  });
  ASSERT_FALSE(ok);
  const std::string &e = block.lastError();
  EXPECT_NE(e.find("divergent barrier"), std::string::npos) << e;
  EXPECT_NE(e.find("barrier #1"), std::string::npos) << e;
  EXPECT_NE(e.find("threads 1-63 arrived"), std::string::npos) << e;
  EXPECT_NE(e.find("thread 0 exited"), std::string::npos) << e;
}

/// The report counts the barriers that completed before the divergent one.
TEST(BlockTest, DivergentBarrierNamesItsCount) {
  BlockRunner block(8, 2);
  bool ok = block.run([&](ThreadContext &t) {
    t.block->barrier(t);
    t.block->barrier(t);
    if (t.threadId >= 6)
      return;
    t.block->barrier(t);
  });
  ASSERT_FALSE(ok);
  const std::string &e = block.lastError();
  EXPECT_NE(e.find("barrier #3"), std::string::npos) << e;
  EXPECT_NE(e.find("threads 6-7 exited"), std::string::npos) << e;
  EXPECT_EQ(block.barriersCompleted(), 2);
}

/// Lanes at different collectives are reported with both ids.
TEST(BlockTest, MismatchedCollectivesAreReported) {
  BlockRunner block(32, 4);
  bool ok = block.run([&](ThreadContext &t) {
    uint64_t buf[8] = {};
    t.block->warpCollective(t, t.laneId == 5 ? 8 : 7, buf, warpSum);
  });
  ASSERT_FALSE(ok);
  const std::string &e = block.lastError();
  EXPECT_NE(e.find("lanes of warp 0 reached different warp collectives"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("collective 7"), std::string::npos) << e;
  EXPECT_NE(e.find("collective 8"), std::string::npos) << e;
}

/// A lane at a barrier while its warp waits at a collective deadlocks.
TEST(BlockTest, DeadlockIsReported) {
  BlockRunner block(32, 6);
  bool ok = block.run([&](ThreadContext &t) {
    uint64_t buf[8] = {};
    if (t.laneId == 3)
      t.block->barrier(t);
    else
      t.block->warpCollective(t, 1, buf, warpSum);
  });
  ASSERT_FALSE(ok);
  const std::string &e = block.lastError();
  EXPECT_NE(e.find("deadlock"), std::string::npos) << e;
  EXPECT_NE(e.find("lane 3 waits at barrier #1"), std::string::npos) << e;
  EXPECT_NE(e.find("warp collective 1"), std::string::npos) << e;
}

/// Completed barriers are counted.
TEST(BlockTest, CountsCompletedBarriers) {
  BlockRunner block(96, 9);
  ASSERT_TRUE(block.run([&](ThreadContext &t) {
    for (int i = 0; i < 5; ++i)
      t.block->barrier(t);
  }));
  EXPECT_EQ(block.barriersCompleted(), 5);
  ASSERT_TRUE(block.run([](ThreadContext &) {}));
  EXPECT_EQ(block.barriersCompleted(), 0);
}

/// A block with no threads is refused with a message, not a crash.
TEST(BlockTest, EmptyBlockIsRefused) {
  BlockRunner block(0, 1);
  EXPECT_FALSE(block.run([](ThreadContext &) {}));
  EXPECT_NE(block.lastError().find("at least one thread"), std::string::npos);
}

} // namespace

/// A parked thread resumes after wakeParked() and checks its condition
/// again: a producer publishes values one at a time to consumers that
/// wait for each.
TEST(BlockTest, ParkedThreadsWaitForTheirCondition) {
  BlockRunner block(8, 11);
  int published = 0;
  std::vector<int> seen(8, 0);
  ASSERT_TRUE(block.run([&](ThreadContext &t) {
    if (t.threadId == 0) {
      for (int i = 1; i <= 3; ++i) {
        t.block->yield(t);
        published = i;
        t.block->wakeParked();
      }
      return;
    }
    while (published < 3)
      t.block->park(t, "the value 3");
    seen[t.threadId] = published;
  })) << block.lastError();
  for (int i = 1; i < 8; ++i)
    EXPECT_EQ(seen[i], 3);
}

/// Threads parked on a condition nobody will change end the run with a
/// report saying what they wait for.
TEST(BlockTest, ParkedForeverIsADeadlock) {
  BlockRunner block(64, 12);
  bool ok = block.run([&](ThreadContext &t) {
    if (t.warpId == 1)
      t.block->park(t, "mbarrier at shared 0x40, phase parity 0");
  });
  ASSERT_FALSE(ok);
  const std::string &e = block.lastError();
  EXPECT_NE(e.find("deadlock"), std::string::npos) << e;
  EXPECT_NE(e.find("threads 32-63 wait on mbarrier at shared 0x40, phase "
                   "parity 0"),
            std::string::npos)
      << e;
}
