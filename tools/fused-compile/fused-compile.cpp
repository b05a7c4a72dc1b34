//===- fused-compile.cpp - the fused compiler driver ----------------------===//
//
// Reads a module of `fused` ops and does one of:
//   --emit=mlir|llvm|ptx|cubin|bundle   compile (the fused-gpu-pipeline)
//   --run                               run on a device (CUDA or the CPU
//                                       emulator); with --check compare
//                                       with the float64 reference
//   --reference                         evaluate in float64 and print
//   --check-host                        run the host-executable stage on
//                                       the CPU against the reference
//   --cross-check-ptx                   compare the memory instructions of
//                                       the PTX with the emulator's, site
//                                       for site
//
//===----------------------------------------------------------------------===//

#include "fused/Api/Program.h"
#include "fused/Dialect/Fused/IR/FusedOps.h"
#include "fused/Dialect/Fused/Transforms/Passes.h"
#include "fused/Emulator/Emulate.h"
#include "fused/Emulator/PtxCrossCheck.h"
#include "fused/Execution/HostRunner.h"
#include "fused/InitAll.h"
#include "fused/Pipeline/Bundle.h"
#include "fused/Conversion/KernelStrategy.h"
#include "fused/Dialect/Fused/IR/Schedule.h"
#include "fused/Runtime/Peaks.h"
#include "fused/Pipeline/Pipeline.h"
#include "fused/Reference/Evaluator.h"
#include "fused/Runtime/Bundle.h"
#include "fused/Runtime/Files.h"
#include "fused/Runtime/Runtime.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <limits>
#include <map>
#include <random>

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("fused-compile options");

static cl::opt<std::string> inputFilename(cl::Positional,
                                          cl::desc("<input .mlir file>"),
                                          cl::init("-"), cl::cat(category));

static cl::opt<bool>
    reference("reference",
              cl::desc("Evaluate the entry function with the float64 reference "
                       "evaluator and print its results"),
              cl::cat(category));

enum class EmitKind { None, MLIR, LLVM, PTX, Cubin, Bundle };
static cl::opt<EmitKind> emit(
    "emit", cl::desc("What to produce"), cl::init(EmitKind::None),
    cl::values(clEnumValN(EmitKind::MLIR, "mlir",
                          "MLIR after the --after stage (default: nvvm)"),
               clEnumValN(EmitKind::LLVM, "llvm", "LLVM IR of the GPU kernels"),
               clEnumValN(EmitKind::PTX, "ptx", "PTX of the GPU kernels"),
               clEnumValN(EmitKind::Cubin, "cubin", "cubin (runs ptxas)"),
               clEnumValN(EmitKind::Bundle, "bundle",
                          "a bundle directory: kernels.ptx, kernels.cubin when "
                          "ptxas is available, manifest.json")),
    cl::cat(category));

static cl::opt<std::string> stopAfter(
    "after",
    cl::desc("With --emit=mlir: the last stage to run (fuse, tile, promote, "
             "mma, nvvm, binary; default nvvm)"),
    cl::init("nvvm"), cl::cat(category));

static cl::opt<std::string>
    chip("chip",
         cl::desc("Target GPU: auto (default: the chip of the CUDA device "
                  "present, else sm_80), sm_80, sm_86, sm_89, sm_90, sm_90a"),
         cl::init("auto"), cl::cat(category));

/// A chip name with "auto" resolved against the CUDA device present (sm_80
/// without one); "" after printing an error.
static std::string resolvedChip(const std::string &chip = ::chip) {
  if (chip != "auto") {
    if (fused::Target::get(chip))
      return fused::Target::canonicalChip(chip);
    llvm::errs() << "fused-compile: unknown chip '" << chip
                 << "' (expected auto, " << fused::Target::chipList() << ")\n";
    return "";
  }
  auto cuda = fused::rt::openCudaDevice();
  auto r = fused::resolveAutoChip(cuda ? (*cuda)->chip() : "");
  if (!r) {
    llvm::errs() << "fused-compile: " << r.getStatus().getMessage() << "\n";
    return "";
  }
  return fused::Target::canonicalChip(r->chip);
}

static cl::opt<std::string> outputFilename(
    "o",
    cl::desc("Output file (a directory for --emit=bundle; default: "
             "stdout, or out.bundle)"),
    cl::value_desc("path"), cl::init("-"), cl::cat(category));

static cl::opt<std::string> ptxasOption(
    "ptxas",
    cl::desc("ptxas to use for cubins and --print-stats (default: "
             "$CUDA_HOME/bin, $CUDA_PATH/bin, PATH, /usr/local/cuda/bin)"),
    cl::value_desc("path"), cl::cat(category));

/// Where ptxas was looked for, for error messages.
static std::string ptxasSearchDescription() {
  return ptxasOption.empty()
             ? std::string("none found in $CUDA_HOME/bin, on PATH or in "
                           "/usr/local/cuda/bin")
             : "'" + ptxasOption + "' is not executable";
}

/// The ptxas to use, or "" if there is none.
static std::string ptxasPath() {
  if (!ptxasOption.empty())
    return llvm::sys::fs::can_execute(ptxasOption) ? std::string(ptxasOption)
                                                   : std::string();
  return fused::findPtxas();
}

static cl::opt<bool> printStats(
    "print-stats",
    cl::desc("Print per-kernel registers, spills, shared memory, threads per "
             "block and grid, registers per warpgroup role after setmaxnreg "
             "and ptxas's warnings (runs ptxas -v)"),
    cl::cat(category));

static cl::opt<bool> run(
    "run",
    cl::desc("Compile and run every function on a device with random inputs "
             "(NaN-poisoned outputs)"),
    cl::cat(category));

static cl::opt<std::string> deviceOption(
    "device",
    cl::desc("With --run: auto (default: CUDA when a GPU is present, else "
             "the emulator), cuda or emulator"),
    cl::init("auto"), cl::cat(category));

static cl::opt<bool>
    check("check",
          cl::desc("With --run: compare with the float64 reference and "
                   "print the relative error and PASS/FAIL"),
          cl::cat(category));

static cl::opt<bool> counters(
    "counters",
    cl::desc("With --run on the emulator: print each launch's counters "
             "(memory requests and sectors, shared-memory wavefronts, "
             "tensor-core operations, barriers)"),
    cl::cat(category));

static cl::opt<uint64_t> emulatorSeed(
    "emulator-seed",
    cl::desc("With --run on the emulator: the seed of the block order and "
             "thread interleaving (default: --seed)"),
    cl::init(0), cl::cat(category));

static cl::opt<bool> emulatorMathAtBound(
    "emulator-math-at-error-bound",
    cl::desc("With --run on the emulator: math functions (exp, exp2, tanh, "
             "erf, rsqrt, log) return results off by the largest error CUDA "
             "documents for them instead of correctly rounded ones, as the "
             "GPU's approximate instructions may"),
    cl::cat(category));

static cl::opt<std::string> plantBug(
    "plant-bug",
    cl::desc("With --run on the emulator: miscompile on purpose to test the "
             "emulator's checks (--list-planted-bugs names them)"),
    cl::Hidden, cl::cat(category));

static cl::opt<bool> listPlantedBugs(
    "list-planted-bugs",
    cl::desc("Print the bugs --plant-bug can plant, one per line"),
    cl::Hidden, cl::cat(category));

static cl::opt<bool> useCache(
    "cache",
    cl::desc("With --run: use the kernel cache (see README: FUSED_CACHE_DIR)"),
    cl::cat(category));

static cl::opt<unsigned> emulatorThreads(
    "emulator-threads",
    cl::desc("With --run on the emulator: host threads that run blocks "
             "(default: one per core)"),
    cl::init(0), cl::cat(category));

static cl::opt<unsigned> bench(
    "bench",
    cl::desc("With --run on cuda: time N launches of each kernel (after one "
             "warm-up) and print the median, TFLOP/s and fraction of peak"),
    cl::init(0), cl::cat(category));

static cl::opt<bool> checkHost(
    "check-host",
    cl::desc("Compile to the last host-runnable stage, run the kernels on "
             "the CPU and compare with the float64 reference (PASS/FAIL)"),
    cl::cat(category));

static cl::opt<bool> bundleEmulatorImage(
    "bundle-emulator-image",
    cl::desc("With --emit=bundle: include the emulator image, so that "
             "fused-run runs the bundle on the emulator (default true)"),
    cl::init(true), cl::cat(category));

static cl::opt<bool> withReference(
    "with-reference",
    cl::desc("With --emit=bundle: store seeded random inputs (--seed) of "
             "every function and their float64 reference outputs in the "
             "bundle, for fused-run --check"),
    cl::cat(category));

static cl::opt<bool> crossCheck(
    "cross-check-ptx",
    cl::desc("Compile the kernels to PTX for --chip and compare its memory "
             "instructions (ld/st by space and width, cp.async, ldmatrix) "
             "site for site with what the emulator executes; non-zero exit "
             "on any disagreement"),
    cl::cat(category));

static cl::opt<double> tolerance(
    "tolerance",
    cl::desc("Relative tolerance for --check-host and --run --check, for "
             "every result (default: per result, 2e-3 for f16, 1e-2 for "
             "bf16, 1e-5 for f32, the loosest of the result's type and of "
             "every rounding it is computed through); each element must "
             "satisfy |out - ref| <= atol + rtol*|ref| with atol = "
             "rtol*max|ref|"),
    cl::init(0.0), cl::cat(category));

static cl::opt<std::string>
    entry("entry", cl::desc("Function to act on (default: every function)"),
          cl::value_desc("name"), cl::cat(category));

static cl::opt<uint64_t>
    seedOption("seed",
               cl::desc("Seed of the random inputs (default 1; 0 picks a "
                        "fresh seed, printed with the results)"),
               cl::init(1), cl::cat(category));

static cl::list<int64_t> sizesOption(
    "sizes",
    cl::desc("Values of the dynamic sizes s0, s1, ... (the ? dimensions, "
             "numbered as the function's arguments first show them) for the "
             "inputs of --run, --check-host and --with-reference"),
    cl::value_desc("N,..."), cl::CommaSeparated, cl::cat(category));

/// The seed in use: --seed, or a fresh one for --seed=0.
static uint64_t seed = 0;

static cl::opt<unsigned> printValues(
    "print-values",
    cl::desc("How many leading values of each result to print (default 8)"),
    cl::init(8), cl::cat(category));

static cl::opt<bool> roundResults(
    "round-results",
    cl::desc("Round every intermediate result to its element type"),
    cl::cat(category));

static void printTensorSummary(llvm::raw_ostream &os,
                               const fused::ref::Tensor &t) {
  double sumSq = 0, mn = INFINITY, mx = -INFINITY, sum = 0;
  size_t nans = 0;
  for (double x : t.data) {
    if (std::isnan(x)) {
      ++nans;
      continue;
    }
    sumSq += x * x;
    sum += x;
    mn = std::min(mn, x);
    mx = std::max(mx, x);
  }
  os << "  shape " << fused::ref::formatShape(t.shape) << "  norm "
     << llvm::format("%.6g", std::sqrt(sumSq)) << "  min "
     << llvm::format("%.6g", mn) << "  max " << llvm::format("%.6g", mx)
     << "  mean "
     << llvm::format("%.6g", t.data.empty() ? 0.0 : sum / t.data.size());
  if (nans)
    os << "  nan " << nans;
  os << "\n  values";
  size_t n = std::min<size_t>(printValues, t.data.size());
  for (size_t i = 0; i < n; ++i)
    os << " " << llvm::format("%.6g", t.data[i]);
  if (n < t.data.size())
    os << " ... (" << t.data.size() << " values)";
  os << "\n";
}

/// The functions to act on: the one named by --entry, or every function
/// with a body, in order.
static LogicalResult findEntries(ModuleOp module,
                                 SmallVectorImpl<func::FuncOp> &funcs) {
  for (auto f : module.getOps<func::FuncOp>())
    if (!f.isExternal() && (entry.empty() || f.getSymName() == entry))
      funcs.push_back(f);
  if (!funcs.empty())
    return success();
  if (!entry.empty())
    return module.emitError()
           << "no function named @" << entry << " in the input";
  return module.emitError() << "the input defines no function";
}

static LogicalResult runReference(func::FuncOp func) {
  std::vector<fused::ref::Tensor> inputs, results;
  if (failed(fused::ref::makeRandomInputs(func, seed, inputs)))
    return failure();
  fused::ref::EvalOptions options;
  options.roundResults = roundResults;
  if (failed(fused::ref::evaluate(func, inputs, results, options)))
    return failure();
  llvm::raw_ostream &os = llvm::outs();
  os << "reference evaluation of @" << func.getSymName() << " in float64 (seed "
     << seed << ")\n";
  for (auto [i, t] : llvm::enumerate(func.getArgumentTypes()))
    os << "input " << i << ": " << t << " uniform in [-1, 1)\n";
  for (auto [i, t] : llvm::enumerate(results)) {
    os << "result " << i << ": " << func.getResultTypes()[i] << "\n";
    printTensorSummary(os, t);
  }
  return success();
}

/// Prints one PASS/FAIL line per result of @`name`, each judged with its
/// own tolerance (--tolerance overrides them all); true if all pass.
static bool reportComparison(StringRef name, std::vector<double> tols,
                             const std::vector<std::string> &dtypes,
                             const std::vector<fused::ref::Tensor> &actual,
                             const std::vector<fused::ref::Tensor> &expected) {
  bool allPass = true;
  for (size_t i = 0; i < expected.size(); ++i) {
    double tol = tolerance > 0 ? double(tolerance)
                 : i < tols.size() ? tols[i]
                                   : fused::toleranceFor("f32");
    std::string dtype = i < dtypes.size() ? dtypes[i] : "";
    fused::ref::Comparison c =
        i < actual.size()
            ? fused::judge(actual[i], expected[i], tol, dtype)
            : fused::judge(fused::ref::Tensor(), expected[i], tol, dtype);
    allPass &= c.pass;
    llvm::outs() << "@" << name << " result " << i << ": "
                 << fused::ref::describe(c, expected[i].shape)
                 << " (tolerance " << llvm::format("%.1e", tol) << ", seed "
                 << seed << ") " << (c.pass ? "PASS" : "FAIL") << "\n";
  }
  return allPass;
}

/// The input shapes of @`name` in `compiled` (a module past fusion) that
/// --sizes gives (the static ones when it has no dynamic dimensions);
/// none (empty) when it has no schedule; an error (printed) when the sizes
/// do not match.
static FailureOr<std::vector<std::vector<int64_t>>>
sizedInputShapes(ModuleOp compiled, StringRef name, StringRef what) {
  std::vector<std::vector<int64_t>> shapes;
  auto f = compiled.lookupSymbol<func::FuncOp>(name);
  FailureOr<fused::Schedule> schedule =
      f ? fused::buildSchedule(f, fused::supportedKernelKinds())
        : FailureOr<fused::Schedule>(failure());
  if (succeeded(schedule)) {
    std::string error;
    auto given = schedule->inputShapes(
        std::vector<int64_t>(sizesOption.begin(), sizesOption.end()), error);
    if (!given) {
      llvm::errs() << "fused-compile: " << what << ": " << error
                   << " (give them with --sizes=N,...)\n";
      return failure();
    }
    shapes = *given;
  }
  return shapes;
}

static int runCheckHost(ModuleOp module, ArrayRef<func::FuncOp> funcs) {
  // Reference results come from the module as written; the compiled copy
  // runs on the host.
  SmallVector<std::string> names;
  for (func::FuncOp f : funcs)
    names.push_back(f.getSymName().str());
  OwningOpRef<ModuleOp> compiled = cast<ModuleOp>(module->clone());
  PassManager pm(module.getContext());
  fused::PipelineOptions options;
  options.stopAfter = fused::kLastHostStage;
  fused::buildPipeline(pm, options);
  if (failed(pm.run(*compiled)))
    return 1;

  bool allPass = true;
  for (func::FuncOp func : funcs) {
    std::vector<fused::ref::Tensor> inputs, expected, actual;
    FailureOr<std::vector<std::vector<int64_t>>> shapes =
        sizedInputShapes(*compiled, func.getSymName(), "--check-host");
    if (failed(shapes) ||
        failed(fused::ref::makeRandomInputs(func, seed, *shapes, inputs)) ||
        failed(fused::ref::evaluate(func, inputs, expected)))
      return 1;
    if (failed(fused::host::runOnHost(*compiled, func.getSymName(), inputs,
                                      actual)))
      return 1;
    std::vector<std::string> dtypes;
    for (Type t : func.getResultTypes())
      dtypes.push_back(fused::typeName(getElementTypeOrSelf(t)));
    allPass &= reportComparison(func.getSymName(),
                                fused::resultTolerances(func), dtypes,
                                actual, expected);
  }
  return allPass ? 0 : 1;
}

/// Writes `data` to --o (stdout for "-"), whole or not at all.
static LogicalResult writeOutput(StringRef data) {
  if (outputFilename == "-") {
    llvm::outs() << data;
    llvm::outs().flush();
    if (llvm::outs().has_error()) {
      llvm::errs() << "fused-compile: cannot write to the standard output: "
                   << llvm::outs().error().message() << "\n";
      llvm::outs().clear_error();
      return failure();
    }
    return success();
  }
  if (fused::rt::Status st =
          fused::rt::writeFileAtomically(outputFilename, data.str());
      !st) {
    llvm::errs() << "fused-compile: " << st.getMessage() << "\n";
    return failure();
  }
  return success();
}

/// Per-kernel launch geometry, read at the mma stage.
static SmallVector<fused::KernelLaunchInfo> collectKernels(ModuleOp module) {
  SmallVector<fused::KernelLaunchInfo> infos;
  module.walk([&](gpu::GPUFuncOp k) {
    if (k.isKernel())
      infos.push_back(fused::readKernelLaunchInfo(k));
  });
  return infos;
}

static std::string joinDims(ArrayRef<int64_t> dims) {
  std::string s;
  for (auto [i, d] : llvm::enumerate(dims))
    s += (i ? "x" : "") + std::to_string(d);
  return s;
}

/// Runs ptxas -v on `ptx` and prints one line of statistics per kernel.
static LogicalResult printKernelStats(StringRef ptx, StringRef chip,
                                      ArrayRef<fused::KernelLaunchInfo> kernels) {
  std::string ptxas = ptxasPath();
  if (ptxas.empty()) {
    llvm::errs() << "fused-compile: --print-stats needs ptxas from a CUDA "
                    "toolkit: "
                 << ptxasSearchDescription() << "\n";
    return failure();
  }
  std::string log;
  auto cubin = fused::runPtxas(ptxas, ptx, chip, {"-v"}, &log);
  if (!cubin) {
    llvm::errs() << "fused-compile: " << cubin.getStatus().getMessage()
                 << "\n";
    return failure();
  }
  // ptxas -v reports, per function: "Compiling entry function 'K'",
  // "N bytes stack frame, S bytes spill stores, L bytes spill loads",
  // "Used R registers, ..., M bytes smem".
  llvm::raw_ostream &os = llvm::outs();
  os << llvm::format("%-40s %5s %7s %7s %7s %8s %9s %7s %s\n", "kernel", "regs",
                     "spill-s", "spill-l", "stack", "smem", "dyn-smem",
                     "threads", "grid");
  SmallVector<StringRef> lines;
  StringRef(log).split(lines, '\n');
  std::string current;
  int64_t stack = 0, spillS = 0, spillL = 0;
  std::map<std::string, int64_t> launchRegs;
  for (StringRef line : lines) {
    if (line.contains("Compiling entry function '")) {
      current = line.split("function '").second.split('\'').first.str();
      continue;
    }
    if (line.contains("bytes stack frame")) {
      sscanf(line.trim().str().c_str(),
             "%ld bytes stack frame, %ld bytes spill stores, %ld bytes spill "
             "loads",
             &stack, &spillS, &spillL);
      continue;
    }
    if (line.contains("Used ") && line.contains("registers")) {
      int64_t regs = 0, smem = 0;
      StringRef rest = line.split("Used ").second;
      rest.split(' ').first.getAsInteger(10, regs);
      if (line.contains("bytes smem")) {
        StringRef before = line.split(" bytes smem").first;
        before.rsplit(' ').second.getAsInteger(10, smem);
      }
      const fused::KernelLaunchInfo *info = nullptr;
      for (const fused::KernelLaunchInfo &k : kernels)
        if (k.name == current && k.hasGeometry)
          info = &k;
      os << llvm::format("%-40s %5ld %7ld %7ld %7ld %8ld %9ld %7s %s\n",
                         current.c_str(), regs, spillS, spillL, stack, smem,
                         info ? info->dynamicSharedMemory : 0,
                         info ? joinDims(info->block).c_str() : "?",
                         info ? joinDims(info->grid).c_str() : "?");
      launchRegs[current] = regs;
    }
  }
  // Registers per warpgroup role where a kernel moves them with setmaxnreg
  // (the producer decreases, the consumers increase): from the PTX.
  std::string entry;
  std::map<std::string, std::pair<int64_t, int64_t>> roles;
  SmallVector<StringRef> ptxLines;
  ptx.split(ptxLines, '\n');
  for (StringRef line : ptxLines) {
    line = line.trim();
    if (line.contains(".entry ")) {
      entry = line.split(".entry ").second.split('(').first.trim().str();
      continue;
    }
    for (auto [what, dec] : {std::pair("setmaxnreg.dec", true),
                             std::pair("setmaxnreg.inc", false)}) {
      if (!line.starts_with(what))
        continue;
      int64_t n = 0;
      line.rsplit(' ').second.rtrim(';').trim().getAsInteger(10, n);
      (dec ? roles[entry].first : roles[entry].second) = n;
    }
  }
  for (auto &[name, r] : roles)
    os << name << ": registers after setmaxnreg: producer warpgroup "
       << r.first << ", consumer warpgroups " << r.second << " ("
       << launchRegs[name] << " at launch)\n";
  // What ptxas warns about, and its wgmma and setmaxnreg advisories
  // (C75xx: an ignored setmaxnreg, serialised wgmma, an injected
  // warpgroup.arrive).
  for (StringRef line : lines)
    if (line.contains("warning") || line.contains("(C75"))
      os << line.trim() << "\n";
  return success();
}

/// Runs the pipeline up to the GPU kernels (the `mma` stage) for `options`;
/// `what` ("compile", "check") words the error for an input without any.
static LogicalResult runFrontEnd(ModuleOp module, fused::PipelineOptions options,
                                 StringRef what) {
  options.stopAfter = fused::Stage::Mma;
  PassManager front(module.getContext());
  fused::buildPipeline(front, options);
  if (failed(front.run(module)))
    return failure();
  if (!module.lookupSymbol<gpu::GPUModuleOp>("fused_kernels"))
    return module.emitError()
           << "nothing to " << what
           << ": the input has no kernel that code generation supports yet ("
           << fused::supportedKernelKinds() << ")";
  return success();
}

/// --cross-check-ptx.
static int runCrossCheck(ModuleOp module) {
  std::string chip = resolvedChip();
  if (chip.empty())
    return 2;
  fused::PipelineOptions options;
  options.chip = chip;
  if (failed(runFrontEnd(module, options, "check")))
    return 1;
  FailureOr<fused::emu::PtxCrossCheck> result =
      fused::emu::crossCheckPtx(module, options);
  if (failed(result))
    return 1;
  llvm::outs() << result->report;
  llvm::outs() << "PTX cross-check (" << chip << "): "
               << (result->agree ? "the emulator and the PTX agree"
                                 : "DISAGREEMENT")
               << "\n";
  return result->agree ? 0 : 1;
}

using BinaryFormat = fused::PipelineOptions::BinaryFormat;

/// The backend options for `chip`, with the toolkit of `ptxas` when there
/// is one.
static fused::PipelineOptions backendOptions(StringRef chip,
                                             const std::string &ptxas) {
  fused::PipelineOptions options;
  options.chip = chip.str();
  if (!ptxas.empty())
    options.toolkitPath =
        llvm::sys::path::parent_path(llvm::sys::path::parent_path(ptxas)).str();
  return options;
}

/// The nvvm stage on `module` (at the mma stage), in place.
static LogicalResult lowerToNVVM(ModuleOp module,
                                 fused::PipelineOptions options) {
  options.stopAfter = fused::Stage::NVVM;
  PassManager pm(module.getContext());
  fused::buildBackendPipeline(pm, options);
  return pm.run(module);
}

/// `nvvm` (at the nvvm stage, left as is) serialized as `format`: PTX by
/// the NVVM target, a cubin by ptxas on that PTX.
static FailureOr<std::string> serialize(ModuleOp nvvm,
                                        fused::PipelineOptions options,
                                        BinaryFormat format) {
  OwningOpRef<ModuleOp> m = cast<ModuleOp>(nvvm->clone());
  options.binaryFormat = BinaryFormat::PTX;
  PassManager pm(m->getContext());
  fused::buildSerializationPipeline(pm, options);
  if (failed(pm.run(*m)))
    return failure();
  FailureOr<std::string> ptx = fused::extractBinary(*m);
  if (failed(ptx) || format == BinaryFormat::PTX)
    return ptx;
  auto cubin = fused::runPtxas(ptxasPath(), *ptx, options.chip);
  if (!cubin) {
    llvm::errs() << "fused-compile: " << cubin.getStatus().getMessage()
                 << "\n";
    return failure();
  }
  return std::move(*cubin);
}

/// --emit=bundle: a directory with, per chip, the PTX and (with ptxas) the
/// cubin of the kernels, and the manifest. `module` is at the mma stage.
static int writeBundle(ModuleOp module, ModuleOp original,
                       ArrayRef<std::string> chips, const std::string &ptxas,
                       ArrayRef<fused::KernelLaunchInfo> kernels) {
  FailureOr<llvm::json::Value> manifest = fused::buildManifest(module, chips);
  if (failed(manifest))
    return 1;
  struct File {
    std::string name, data;
  };
  std::vector<File> files;
  struct Array {
    fused::rt::HostTensor tensor;
    std::string dtype;
  };
  std::vector<std::pair<std::string, Array>> arrays;
  std::map<std::string, std::string> stored; // contents -> file
  llvm::json::Array images;
  // The emulator image: fused-run runs the bundle on the emulator with it.
  if (bundleEmulatorImage) {
    FailureOr<std::string> ir = fused::emu::buildEmulatorImage(module);
    if (failed(ir))
      return 1;
    images.push_back(llvm::json::Object{{"format", "emulator"},
                                        {"file", "kernels.emu.ll"}});
    files.push_back({"kernels.emu.ll", std::move(*ir)});
  }
  // Each function's useful FLOPs (for fused-run --bench) and, with
  // --with-reference, its seeded inputs and their float64 reference outputs.
  for (auto &fv : *(*manifest->getAsObject())["functions"].getAsArray()) {
    auto &fo = *fv.getAsObject();
    std::string name = fo.getString("name")->str();
    auto func = original.lookupSymbol<func::FuncOp>(name);
    if (!func)
      continue;
    // With dynamic dimensions they depend on the sizes: fused-run counts
    // the bytes of each call itself, and leaves the FLOPs out.
    bool dynamic = llvm::any_of(func.getArgumentTypes(), [](Type t) {
      auto s = dyn_cast<ShapedType>(t);
      return s && !s.hasStaticShape();
    });
    if (!dynamic) {
      // JSON has no NaN or infinity: a count that is not finite is left out.
      double flops = fused::functionFlops(func);
      double bytes = fused::functionBytes(func);
      if (std::isfinite(flops))
        fo["flops"] = flops;
      if (std::isfinite(bytes))
        fo["bytes"] = bytes;
    }
    if (withReference) {
      std::vector<fused::ref::Tensor> inputs, outputs;
      // With dynamic dimensions: the input shapes that --sizes gives.
      FailureOr<std::vector<std::vector<int64_t>>> shapes =
          sizedInputShapes(module, name, "--with-reference");
      if (failed(shapes) ||
          failed(fused::ref::makeRandomInputs(func, seed, *shapes, inputs)) ||
          failed(fused::ref::evaluate(func, inputs, outputs)))
        return 1;
      llvm::json::Array inFiles, outFiles, tols;
      // Inputs in their own precision (bf16 as f32, exactly); references
      // in float64, or float32 for f16 and bf16 results (its rounding,
      // 6e-8 relative, is far inside their tolerances). Equal arrays are
      // stored once.
      auto store = [&](const fused::ref::Tensor &t, Type elem,
                       bool isInput, const std::string &file) {
        std::string et = fused::typeName(elem);
        std::string dtype = et == "f16" ? (isInput ? "f16" : "f32")
                            : et == "f64" ? "f64"
                            : et == "f32" ? (isInput ? "f32" : "f64")
                                          : "f32";
        std::string key = dtype + ":" + fused::ref::formatShape(t.shape) + ":";
        key.append(reinterpret_cast<const char *>(t.data.data()),
                   t.data.size() * sizeof(double));
        auto [it, fresh] = stored.try_emplace(key, file);
        if (fresh)
          arrays.push_back({file, {{t.shape, t.data}, dtype}});
        return it->second;
      };
      for (auto [i, t] : llvm::enumerate(inputs))
        inFiles.push_back(store(t, getElementTypeOrSelf(func.getArgumentTypes()[i]),
                                true, name + ".in" + std::to_string(i) + ".npy"));
      for (auto [i, t] : llvm::enumerate(outputs))
        outFiles.push_back(store(t, getElementTypeOrSelf(func.getResultTypes()[i]),
                                 false, name + ".ref" + std::to_string(i) + ".npy"));
      for (double t : fused::resultTolerances(func))
        tols.push_back(t);
      fo["reference"] = llvm::json::Object{{"seed", static_cast<int64_t>(seed)},
                                           {"inputs", std::move(inFiles)},
                                           {"outputs", std::move(outFiles)},
                                           {"tolerances", std::move(tols)}};
    }
  }
  for (const std::string &chip : chips) {
    fused::PipelineOptions options = backendOptions(chip, ptxas);
    OwningOpRef<ModuleOp> nvvm = cast<ModuleOp>(module->clone());
    if (failed(lowerToNVVM(*nvvm, options)))
      return 1;
    for (BinaryFormat format : {BinaryFormat::PTX, BinaryFormat::Cubin}) {
      if (format == BinaryFormat::Cubin && ptxas.empty())
        continue;
      FailureOr<std::string> data = serialize(*nvvm, options, format);
      if (failed(data))
        return 1;
      bool isPtx = format == BinaryFormat::PTX;
      if (isPtx && printStats && failed(printKernelStats(*data, chip, kernels)))
        return 1;
      std::string name = "kernels." + chip + (isPtx ? ".ptx" : ".cubin");
      images.push_back(llvm::json::Object{{"chip", chip},
                                          {"format", isPtx ? "ptx" : "cubin"},
                                          {"file", name}});
      files.push_back({name, std::move(*data)});
    }
  }
  (*manifest->getAsObject())["images"] = std::move(images);
  std::string manifestText;
  llvm::raw_string_ostream ms(manifestText);
  ms << llvm::formatv("{0:2}", *manifest) << "\n";
  files.push_back({"manifest.json", manifestText});

  // Everything is built: only now does the directory appear, whole (it
  // is filled beside its place and then renamed there; an earlier bundle
  // of that name stays until the new one is complete).
  std::string dir = outputFilename == "-" ? std::string("out.bundle")
                                          : std::string(outputFilename);
  auto fill = [&](const std::string &tmp) -> fused::rt::Status {
    for (const File &f : files) {
      llvm::SmallString<256> path(tmp);
      llvm::sys::path::append(path, f.name);
      if (fused::rt::Status st =
              fused::rt::writeFileAtomically(std::string(path), f.data);
          !st)
        return st;
    }
    for (const auto &[name, array] : arrays) {
      llvm::SmallString<256> path(tmp);
      llvm::sys::path::append(path, name);
      if (fused::rt::Status st = fused::rt::writeNpy(
              std::string(path), array.tensor, array.dtype);
          !st)
        return st;
    }
    return fused::rt::Status::ok();
  };
  if (fused::rt::Status st = fused::rt::writeDirectoryAtomically(dir, fill);
      !st) {
    llvm::errs() << "fused-compile: cannot write the bundle " << dir << ": "
                 << st.getMessage() << "\n";
    return 1;
  }
  if (ptxas.empty())
    llvm::errs() << "fused-compile: note: no ptxas found; the bundle holds "
                    "PTX only (the CUDA driver compiles it at load)\n";
  return 0;
}

/// The --emit actions.
static int runCompile(ModuleOp module) {
  // --chip=a,b,... (bundles only): every chip gets its images.
  SmallVector<std::string> chips;
  {
    SmallVector<StringRef> names;
    StringRef(chip).split(names, ',');
    if (names.size() > 1 && emit != EmitKind::Bundle) {
      llvm::errs() << "fused-compile: a list of chips (--chip=" << chip
                   << ") goes with --emit=bundle\n";
      return 2;
    }
    for (StringRef n : names) {
      std::string c = resolvedChip(n.trim().str());
      if (c.empty())
        return 2;
      if (!llvm::is_contained(chips, c))
        chips.push_back(c);
    }
  }
  // One set of kernels serves every chip of a bundle: it is designed for
  // the one with the least shared memory per block (the first of those),
  // so that its configuration is valid on all of them; the Hopper kernels
  // (TMA, wgmma: sm_90's most) thus come only in a bundle for sm_90 alone.
  std::string chip = chips.front();
  for (const std::string &c : chips)
    if (fused::Target::get(c)->limits.maxSharedMemoryPerBlock <
        fused::Target::get(chip)->limits.maxSharedMemoryPerBlock)
      chip = c;
  // The module as written, for the reference outputs of a bundle.
  OwningOpRef<ModuleOp> original = cast<ModuleOp>(module->clone());
  fused::PipelineOptions options;
  options.chip = chip;
  std::string ptxas;
  bool wantCubin = emit == EmitKind::Cubin;
  if (wantCubin || emit == EmitKind::Bundle) {
    ptxas = ptxasPath();
    if (ptxas.empty() && wantCubin) {
      llvm::errs() << "fused-compile: --emit=cubin needs ptxas from a CUDA "
                      "toolkit: "
                   << ptxasSearchDescription() << " (--emit=ptx needs none)\n";
      return 1;
    }
  }
  if (emit == EmitKind::MLIR) {
    std::optional<fused::Stage> stage = fused::parseStage(stopAfter);
    if (!stage) {
      llvm::errs() << "fused-compile: unknown stage '" << stopAfter
                   << "' (expected " << fused::stageNames() << ")\n";
      return 2;
    }
    options.stopAfter = *stage;
    PassManager pm(module.getContext());
    fused::buildPipeline(pm, options);
    if (failed(pm.run(module)))
      return 1;
    std::string text;
    llvm::raw_string_ostream os(text);
    module.print(os);
    return failed(writeOutput(text)) ? 1 : 0;
  }

  // Front end up to the GPU kernels; the manifest and launch geometry are
  // read there.
  if (failed(runFrontEnd(module, options, "compile")))
    return 1;
  // The other chips' limits (the front end checked the first one's).
  for (const std::string &c : ArrayRef(chips).drop_front()) {
    PassManager pm(module.getContext());
    pm.addPass(::fused::fused::createFusedCheckLimitsPass(
        ::fused::fused::FusedCheckLimitsPassOptions{c}));
    if (failed(pm.run(module)))
      return 1;
  }
  SmallVector<fused::KernelLaunchInfo> kernels = collectKernels(module);
  if (emit == EmitKind::Bundle)
    return writeBundle(module, *original, chips, ptxas, kernels);

  // The NVVM conversions run once; each binary format serializes that.
  fused::PipelineOptions backend = backendOptions(chip, ptxas);
  if (failed(lowerToNVVM(module, backend)))
    return 1;

  if (emit == EmitKind::LLVM) {
    auto gpuModule = module.lookupSymbol<gpu::GPUModuleOp>("fused_kernels");
    llvm::LLVMContext llvmContext;
    auto llvmModule = translateModuleToLLVMIR(gpuModule, llvmContext);
    if (!llvmModule)
      return 1;
    std::string text;
    llvm::raw_string_ostream os(text);
    llvmModule->print(os, nullptr);
    return failed(writeOutput(text)) ? 1 : 0;
  }

  // PTX for --emit=ptx and statistics.
  if (emit == EmitKind::PTX || printStats) {
    FailureOr<std::string> ptx = serialize(module, backend, BinaryFormat::PTX);
    if (failed(ptx))
      return 1;
    if (printStats && failed(printKernelStats(*ptx, chip, kernels)))
      return 1;
    if (emit == EmitKind::PTX)
      return failed(writeOutput(*ptx)) ? 1 : 0;
  }

  // --emit=cubin (ptxas was found above).
  FailureOr<std::string> cubin = serialize(module, backend, BinaryFormat::Cubin);
  if (failed(cubin))
    return 1;
  return failed(writeOutput(*cubin)) ? 1 : 0;
}


/// --run: compile with the embedding API, run each function on the device
/// with random inputs, print checksums and (with --check) compare.
static int runOnDevice(const std::string &source,
                       ArrayRef<std::string> names) {
  if (deviceOption != "auto" && deviceOption != "cuda" &&
      deviceOption != "emulator") {
    llvm::errs() << "fused-compile: unknown device '" << deviceOption
                 << "' (expected auto, cuda or emulator)\n";
    return 2;
  }
  std::unique_ptr<fused::rt::Device> device;
  fused::rt::EmulatorDevice *emulator = nullptr;
  if (deviceOption != "emulator") {
    auto cuda = fused::rt::openCudaDevice();
    if (cuda.isOk()) {
      device = std::move(*cuda);
    } else if (deviceOption == "cuda") {
      llvm::errs() << "fused-compile: " << cuda.getStatus().getMessage()
                   << "\n";
      return 1;
    } else {
      std::string why = cuda.getStatus().getMessage();
      why = why.substr(0, why.find("; use --device=emulator"));
      llvm::outs() << "no GPU (" << why << "); running on the emulator\n";
    }
  }
  if (!device) {
    fused::rt::EmulatorOptions eo;
    eo.seed = emulatorSeed ? uint64_t(emulatorSeed) : seed;
    eo.hostThreads = static_cast<int>(emulatorThreads);
    eo.mathAtErrorBound = emulatorMathAtBound;
    auto emu = fused::rt::openEmulatorDevice(eo);
    if (!emu) {
      llvm::errs() << "fused-compile: " << emu.getStatus().getMessage()
                   << "\n";
      return 1;
    }
    emulator = emu->get();
    device = std::move(*emu);
  }
  if (bench > 0 && emulator) {
    llvm::errs() << "fused-compile: --bench times kernels on a GPU; the "
                    "emulator measures counters instead (--counters)\n";
    return 2;
  }

  fused::CompileOptions co;
  co.chip = chip;
  co.target = emulator ? "emulator" : "cuda";
  co.cache = useCache;
  co.sourceName = inputFilename;
  co.plantBug = plantBug;
  auto program = fused::Program::compile(source, co);
  if (!program) {
    llvm::errs() << program.getStatus().getMessage() << "\n";
    return 1;
  }
  llvm::outs() << "device: " << device->name() << " (" << device->backend()
               << ")";
  if (!emulator)
    llvm::outs() << ", kernels for " << (*program)->chip() << " ("
                 << ((*program)->imageFormat() == fused::rt::ModuleFormat::PTX
                         ? "PTX"
                         : "cubin")
                 << ")";
  llvm::outs() << "\n";

  // Per launch: the emulator's counters, or GPU timing.
  auto afterLaunch = [&](const fused::LaunchInfo &l) -> fused::rt::Status {
    if (emulator && counters)
      llvm::outs() << "@" << l.function << " " << l.kernel << " counters:\n"
                   << emulator->lastCounters().format();
    if (bench == 0)
      return fused::rt::Status::ok();
    auto times = l.device->timeLaunches(*l.module, l.kernel, l.config,
                                        *l.args, bench + 1);
    if (!times)
      return times.getStatus();
    std::vector<float> t(times->begin() + 1, times->end());
    std::sort(t.begin(), t.end());
    double ms = t[t.size() / 2];
    double tflops = l.flops / (ms * 1e-3) / 1e12;
    double peak = fused::rt::peakTensorTflops(l.device->name());
    llvm::outs() << "@" << l.function << " " << l.kernel << ": median "
                 << llvm::format("%.4f", ms) << " ms of " << bench << ", "
                 << llvm::format("%.1f", tflops) << " TFLOP/s";
    if (peak > 0)
      llvm::outs() << " (" << llvm::format("%.1f", 100 * tflops / peak)
                   << "% of " << peak << ")";
    llvm::outs() << "\n";
    return fused::rt::Status::ok();
  };

  bool allPass = true;
  for (const std::string &name : names) {
    auto inputs = (*program)->randomInputs(
        name, seed,
        std::vector<int64_t>(sizesOption.begin(), sizesOption.end()));
    if (!inputs) {
      llvm::errs() << inputs.getStatus().getMessage() << "\n";
      return 1;
    }
    auto actual = (*program)->run(*device, name, *inputs, afterLaunch);
    if (!actual) {
      llvm::errs() << "fused-compile: " << actual.getStatus().getMessage()
                   << "\n";
      return 1;
    }
    const fused::FunctionInfo *info = nullptr;
    for (const fused::FunctionInfo &f : (*program)->functions())
      if (f.name == name)
        info = &f;
    for (size_t i = 0; i < actual->size(); ++i) {
      uint64_t h = fused::rt::outputChecksum(
          fused::Program::encode((*actual)[i], info->results[i].dtype));
      llvm::outs() << "@" << name << " result " << i << ": checksum "
                   << llvm::format_hex_no_prefix(h, 16) << "\n";
    }
    if (!check) {
      llvm::outs() << "@" << name << " ran (no --check)\n";
      continue;
    }
    auto expected = (*program)->reference(name, *inputs);
    if (!expected) {
      llvm::errs() << expected.getStatus().getMessage() << "\n";
      return 1;
    }
    std::vector<std::string> dtypes;
    for (const fused::TensorInfo &t : info->results)
      dtypes.push_back(t.dtype);
    allPass &= reportComparison(name, (*program)->tolerances(name), dtypes,
                                *actual, *expected);
  }
  return allPass ? 0 : 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  // Every write is checked: a file-size limit (ulimit -f) reached is an
  // error to report (EFBIG), not a signal that kills the compiler.
  std::signal(SIGXFSZ, SIG_IGN);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "fused compiler driver\n");
  seed = seedOption;
  if (seed == 0)
    seed = std::random_device{}() | 1;

  if (listPlantedBugs) {
    for (const fused::emu::PlantedBug &b : fused::emu::plantedBugs()) {
      llvm::outs() << b.name << ": " << b.description;
      if (!b.chip.empty())
        llvm::outs() << " [" << b.chip << " kernels]";
      llvm::outs() << "\n";
    }
    return 0;
  }
  if (printStats && emit == EmitKind::None) {
    llvm::errs() << "fused-compile: --print-stats goes with --emit\n";
    return 2;
  }
  if (withReference && emit != EmitKind::Bundle) {
    llvm::errs() << "fused-compile: --with-reference goes with --emit=bundle\n";
    return 2;
  }
  if ((check || counters || emulatorThreads > 0 || emulatorSeed > 0 ||
       emulatorMathAtBound || !plantBug.empty() || bench > 0) &&
      !run) {
    llvm::errs() << "fused-compile: --check, --counters, --emulator-seed, "
                    "--emulator-threads, --emulator-math-at-error-bound, "
                    "--plant-bug and --bench go with --run\n";
    return 2;
  }
  int actions = (reference ? 1 : 0) + (checkHost ? 1 : 0) + (run ? 1 : 0) +
                (emit != EmitKind::None ? 1 : 0) + (crossCheck ? 1 : 0);
  if (actions == 0) {
    llvm::errs() << "fused-compile: no action given; use --emit=<kind>, "
                    "--run, --reference, --check-host or --cross-check-ptx (see --help)\n";
    return 2;
  }
  if (actions > 1) {
    llvm::errs() << "fused-compile: --emit, --run, --reference, "
                    "--check-host and --cross-check-ptx are exclusive\n";
    return 2;
  }

  DialectRegistry registry;
  fused::registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // Diagnostics name the op; they do not dump it.
  context.printOpOnDiagnostic(false);

  std::string errorMessage;
  auto file = openInputFile(inputFilename, &errorMessage);
  if (!file) {
    llvm::errs() << "fused-compile: " << errorMessage << "\n";
    return 1;
  }
  std::string sourceText = file->getBuffer().str();
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1;
  if (emit != EmitKind::None || crossCheck) {
    // --entry restricts compilation to one function.
    if (!entry.empty()) {
      SmallVector<func::FuncOp> keep;
      if (failed(findEntries(*module, keep)))
        return 1;
      for (auto f : llvm::make_early_inc_range(module->getOps<func::FuncOp>()))
        if (f != keep.front())
          f.erase();
    }
    return crossCheck ? runCrossCheck(*module) : runCompile(*module);
  }
  SmallVector<func::FuncOp> funcs;
  if (failed(findEntries(*module, funcs)))
    return 1;
  if (checkHost)
    return runCheckHost(*module, funcs);
  if (run) {
    SmallVector<std::string> names;
    for (func::FuncOp f : funcs)
      names.push_back(f.getSymName().str());
    return runOnDevice(sourceText, names);
  }
  for (func::FuncOp func : funcs)
    if (failed(runReference(func)))
      return 1;
  return 0;
}
