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

namespace {

/// A minimal CUDA ELF: the header, one PROGBITS section of 16 bytes, and
/// a table of a null and that section; the SM in e_flags (ABI version 8).
std::string cudaElf(int sm) {
  std::string d(64 + 16 + 2 * 64, '\0');
  auto put = [&](size_t at, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i)
      d[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
  };
  d.replace(0, 4, "\x7f" "ELF");
  d[4] = 2;  // 64-bit
  d[5] = 1;  // little-endian
  d[6] = 1;  // version
  d[7] = 65; // CUDA ABI
  d[8] = 8;  // ABI version
  put(16, 2, 2);   // ET_EXEC
  put(18, 190, 2); // EM_CUDA
  put(0x28, 80, 8);            // Section table at 80.
  put(0x30, 0x6000004 | (sm << 8), 4);
  put(0x3a, 64, 2);
  put(0x3c, 2, 2);
  size_t s1 = 80 + 64;
  put(s1 + 4, 1, 4);      // PROGBITS
  put(s1 + 0x18, 64, 8);  // at 64
  put(s1 + 0x20, 16, 8);  // 16 bytes
  return d;
}

} // namespace

TEST(ImagesTest, ImagesThatAreNotWholeOrForAnotherChipAreRefused) {
  using fused::rt::checkImage;
  using fused::rt::ModuleFormat;
  std::string elf = cudaElf(90);
  EXPECT_TRUE(checkImage(elf, ModuleFormat::Cubin, "sm_90", "k.cubin").isOk());
  EXPECT_TRUE(checkImage(elf, ModuleFormat::Cubin, "sm_90a", "k.cubin").isOk());
  auto refused = [&](const std::string &data, const std::string &chip,
                     const std::string &why) {
    fused::rt::Status s = checkImage(data, ModuleFormat::Cubin, chip, "k.cubin");
    EXPECT_FALSE(s.isOk());
    EXPECT_NE(s.getMessage().find(why), std::string::npos) << s.getMessage();
  };
  refused(elf, "sm_80", "k.cubin is not a whole cubin for sm_80: it was "
                        "built for sm_90");
  // Cut anywhere: the header, the section table, a section's bytes.
  for (size_t n : {size_t(0), size_t(10), size_t(63), size_t(100),
                   elf.size() - 1})
    refused(elf.substr(0, n), "sm_90", "not a whole cubin");
  std::string shortSection = elf;
  shortSection[80 + 64 + 0x20] = static_cast<char>(200); // Past byte 208.
  refused(shortSection, "sm_90", "section 1 runs past its 208 bytes");
  std::string hugeTable = elf;
  hugeTable[0x3c] = '\xff';
  hugeTable[0x3d] = '\xff';
  refused(hugeTable, "sm_90", "section table runs past");
  std::string x86 = elf;
  x86[18] = 62;
  refused(x86, "sm_90", "not a CUDA ELF file (machine 62)");
  std::string big = elf;
  big[5] = 2;
  refused(big, "sm_90", "not a 64-bit little-endian ELF file");
  refused("\x7f" "ELF", "sm_90", "no ELF header");

  const std::string ptx = ".version 8.0\n.target sm_90a\n.address_size 64\n"
                          ".visible .entry k()\n{\n\tret;\n}\n";
  EXPECT_TRUE(checkImage(ptx, ModuleFormat::PTX, "sm_90a", "k.ptx").isOk());
  EXPECT_FALSE(checkImage(ptx, ModuleFormat::PTX, "sm_90", "k.ptx").isOk());
  EXPECT_FALSE(checkImage(ptx.substr(0, ptx.size() - 3), ModuleFormat::PTX,
                          "sm_90a", "k.ptx")
                   .isOk());
  EXPECT_FALSE(checkImage("garbage", ModuleFormat::PTX, "sm_90a", "k.ptx")
                   .isOk());
  EXPECT_FALSE(checkImage(elf, ModuleFormat::Cubin, "sm_9x", "k").isOk());
}
