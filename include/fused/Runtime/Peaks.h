//===- Peaks.h - published peaks of known GPUs ------------------*- C++ -*-===//
//
// The dense f16/bf16 tensor-core peak and the memory bandwidth of the GPUs
// fused is measured on, by the name the driver reports, for the fraction
// of peak that --bench prints. 0 for a device not listed.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_RUNTIME_PEAKS_H
#define FUSED_RUNTIME_PEAKS_H

#include <string>

namespace fused::rt {

/// Dense f16/bf16 tensor-core TFLOP/s (without sparsity).
inline double peakTensorTflops(const std::string &device) {
  auto has = [&](const char *s) { return device.find(s) != std::string::npos; };
  if (has("H100") || has("H200"))
    return has("PCIe") ? 756.0 : 989.0;
  if (has("A100"))
    return 312.0;
  return 0.0;
}

/// DRAM bandwidth in GB/s (10^9 bytes per second).
inline double peakMemoryGBps(const std::string &device) {
  auto has = [&](const char *s) { return device.find(s) != std::string::npos; };
  if (has("H200"))
    return 4800.0;
  if (has("H100"))
    return has("PCIe") ? 2000.0 : has("NVL") ? 3900.0 : 3350.0;
  if (has("A100"))
    return has("40GB") ? 1555.0 : has("PCIe") ? 1935.0 : 2039.0;
  return 0.0;
}

} // namespace fused::rt

#endif // FUSED_RUNTIME_PEAKS_H
