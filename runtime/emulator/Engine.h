//===- Engine.h - running an emulated grid ----------------------*- C++ -*-===//
//
// The launch engine of the emulator device: runs every block of a grid
// (on several host threads), each block as fibers (Block.h), with the
// checks and counters of the hooks that rewritten kernels call
// (Hooks.cpp). Internal to the emulator backend.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_EMULATOR_ENGINE_H
#define FUSED_EMULATOR_ENGINE_H

#include "fused/Runtime/Runtime.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace fused::emu {

/// A global buffer as the checks see it: its bytes lie at [base, base +
/// size), with redzones on both sides.
struct GlobalRegion {
  uintptr_t base = 0;
  size_t size = 0;
  /// The buffer's number in allocation order, for reports.
  int id = 0;
};

/// Everything one launch needs.
struct LaunchRequest {
  std::string kernel;
  void (*entry)(void **) = nullptr;
  std::vector<void *> args;
  std::array<uint32_t, 3> grid = {1, 1, 1};
  std::array<uint32_t, 3> block = {1, 1, 1};
  size_t sharedBytes = 0;
  const std::vector<std::string> *sites = nullptr;
  std::vector<GlobalRegion> regions;
  uint64_t seed = 1;
  int hostThreads = 1;
  int maxReports = 20;
  bool reportRaces = true;
  bool mathAtErrorBound = false;
  /// EmulatorOptions::onlyBlocks.
  std::vector<uint64_t> onlyBlocks;
};

/// Whether the launch the calling GPU thread belongs to asks for math
/// functions at their documented error bound (EmulatorOptions).
bool mathAtErrorBound();

/// Runs the grid. Returns false when the launch found problems; `reports`
/// then lists them (one line each). Counters are filled either way.
bool runGrid(const LaunchRequest &request, rt::EmulatorCounters &counters,
             std::vector<std::string> &reports);

} // namespace fused::emu

#endif // FUSED_EMULATOR_ENGINE_H
