//===- fused-run.cpp - run a kernel bundle without the compiler -----------===//
//
//   fused-run BUNDLE [--function=NAME] [--device=auto|cuda|emulator]
//             [--check [--reference=DIR]] [--inputs=DIR] [--outputs=DIR]
//             [--seed=N] [--sizes=N,...] [--bench=N]
//
// Runs a bundle's functions (docs/bundle.md) on a CUDA GPU or, in the full
// build, on the emulator. Inputs come from the bundle's reference data
// (--check, which then compares every output with its float64 reference
// by fused's rule; --reference takes the reference data of the bundle DIR
// instead, e.g. one compiled with other sizes for the dynamic dimensions),
// from DIR/<function>.in<i>.npy (--inputs), or are drawn
// uniformly in [-1, 1) from --seed, of the shapes that --sizes gives a
// function with dynamic dimensions (the values of its size symbols s0, s1,
// ...; inputs from files bring their own). --outputs writes each output as
// DIR/<function>.out<i>.npy (float64). --bench times each launch on a GPU
// (device events, one warm-up, median of N). Plain C++17: the runtime-only
// build has it too.
//
//===----------------------------------------------------------------------===//

#include "fused/Runtime/Bundle.h"
#include "fused/Runtime/Peaks.h"
#include "fused/Runtime/Compare.h"
#include "fused/Runtime/Runtime.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace fused::rt;

namespace {

void usage(FILE *out) {
  std::fprintf(out,
               "usage: fused-run BUNDLE [--function=NAME] "
               "[--device=auto|cuda|emulator] [--check [--reference=DIR]] "
               "[--inputs=DIR] "
               "[--outputs=DIR] [--seed=N] [--sizes=N,...] [--bench=N]\n");
}

int fail(const std::string &message, int code = 1) {
  std::fprintf(stderr, "fused-run: %s\n", message.c_str());
  return code;
}

bool parseUnsigned(const std::string &s, uint64_t &out) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
    return false;
  out = std::strtoull(s.c_str(), nullptr, 10);
  return true;
}

} // namespace

int main(int argc, char **argv) {
  // Every write is checked: a file-size limit reached is an error to
  // report (EFBIG), not a signal that kills the process.
  std::signal(SIGXFSZ, SIG_IGN);
  std::string bundleDir, function, deviceKind = "auto", inputsDir, outputsDir,
      referenceDir;
  bool check = false;
  uint64_t seed = 1, bench = 0;
  std::vector<int64_t> sizes;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char *flag, std::string &out) {
      std::string prefix = std::string(flag) + "=";
      if (a.rfind(prefix, 0) == 0) {
        out = a.substr(prefix.size());
        return true;
      }
      return false;
    };
    std::string v;
    if (a == "--help" || a == "-h") {
      usage(stdout);
      return 0;
    } else if (a == "--check") {
      check = true;
    } else if (value("--function", function) || value("--device", deviceKind) ||
               value("--inputs", inputsDir) || value("--outputs", outputsDir) ||
               value("--reference", referenceDir)) {
    } else if (value("--sizes", v)) {
      std::stringstream ss(v);
      std::string item;
      while (std::getline(ss, item, ',')) {
        uint64_t n = 0;
        if (!parseUnsigned(item, n))
          return fail("--sizes needs numbers separated by commas, got '" + v +
                          "'",
                      2);
        sizes.push_back(static_cast<int64_t>(n));
      }
    } else if (value("--seed", v)) {
      if (!parseUnsigned(v, seed))
        return fail("--seed needs a number, got '" + v + "'", 2);
    } else if (value("--bench", v)) {
      if (!parseUnsigned(v, bench) || bench == 0)
        return fail("--bench needs a positive number, got '" + v + "'", 2);
    } else if (a.rfind("--", 0) == 0) {
      usage(stderr);
      return fail("unknown option '" + a + "'", 2);
    } else if (bundleDir.empty()) {
      bundleDir = a;
    } else {
      usage(stderr);
      return fail("one bundle at a time ('" + a + "' is a second)", 2);
    }
  }
  if (bundleDir.empty()) {
    usage(stderr);
    return 2;
  }
  if (deviceKind != "auto" && deviceKind != "cuda" && deviceKind != "emulator")
    return fail("unknown device '" + deviceKind +
                    "' (expected auto, cuda or emulator)",
                2);
  if (check && !inputsDir.empty())
    return fail("--check runs on the bundle's reference inputs; --inputs "
                "goes without it",
                2);

  if (!referenceDir.empty() && !check)
    return fail("--reference=DIR goes with --check", 2);
  StatusOr<Bundle> bundle = Bundle::open(bundleDir);
  if (!bundle)
    return fail(bundle.getStatus().getMessage());
  // --check against the reference data of another bundle of the same
  // functions (compiled with other sizes for the dynamic dimensions).
  const std::string &refDir = referenceDir.empty() ? bundleDir : referenceDir;
  StatusOr<Bundle> refBundle =
      referenceDir.empty() ? bundle : Bundle::open(referenceDir);
  if (!refBundle)
    return fail(refBundle.getStatus().getMessage());

  // The device.
  std::unique_ptr<Device> device;
  if (deviceKind != "emulator") {
    auto cuda = openCudaDevice();
    if (cuda) {
      device = std::move(*cuda);
    } else if (deviceKind == "cuda") {
      return fail(cuda.getStatus().getMessage());
    } else {
#ifdef FUSED_RUN_WITH_EMULATOR
      std::printf("fused-run: no CUDA GPU (%s); using the emulator\n",
                  cuda.getStatus().getMessage().c_str());
#else
      std::string m = cuda.getStatus().getMessage();
      if (size_t at = m.find("; use --device=emulator"); at != std::string::npos)
        m.erase(at);
      return fail(m + " (and this runtime-only build has no emulator)");
#endif
    }
  }
  if (!device) {
#ifdef FUSED_RUN_WITH_EMULATOR
    auto emu = openEmulatorDevice();
    if (!emu)
      return fail(emu.getStatus().getMessage());
    device = std::move(*emu);
#else
    return fail("--device=emulator needs the full build of fused (this "
                "runtime-only build has no emulator)",
                2);
#endif
  }
  if (bench && device->backend() != "cuda")
    return fail("--bench times kernels on a GPU", 2);

  auto runner = BundleRunner::load(*bundle, *device);
  if (!runner)
    return fail(runner.getStatus().getMessage());
  std::printf("device: %s (%s), image: %s\n", device->name().c_str(),
              device->backend().c_str(), (*runner)->imageChoice().c_str());

  std::vector<const FunctionSpec *> functions;
  for (const FunctionSpec &f : bundle->functions())
    if (function.empty() || f.name == function)
      functions.push_back(&f);
  if (functions.empty())
    return fail(function.empty() ? "the bundle has no functions"
                                 : "the bundle has no function named '" +
                                       function + "'",
                2);

  bool allPass = true;
  for (const FunctionSpec *f : functions) {
    std::vector<HostTensor> inputs;
    const FunctionSpec *rf = refBundle->function(f->name);
    if (check) {
      if (!rf || !rf->hasReference)
        return fail("@" + f->name + " has no reference data in " +
                    (referenceDir.empty() ? std::string("the bundle")
                                          : referenceDir) +
                    " (compile it with fused-compile --emit=bundle "
                    "--with-reference)");
      if (rf->referenceInputs.size() != f->inputs.size())
        return fail("@" + f->name + " takes " +
                    std::to_string(f->inputs.size()) + " inputs; the "
                    "reference data has " +
                    std::to_string(rf->referenceInputs.size()));
      for (const std::string &file : rf->referenceInputs) {
        auto t = readNpy(refDir + "/" + file);
        if (!t)
          return fail(t.getStatus().getMessage());
        inputs.push_back(std::move(*t));
      }
    } else if (!inputsDir.empty()) {
      for (size_t i = 0; i < f->inputs.size(); ++i) {
        auto t = readNpy(inputsDir + "/" + f->name + ".in" +
                         std::to_string(i) + ".npy");
        if (!t)
          return fail(t.getStatus().getMessage());
        inputs.push_back(std::move(*t));
      }
    } else {
      std::mt19937_64 rng(seed);
      std::uniform_real_distribution<double> u(-1.0, 1.0);
      if (f->dynamic && sizes.empty())
        return fail("@" + f->name + " has dynamic dimensions: give their "
                    "sizes with --sizes=N,... (s0, s1, ...)", 2);
      auto shapes = f->inputShapesFor(sizes);
      if (!shapes)
        return fail(shapes.getStatus().getMessage(), 2);
      for (const std::vector<int64_t> &shape : *shapes) {
        int64_t n = 1;
        for (int64_t d : shape)
          n *= d;
        HostTensor h{shape, std::vector<double>(static_cast<size_t>(n))};
        for (double &x : h.data)
          x = u(rng);
        inputs.push_back(std::move(h));
      }
    }
    BundleRunner::LaunchHook hook;
    double callMs = 0;
    if (bench)
      hook = [&](const KernelSpec &k, Module &m, const LaunchConfig &config,
                 const std::vector<KernelArg> &args) -> Status {
        auto times = device->timeLaunches(m, k.name, config, args,
                                          static_cast<int>(bench));
        if (!times)
          return times.getStatus();
        std::vector<float> t = *times;
        std::sort(t.begin(), t.end());
        std::printf("@%s %s: median %.4f ms of %zu launches\n",
                    f->name.c_str(), k.name.c_str(), t[t.size() / 2],
                    t.size());
        callMs += t[t.size() / 2];
        return Status::ok();
      };
    auto outputs = (*runner)->run(f->name, inputs, hook);
    if (!outputs)
      return fail(outputs.getStatus().getMessage());
    if (bench && callMs > 0) {
      // Compute-bound functions in TFLOP/s, the others in GB/s of their
      // minimum traffic; with the fraction of the device's peak when it is
      // known.
      auto format = [](double value, const char *unit, double peak,
                       const char *of) {
        char buf[128];
        int n = std::snprintf(buf, sizeof(buf), ", %.1f %s", value, unit);
        if (peak > 0)
          std::snprintf(buf + n, sizeof(buf) - n, " (%.1f%% of %s)",
                        100 * value / peak, of);
        return std::string(buf);
      };
      std::string rate;
      // A function with dynamic dimensions: the bytes of this call's
      // inputs and outputs.
      double bytes = f->bytes;
      if (f->dynamic && bytes == 0) {
        for (size_t i = 0; i < inputs.size(); ++i)
          bytes += double(inputs[i].data.size()) *
                   dtypeBytes(f->buffers[f->inputs[i]].tensor.dtype);
        for (size_t i = 0; i < outputs->size(); ++i)
          bytes += double((*outputs)[i].data.size()) *
                   dtypeBytes(f->buffers[f->outputs[i]].tensor.dtype);
      }
      if (f->flops > 0)
        rate = format(f->flops / callMs / 1e9, "TFLOP/s",
                      peakTensorTflops(device->name()), "peak");
      else if (bytes > 0)
        rate = format(bytes / callMs / 1e6, "GB/s",
                      peakMemoryGBps(device->name()), "memory bandwidth");
      std::printf("@%s: %.4f ms per call (sum of its launches' medians)%s\n",
                  f->name.c_str(), callMs, rate.c_str());
    }
    for (size_t i = 0; i < outputs->size(); ++i) {
      const HostTensor &out = (*outputs)[i];
      const std::string &dtype = f->buffers[f->outputs[i]].tensor.dtype;
      std::printf("@%s result %zu: checksum %016llx\n", f->name.c_str(), i,
                  static_cast<unsigned long long>(
                      outputChecksum(encodeValues(out.data, dtype))));
      if (!outputsDir.empty()) {
        std::string path =
            outputsDir + "/" + f->name + ".out" + std::to_string(i) + ".npy";
        if (Status s = writeNpy(path, out); !s)
          return fail(s.getMessage());
      }
      if (!check)
        continue;
      if (i >= rf->referenceOutputs.size())
        return fail("@" + f->name + ": the reference data has " +
                    std::to_string(rf->referenceOutputs.size()) + " outputs");
      auto ref = readNpy(refDir + "/" + rf->referenceOutputs[i]);
      if (!ref)
        return fail(ref.getStatus().getMessage());
      double tol = rf->tolerances[i];
      double overflow =
          overflowFor(f->buffers[f->outputs[i]].tensor.dtype);
      Comparison c = ref->shape == out.shape
                         ? compare(out.data, ref->data, tol, overflow)
                         : compare({}, ref->data, tol, overflow);
      allPass &= c.pass;
      std::printf("@%s result %zu: %s (tolerance %.1e, seed %llu) %s\n",
                  f->name.c_str(), i, describe(c, ref->shape).c_str(), tol,
                  static_cast<unsigned long long>(rf->referenceSeed),
                  c.pass ? "PASS" : "FAIL");
    }
  }
  return allPass ? 0 : 1;
}
