//===- TargetTest.cpp - the target descriptions of the chips --------------===//

#include "fused/Target/Target.h"

#include <gtest/gtest.h>

using fused::Target;

namespace {

TEST(TargetTest, EveryChipHasAPathLimitsAndMmaShapes) {
  ASSERT_EQ(Target::chips().size(), 5u);
  for (llvm::StringRef chip : Target::chips()) {
    std::optional<Target> t = Target::get(chip);
    ASSERT_TRUE(t) << chip.str();
    EXPECT_EQ(t->chip, chip.str());
    EXPECT_GT(t->limits.maxSharedMemoryPerBlock, 48 * 1024) << chip.str();
    EXPECT_EQ(t->limits.maxThreadsPerBlock, 1024);
    ASSERT_FALSE(t->mmaShapes.empty());
    EXPECT_EQ(t->mmaShapes[0].m, 16);
    EXPECT_EQ(t->mmaShapes[0].n, 8);
    EXPECT_EQ(t->mmaShapes[0].k, 16);
    EXPECT_GT(t->smCount, 0);
  }
}

TEST(TargetTest, AmpereAndHopperPaths) {
  for (const char *c : {"sm_80", "sm_86", "sm_89"}) {
    EXPECT_EQ(Target::get(c)->path, fused::TargetPath::Ampere) << c;
    EXPECT_EQ(Target::get(c)->major, 8) << c;
  }
  // sm_90 and sm_90a: the Hopper path, code for sm_90a.
  std::optional<Target> h = Target::get("sm_90");
  EXPECT_TRUE(h->isHopper());
  EXPECT_TRUE(h->archSpecific);
  EXPECT_EQ(h->chip, "sm_90");
  EXPECT_EQ(h->codeChip, "sm_90a");
  EXPECT_EQ(Target::canonicalChip("sm_90"), "sm_90a");
  EXPECT_EQ(Target::canonicalChip("sm_90a"), "sm_90a");
  EXPECT_EQ(Target::canonicalChip("sm_86"), "sm_86");
  EXPECT_EQ(Target::canonicalChip("sm_70"), "sm_70");
  EXPECT_EQ(h->limits.maxSharedMemoryPerBlock, 227 * 1024);
  std::optional<Target> ha = Target::get("sm_90a");
  EXPECT_TRUE(ha->isHopper());
  EXPECT_TRUE(ha->archSpecific);
  EXPECT_EQ(ha->major * 10 + ha->minor, 90);
  EXPECT_EQ(Target::get("sm_86")->limits.maxSharedMemoryPerBlock, 99 * 1024);
  EXPECT_EQ(Target::get("sm_80")->limits.maxSharedMemoryPerBlock, 163 * 1024);
  // The Hopper GEMM's tiles come by TMA into wgmma; Ampere's by cp.async
  // into mma.sync.
  EXPECT_EQ(h->asyncCopy, fused::AsyncCopy::Tma);
  EXPECT_EQ(h->mmaShapes.back().m, 64);
  EXPECT_EQ(Target::get("sm_89")->asyncCopy, fused::AsyncCopy::CpAsync);
  EXPECT_EQ(Target::get("sm_89")->mmaShapes.size(), 1u);
}

TEST(TargetTest, UnknownChipsHaveNoTarget) {
  for (const char *c : {"sm_70", "sm_100", "", "sm_90b", "gfx90a"})
    EXPECT_FALSE(Target::get(c)) << c;
  EXPECT_EQ(Target::chipList(), "sm_80, sm_86, sm_89, sm_90 or sm_90a");
  EXPECT_TRUE(Target::get(Target::defaultChip()));
}

} // namespace
