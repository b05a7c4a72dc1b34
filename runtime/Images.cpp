//===- Images.cpp - which kernel image a device can load ------------------===//

#include "fused/Runtime/Images.h"

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
