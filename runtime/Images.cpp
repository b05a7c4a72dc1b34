//===- Images.cpp - which kernel image a device can load ------------------===//

#include "fused/Runtime/Images.h"

#include <algorithm>
#include <cstdint>

#include <cctype>

namespace fused::rt {

std::string Chip::name() const {
  return "sm_" + std::to_string(major) + std::to_string(minor) +
         (archSpecific ? "a" : "");
}

std::optional<Chip> parseChip(const std::string &name) {
  if (name.rfind("sm_", 0) != 0)
    return std::nullopt;
  std::string digits = name.substr(3);
  Chip c;
  if (!digits.empty() && digits.back() == 'a') {
    c.archSpecific = true;
    digits.pop_back();
  }
  if (digits.size() < 2 || digits.size() > 3)
    return std::nullopt;
  for (char ch : digits)
    if (!std::isdigit(static_cast<unsigned char>(ch)))
      return std::nullopt;
  c.major = std::stoi(digits.substr(0, digits.size() - 1));
  c.minor = digits.back() - '0';
  return c;
}

static const char *formatName(ModuleFormat f) {
  switch (f) {
  case ModuleFormat::Cubin:
    return "cubin";
  case ModuleFormat::PTX:
    return "PTX";
  case ModuleFormat::EmulatorIR:
    return "emulator image";
  }
  return "image";
}

namespace {

template <typename T> T readLE(const std::string &d, size_t at) {
  T v = 0;
  for (size_t i = 0; i < sizeof(T); ++i)
    v |= static_cast<T>(static_cast<uint8_t>(d[at + i])) << (8 * i);
  return v;
}

/// Whether the table of `count` entries of `entrySize` bytes at `offset`
/// lies inside `size` bytes.
bool inside(uint64_t offset, uint64_t count, uint64_t entrySize,
            uint64_t size) {
  return offset <= size && (count == 0 || entrySize <= size) &&
         count <= (size - offset) / std::max<uint64_t>(entrySize, 1);
}

Status checkCubin(const std::string &d, const Chip &chip,
                  const std::string &name) {
  auto bad = [&](const std::string &why) {
    return Status::error(name + " is not a whole cubin for " + chip.name() +
                         ": " + why);
  };
  if (d.size() < 64 || d.compare(0, 4, "\x7f" "ELF") != 0)
    return bad("no ELF header");
  if (d[4] != 2 || d[5] != 1)
    return bad("not a 64-bit little-endian ELF file");
  constexpr uint16_t kEmCuda = 190;
  if (readLE<uint16_t>(d, 18) != kEmCuda)
    return bad("not a CUDA ELF file (machine " +
               std::to_string(readLE<uint16_t>(d, 18)) + ")");
  uint64_t size = d.size();
  uint64_t phoff = readLE<uint64_t>(d, 0x20), shoff = readLE<uint64_t>(d, 0x28);
  uint16_t phentsize = readLE<uint16_t>(d, 0x36), phnum = readLE<uint16_t>(d, 0x38);
  uint16_t shentsize = readLE<uint16_t>(d, 0x3a), shnum = readLE<uint16_t>(d, 0x3c);
  if (!inside(phoff, phnum, phentsize, size) ||
      !inside(shoff, shnum, shentsize, size))
    return bad("its program or section table runs past its " +
               std::to_string(size) + " bytes (truncated?)");
  if (shnum && shentsize < 64)
    return bad("section headers of " + std::to_string(shentsize) + " bytes");
  for (uint16_t i = 0; i < shnum; ++i) {
    size_t h = shoff + uint64_t(i) * shentsize;
    constexpr uint32_t kNoBits = 8;
    if (readLE<uint32_t>(d, h + 4) == kNoBits)
      continue;
    uint64_t offset = readLE<uint64_t>(d, h + 0x18);
    uint64_t bytes = readLE<uint64_t>(d, h + 0x20);
    if (!inside(offset, bytes, 1, size))
      return bad("section " + std::to_string(i) + " runs past its " +
                 std::to_string(size) + " bytes (truncated?)");
  }
  // The SM is in e_flags: bits 8-15 from ELF ABI version 8 on, else 0-7.
  uint32_t flags = readLE<uint32_t>(d, 0x30);
  int sm = static_cast<uint8_t>(d[8]) >= 8 ? (flags >> 8) & 0xff : flags & 0xff;
  if (sm != chip.major * 10 + chip.minor)
    return bad("it was built for sm_" + std::to_string(sm));
  return Status::ok();
}

Status checkPtx(const std::string &d, const Chip &chip,
                const std::string &name) {
  auto bad = [&](const std::string &why) {
    return Status::error(name + " is not whole PTX for " + chip.name() +
                         ": " + why);
  };
  size_t t = d.find(".target ");
  if (t == std::string::npos)
    return bad("no .target directive");
  size_t begin = t + 8, end = d.find_first_of(" ,\t\r\n", begin);
  std::string target = d.substr(begin, end == std::string::npos
                                           ? std::string::npos
                                           : end - begin);
  if (target != chip.name())
    return bad("its .target is " + target);
  size_t last = d.find_last_not_of(" \t\r\n");
  if (last == std::string::npos || d[last] != '}')
    return bad("it does not end with a function's closing brace "
               "(truncated?)");
  return Status::ok();
}

} // namespace

Status checkImage(const std::string &data, ModuleFormat format,
                  const std::string &chip, const std::string &name) {
  if (format == ModuleFormat::EmulatorIR)
    return Status::ok();
  std::optional<Chip> c = parseChip(chip);
  if (!c)
    return Status::error(name + ": unknown chip '" + chip + "'");
  return format == ModuleFormat::Cubin ? checkCubin(data, *c, name)
                                       : checkPtx(data, *c, name);
}

bool loads(const ImageInfo &image, const Chip &device) {
  std::optional<Chip> c = parseChip(image.chip);
  if (!c)
    return false;
  if (c->archSpecific)
    return image.format != ModuleFormat::EmulatorIR &&
           c->major == device.major && c->minor == device.minor;
  switch (image.format) {
  case ModuleFormat::Cubin:
    return c->major == device.major && c->minor <= device.minor;
  case ModuleFormat::PTX:
    return c->major * 10 + c->minor <= device.major * 10 + device.minor;
  case ModuleFormat::EmulatorIR:
    return false;
  }
  return false;
}

StatusOr<ImageChoice> selectImage(const std::vector<ImageInfo> &images,
                                  const Chip &device,
                                  const std::string &deviceName) {
  // Rank: exact cubin, then compatible cubins (newest first), then PTX
  // (newest first).
  std::optional<size_t> best;
  auto rank = [&](size_t i) {
    Chip c = *parseChip(images[i].chip);
    int version = c.major * 10 + c.minor;
    bool cubin = images[i].format == ModuleFormat::Cubin;
    bool exact = cubin && c.major == device.major && c.minor == device.minor;
    return (exact ? 2000 : cubin ? 1000 : 0) + version * 2 +
           (c.archSpecific ? 1 : 0);
  };
  for (size_t i = 0; i < images.size(); ++i)
    if (loads(images[i], device) && (!best || rank(i) > rank(*best)))
      best = i;
  std::string what = deviceName + " (" + device.name() + ")";
  if (!best) {
    std::string list;
    for (const ImageInfo &im : images)
      list += (list.empty() ? "" : ", ") + std::string(formatName(im.format)) +
              " for " + im.chip;
    if (list.empty())
      list = "no image";
    return Status::error(
        "no kernel image loads on " + what + ": the program has " + list +
        " (a cubin loads only on its own major version, at the same or a "
        "later minor one; PTX on its chip or later ones); compile for " +
        device.name() + " (--chip=" + device.name() +
        " or --chip=auto on that machine) or include PTX for an older chip");
  }
  const ImageInfo &im = images[*best];
  Chip c = *parseChip(im.chip);
  ImageChoice choice;
  choice.index = *best;
  choice.reason = std::string(formatName(im.format)) + " for " + im.chip;
  if (im.format == ModuleFormat::PTX)
    choice.reason += " (compiled by the driver for " + device.name() + ")";
  else if (c.major == device.major && c.minor == device.minor)
    choice.reason += " (exact match)";
  else
    choice.reason += " (compatible with " + device.name() + ")";
  return choice;
}

} // namespace fused::rt
