//===- fused-compile.cpp - the fused compiler driver ----------------------===//
//
// Reads a module of `fused` ops and acts on one of its functions. Today's
// action is `--reference`: evaluate the function in float64 with the
// reference evaluator on random (or constant) inputs and print the results.
//
//===----------------------------------------------------------------------===//

#include "fused/Execution/HostRunner.h"
#include "fused/InitAll.h"
#include "fused/Pipeline/Pipeline.h"
#include "fused/Reference/Evaluator.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
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

static cl::opt<bool> checkHost(
    "check-host",
    cl::desc("Compile to the last host-runnable stage, run the kernels on "
             "the CPU and compare with the float64 reference (PASS/FAIL)"),
    cl::cat(category));

static cl::opt<double> tolerance(
    "tolerance",
    cl::desc("Relative error threshold for --check-host (default: 2e-3 for "
             "f16, 1e-2 for bf16, 1e-5 for f32, the loosest of the "
             "function's types)"),
    cl::init(0.0), cl::cat(category));

static cl::opt<std::string>
    entry("entry", cl::desc("Function to act on (default: every function)"),
          cl::value_desc("name"), cl::cat(category));

static cl::opt<uint64_t>
    seedOption("seed",
               cl::desc("Seed of the random inputs (default 1; 0 picks a "
                        "fresh seed, printed with the results)"),
               cl::init(1), cl::cat(category));

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

static std::string shapeString(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

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
  os << "  shape " << shapeString(t.shape) << "  norm "
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

/// The default relative error threshold for a function: the loosest of its
/// argument and result element types.
static double defaultTolerance(func::FuncOp func) {
  double tol = 1e-5;
  auto consider = [&](Type t) {
    Type et = cast<ShapedType>(t).getElementType();
    if (et.isF16())
      tol = std::max(tol, 2e-3);
    else if (et.isBF16())
      tol = std::max(tol, 1e-2);
  };
  for (Type t : func.getArgumentTypes())
    consider(t);
  for (Type t : func.getResultTypes())
    consider(t);
  return tol;
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
  llvm::raw_ostream &os = llvm::outs();
  for (func::FuncOp func : funcs) {
    std::vector<fused::ref::Tensor> inputs, expected, actual;
    if (failed(fused::ref::makeRandomInputs(func, seed, inputs)) ||
        failed(fused::ref::evaluate(func, inputs, expected)))
      return 1;
    if (failed(fused::host::runOnHost(*compiled, func.getSymName(), inputs,
                                      actual)))
      return 1;
    double tol = tolerance > 0 ? double(tolerance) : defaultTolerance(func);
    for (size_t i = 0; i < expected.size(); ++i) {
      double err = fused::ref::relativeError(actual[i], expected[i]);
      bool pass = !std::isnan(err) && err <= tol;
      allPass &= pass;
      os << "@" << func.getSymName() << " result " << i << ": relative error "
         << llvm::format("%.3e", err) << " (tolerance "
         << llvm::format("%.1e", tol) << ", seed " << seed << ") "
         << (pass ? "PASS" : "FAIL") << "\n";
    }
  }
  return allPass ? 0 : 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "fused compiler driver\n");
  seed = seedOption;
  if (seed == 0)
    seed = std::random_device{}() | 1;

  if (!reference && !checkHost) {
    llvm::errs() << "fused-compile: no action given; use --reference or "
                    "--check-host (see --help)\n";
    return 2;
  }
  if (reference && checkHost) {
    llvm::errs() << "fused-compile: --reference and --check-host are "
                    "exclusive\n";
    return 2;
  }

  DialectRegistry registry;
  fused::registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  std::string errorMessage;
  auto file = openInputFile(inputFilename, &errorMessage);
  if (!file) {
    llvm::errs() << "fused-compile: " << errorMessage << "\n";
    return 1;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1;
  SmallVector<func::FuncOp> funcs;
  if (failed(findEntries(*module, funcs)))
    return 1;
  if (checkHost)
    return runCheckHost(*module, funcs);
  for (func::FuncOp func : funcs)
    if (failed(runReference(func)))
      return 1;
  return 0;
}
