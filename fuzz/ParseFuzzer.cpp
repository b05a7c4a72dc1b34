//===- ParseFuzzer.cpp - parsing, verifying and printing fused IR ---------===//
//
// The input is MLIR text over the dialects fused registers. Parsing and
// verification must give a module or diagnostics, never crash. A module
// that verifies must print, and its printed form must parse, verify and
// print the same again (the custom assembly formats and verifiers of the
// fused ops round-trip), with the canonicalizer run on it (the folders and
// patterns of the fused ops) leaving a module that verifies.
//
//===----------------------------------------------------------------------===//

#include "fused/InitAll.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

using namespace mlir;

namespace {

/// A context for many inputs: made again now and then, since what the
/// inputs intern (types, attributes) accumulates.
MLIRContext &context() {
  static std::unique_ptr<MLIRContext> ctx;
  static int uses = 0;
  if (!ctx || ++uses % 2000 == 0) {
    DialectRegistry registry;
    fused::registerAllDialects(registry);
    ctx = std::make_unique<MLIRContext>(registry,
                                        MLIRContext::Threading::DISABLED);
    ctx->loadAllAvailableDialects();
    ctx->printOpOnDiagnostic(false);
  }
  return *ctx;
}

std::string print(ModuleOp m) {
  std::string text;
  llvm::raw_string_ostream os(text);
  m->print(os, OpPrintingFlags().enableDebugInfo(false));
  return text;
}

[[noreturn]] void bug(const char *what, const std::string &a,
                      const std::string &b = "") {
  std::fprintf(stderr, "ParseFuzzer: %s\n--- first\n%s\n--- second\n%s\n",
               what, a.c_str(), b.c_str());
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MLIRContext &ctx = context();
  // Diagnostics are expected; they go nowhere.
  ScopedDiagnosticHandler quiet(&ctx, [](Diagnostic &) { return success(); });
  std::string source(reinterpret_cast<const char *>(data), size);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &ctx);
  if (!module || failed(verify(*module)))
    return 0;
  std::string first = print(*module);
  OwningOpRef<ModuleOp> again = parseSourceString<ModuleOp>(first, &ctx);
  if (!again)
    bug("a verified module's printed form does not parse", first);
  if (failed(verify(*again)))
    bug("a verified module's printed form does not verify", first);
  std::string second = print(*again);
  if (second != first)
    bug("printing a printed module changes it", first, second);
  PassManager pm(&ctx);
  pm.addPass(createCanonicalizerPass());
  if (succeeded(pm.run(*again)) && failed(verify(*again)))
    bug("the canonicalizer leaves a module that does not verify", first,
        print(*again));
  return 0;
}
