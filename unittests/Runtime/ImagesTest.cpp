//===- ImagesTest.cpp - which kernel image a device loads -----------------===//
//
// selectImage on made-up device descriptions: no driver or GPU needed.
//
//===----------------------------------------------------------------------===//

#include "fused/Runtime/Images.h"

#include <gtest/gtest.h>

using namespace fused::rt;

namespace {

Chip chip(const char *name) { return *parseChip(name); }

TEST(ImagesTest, ParsesChips) {
  EXPECT_EQ(chip("sm_80").major, 8);
  EXPECT_EQ(chip("sm_86").minor, 6);
  EXPECT_TRUE(chip("sm_90a").archSpecific);
  EXPECT_EQ(chip("sm_100").major, 10);
  EXPECT_EQ(chip("sm_100").minor, 0);
  EXPECT_EQ(chip("sm_90a").name(), "sm_90a");
  for (const char *bad : {"", "sm_", "sm_8", "compute_80", "sm_8x", "sm_1000"})
    EXPECT_FALSE(parseChip(bad).has_value()) << bad;
}

TEST(ImagesTest, AnSm80CubinIsRefusedOnHopperWithAMessageNamingBoth) {
  auto r = selectImage({{ModuleFormat::Cubin, "sm_80"}}, chip("sm_90"),
                       "NVIDIA H200");
  ASSERT_FALSE(r.isOk());
  const std::string &m = r.getStatus().getMessage();
  EXPECT_NE(m.find("no kernel image loads on NVIDIA H200 (sm_90)"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("the program has cubin for sm_80"), std::string::npos) << m;
  EXPECT_NE(m.find("--chip=sm_90"), std::string::npos) << m;
  // Nor on an older device.
  EXPECT_FALSE(
      selectImage({{ModuleFormat::Cubin, "sm_86"}}, chip("sm_80"), "A100")
          .isOk());
  EXPECT_FALSE(selectImage({}, chip("sm_80"), "A100").isOk());
}

TEST(ImagesTest, CubinsLoadOnLaterMinorVersionsOfTheirMajor) {
  auto r = selectImage({{ModuleFormat::Cubin, "sm_80"}}, chip("sm_86"),
                       "RTX A6000");
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(r->reason, "cubin for sm_80 (compatible with sm_86)");
  EXPECT_TRUE(loads({ModuleFormat::Cubin, "sm_80"}, chip("sm_89")));
  EXPECT_FALSE(loads({ModuleFormat::Cubin, "sm_89"}, chip("sm_86")));
}

TEST(ImagesTest, PrefersTheExactCubinThenCompatibleCubinsThenPtx) {
  std::vector<ImageInfo> images = {{ModuleFormat::PTX, "sm_80"},
                                   {ModuleFormat::Cubin, "sm_80"},
                                   {ModuleFormat::Cubin, "sm_90"}};
  auto hopper = selectImage(images, chip("sm_90"), "H100");
  ASSERT_TRUE(hopper.isOk());
  EXPECT_EQ(hopper->index, 2u);
  EXPECT_EQ(hopper->reason, "cubin for sm_90 (exact match)");
  auto ampere = selectImage(images, chip("sm_86"), "A10");
  ASSERT_TRUE(ampere.isOk());
  EXPECT_EQ(ampere->index, 1u);
  // A newer major version gets the PTX, compiled by the driver.
  auto blackwell = selectImage(images, chip("sm_100"), "B200");
  ASSERT_TRUE(blackwell.isOk());
  EXPECT_EQ(blackwell->index, 0u);
  EXPECT_EQ(blackwell->reason, "PTX for sm_80 (compiled by the driver for "
                               "sm_100)");
  // The newest PTX that the device can compile.
  auto two = selectImage({{ModuleFormat::PTX, "sm_80"},
                          {ModuleFormat::PTX, "sm_90"}},
                         chip("sm_90"), "H200");
  ASSERT_TRUE(two.isOk());
  EXPECT_EQ(two->index, 1u);
}

TEST(ImagesTest, ArchSpecificImagesLoadOnlyOnTheirOwnChip) {
  EXPECT_TRUE(loads({ModuleFormat::Cubin, "sm_90a"}, chip("sm_90")));
  EXPECT_FALSE(loads({ModuleFormat::Cubin, "sm_90a"}, chip("sm_100")));
  EXPECT_FALSE(loads({ModuleFormat::PTX, "sm_90a"}, chip("sm_100")));
  EXPECT_FALSE(loads({ModuleFormat::EmulatorIR, "sm_80"}, chip("sm_80")));
  EXPECT_FALSE(loads({ModuleFormat::Cubin, "bogus"}, chip("sm_80")));
}

} // namespace
