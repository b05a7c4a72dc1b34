//===- PtxCrossCheck.cpp - the emulator's accesses against the PTX --------===//
//
// See PtxCrossCheck.h. Sites are tagged with locations in a file named
// "fused-site" (line = site number + 1); line-table debug info carries them
// into the PTX as `.loc` directives, which apply to the instructions after
// them.
//
//===----------------------------------------------------------------------===//

#include "fused/Emulator/PtxCrossCheck.h"

#include "fused/Emulator/Emulate.h"
#include "fused/Pipeline/Bundle.h"
#include "fused/Runtime/MemoryAccess.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/Transforms/Passes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <set>
#include <vector>

using namespace mlir;

namespace fused::emu {
namespace {

constexpr llvm::StringLiteral kSiteFile = "fused-site";

/// How many of each instruction class ("st.global 16B", "ldmatrix.x4").
using Counts = std::map<std::string, int64_t>;

std::string format(const Counts &c) {
  std::string out;
  for (auto &[k, n] : c)
    out += (out.empty() ? "" : ", ") + k + " x" + std::to_string(n);
  return out.empty() ? "none" : out;
}

std::string spaceName(unsigned addressSpace) {
  return addressSpace == 1 ? ".global" : addressSpace == 3 ? ".shared" : "";
}

/// The PTX instructions the emulator counts for one execution of `a`.
Counts expectedPieces(const KernelAccess &a) {
  Counts c;
  switch (a.kind) {
  case KernelAccess::CpAsync:
    c["cp.async " + std::to_string(a.bytes) + "B"] = 1;
    break;
  case KernelAccess::Ldmatrix:
    c["ldmatrix.x" + std::to_string(a.ldmatrixNum) +
      (a.ldmatrixTrans ? ".trans" : "")] = 1;
    break;
  case KernelAccess::Atomic:
    c["atom" + spaceName(a.addressSpace) + " " + std::to_string(a.bytes) +
      "B"] = 1;
    break;
  case KernelAccess::Load:
  case KernelAccess::Store: {
    std::string op = a.kind == KernelAccess::Load ? "ld" : "st";
    rt::forEachAccessPiece(a.bytes, a.align, [&](int64_t, int64_t w) {
      ++c[op + spaceName(a.addressSpace) + " " + std::to_string(w) + "B"];
    });
    break;
  }
  }
  return c;
}

/// The class of one PTX instruction ("ld.global 16B", "cp.async 16B",
/// "ldmatrix.x4.trans"), or "" when it is not a memory instruction the
/// emulator checks (parameters, locals, constants, barriers, groups).
std::string classify(StringRef opcode, StringRef operands) {
  SmallVector<StringRef> parts;
  opcode.split(parts, '.');
  if (parts.empty())
    return "";
  if (parts[0] == "ld" || parts[0] == "st" || parts[0] == "atom" ||
      parts[0] == "red") {
    std::string space;
    int vector = 1, bits = 0;
    for (StringRef p : ArrayRef(parts).drop_front()) {
      if (p == "param" || p == "local" || p == "const")
        return "";
      if (p.starts_with("global"))
        space = ".global";
      else if (p.starts_with("shared"))
        space = ".shared";
      else if (p == "v2" || p == "v4" || p == "v8")
        vector = p[1] - '0';
      else if (p.size() >= 2 && llvm::is_contained("bsuf", p[0]) &&
               llvm::all_of(p.drop_front(), llvm::isDigit))
        p.drop_front().getAsInteger(10, bits);
    }
    std::string op = parts[0] == "red" ? "atom" : parts[0].str();
    return op + space + " " + std::to_string(vector * bits / 8) + "B";
  }
  if (opcode.starts_with("cp.async.ca.") || opcode.starts_with("cp.async.cg.")) {
    SmallVector<StringRef> ops;
    operands.split(ops, ',');
    return "cp.async " + (ops.size() > 2 ? ops[2].trim().str() : "?") + "B";
  }
  if (opcode.starts_with("ldmatrix.")) {
    std::string num = "?";
    for (StringRef p : parts)
      if (p.size() == 2 && p[0] == 'x')
        num = p.substr(1).str();
    return "ldmatrix.x" + num +
           (llvm::is_contained(parts, "trans") ? ".trans" : "");
  }
  return "";
}

struct ParsedPtx {
  /// Site number -> PTX instructions tagged with it.
  std::map<int64_t, Counts> sites;
  /// Function name -> all its memory instructions.
  std::map<std::string, Counts> functions;
  /// Function name -> memory instructions that carry no site.
  std::map<std::string, Counts> untagged;
};

ParsedPtx parsePtx(StringRef ptx) {
  ParsedPtx out;
  std::vector<int64_t> siteFiles;
  int64_t file = -1, line = 0;
  std::string function;
  SmallVector<StringRef> lines;
  ptx.split(lines, '\n');
  // The .file directives come after the code.
  for (StringRef raw : lines) {
    StringRef l = raw.trim();
    int64_t id;
    if (l.consume_front(".file") && !(l = l.trim()).consumeInteger(10, id) &&
        l.contains(kSiteFile))
      siteFiles.push_back(id);
  }
  for (StringRef raw : lines) {
    StringRef l = raw.trim();
    if (l.starts_with(".file"))
      continue;
    if (l.consume_front(".loc")) {
      StringRef rest = l.trim();
      if (rest.consumeInteger(10, file))
        file = -1;
      rest = rest.trim();
      if (rest.consumeInteger(10, line))
        line = 0;
      continue;
    }
    for (StringRef kw : {".entry ", ".func "}) {
      size_t at = l.find(kw);
      if (at != StringRef::npos && !l.starts_with("//")) {
        StringRef name = l.substr(at + kw.size()).trim();
        // ".func (.param .b32 r) name(" has a return list first.
        if (name.starts_with("("))
          name = name.substr(name.find(')') + 1).trim();
        function = name.take_until([](char c) {
                         return c == '(' || c == ' ' || c == '\t';
                       })
                       .str();
        file = -1;
        line = 0;
      }
    }
    if (l.empty() || l.starts_with(".") || l.starts_with("//") ||
        l.starts_with("{") || l.starts_with("}") || l.ends_with(":"))
      continue;
    if (l.starts_with("@")) // Predicate guard.
      l = l.drop_until([](char c) { return c == ' ' || c == '\t'; }).trim();
    StringRef opcode = l.take_until([](char c) { return c == ' ' || c == '\t'; });
    StringRef operands = l.drop_front(opcode.size()).trim();
    operands = operands.take_until([](char c) { return c == ';'; });
    std::string cls = classify(opcode, operands);
    if (cls.empty())
      continue;
    ++out.functions[function][cls];
    if (llvm::is_contained(siteFiles, file) && line > 0)
      ++out.sites[line - 1][cls];
    else
      ++out.untagged[function][cls];
  }
  return out;
}

/// The shipped PTX and the tagged PTX without debug directives, labels and
/// sections: the instructions, which line info must not change.
std::vector<std::string> codeLines(StringRef ptx) {
  std::vector<std::string> out;
  SmallVector<StringRef> lines;
  ptx.split(lines, '\n');
  for (StringRef raw : lines) {
    StringRef l = raw.trim();
    if (l.starts_with(".section") && l.contains(".debug"))
      break;
    if (l.empty() || l.starts_with(".loc") || l.starts_with(".file") ||
        l.starts_with("$L__") || l.starts_with("//") ||
        l.starts_with(".target"))
      continue;
    out.push_back(l.str());
  }
  return out;
}

struct Site {
  std::string function;
  std::string op;
  Counts expected;
};

} // namespace

/// The PTX that fused ships for `module`.
static FailureOr<std::string> shippedPtx(ModuleOp module,
                                         const PipelineOptions &ptxOptions) {
  OwningOpRef<ModuleOp> shipped = cast<ModuleOp>(module->clone());
  PassManager pm(module.getContext());
  buildBackendPipeline(pm, ptxOptions);
  if (failed(pm.run(*shipped)))
    return failure();
  return extractBinary(*shipped);
}

/// The same kernels' PTX with each access's instructions tagged by its
/// site (its line in kSiteFile); `sites` gets what the emulator executes
/// at each.
static FailureOr<std::string> taggedPtx(ModuleOp module,
                                        const PipelineOptions &ptxOptions,
                                        std::vector<Site> &sites) {
  MLIRContext *ctx = module.getContext();
  OwningOpRef<ModuleOp> tagged = cast<ModuleOp>(module->clone());
  {
    PassManager pm(ctx);
    buildNVVMConversions(pm, /*toLLVM=*/false);
    if (failed(pm.run(*tagged)))
      return failure();
  }
  for (auto gm : tagged->getOps<gpu::GPUModuleOp>()) {
    DataLayout dl(gm);
    for (auto func : gm.getOps<LLVM::LLVMFuncOp>()) {
      if (func.isExternal())
        continue;
      func.walk([&](Operation *op) {
        std::optional<KernelAccess> a = classifyAccess(op, dl);
        if (!a)
          return;
        sites.push_back({func.getSymName().str(),
                         op->getName().getStringRef().str(),
                         expectedPieces(*a)});
        op->setLoc(FileLineColLoc::get(
            ctx, kSiteFile, static_cast<unsigned>(sites.size()), 0));
      });
    }
  }
  PassManager pm(ctx);
  buildNVVMToLLVM(pm);
  LLVM::DIScopeForLLVMFuncOpPassOptions lines;
  lines.emissionKind = LLVM::DIEmissionKind::LineTablesOnly;
  pm.addPass(LLVM::createDIScopeForLLVMFuncOpPass(lines));
  buildNVVMTarget(pm, ptxOptions);
  buildSerializationPipeline(pm, ptxOptions);
  if (failed(pm.run(*tagged)))
    return failure();
  return extractBinary(*tagged);
}

/// An instruction kind by width alone, without its state space.
static std::string withoutSpace(std::string key) {
  for (StringRef space : {".global", ".shared"})
    if (size_t at = key.find(space.str()); at != std::string::npos)
      key.erase(at, space.size());
  return key;
}
/// `c` by width alone.
static Counts withoutSpace(const Counts &c) {
  Counts out;
  for (auto &[k, n] : c)
    out[withoutSpace(k)] += n;
  return out;
}

/// How many whole times `got` holds exactly the instructions of
/// `expected` (unrolling repeats them), or 0 when it does not.
static int64_t wholeMultiple(const Counts &expected, const Counts &got) {
  if (expected.empty() || got.size() != expected.size())
    return 0;
  int64_t times = 0;
  for (auto &[k, n] : expected) {
    auto it = got.find(k);
    if (n <= 0 || it == got.end() || it->second % n != 0 ||
        (times && it->second / n != times))
      return 0;
    times = it->second / n;
  }
  return times;
}

/// Whether `got` holds the instructions of `expected`, the same kinds and
/// each at least as often: the accesses of several sites, which the
/// backend may unroll by different factors or duplicate into branches.
static bool kindsWithinAtLeast(const Counts &expected, const Counts &got) {
  if (got.empty())
    return false;
  for (auto &[k, n] : got) {
    auto it = expected.find(k);
    if (it == expected.end() || it->second <= 0 || n < it->second)
      return false;
  }
  return true;
}

/// One function's sites against its PTX instructions; writes its line (and
/// its problems) to `os` and returns whether they agree.
static bool crossCheckFunction(const std::string &function,
                               const std::vector<int64_t> &list,
                               const std::vector<Site> &sites,
                               const ParsedPtx &ptx, llvm::raw_ostream &os) {
  int64_t removed = 0, unrolled = 0;
  std::string problems;
  // The kinds of the sites the backend unrolled (more instructions than one
  // execution has): a copy of such an access in an unrolled loop's
  // remainder may lose its line and be untagged.
  std::set<std::string> unrolledKinds;
  // What the sites without PTX instructions of their own would execute:
  // the backend may rebuild an access (keeping its width) under another
  // instruction's line, leaving it untagged.
  Counts removedExpected;
  for (int64_t s : list) {
    const Site &site = sites[s];
    auto it = ptx.sites.find(s);
    if (it == ptx.sites.end()) {
      ++removed;
      for (auto &[k, n] : site.expected)
        removedExpected[k] += n;
      continue;
    }
    // A generic pointer at the NVVM level (a kernel argument) is a global
    // or shared one in the PTX, where the backend infers the space: only
    // the width is compared.
    bool generic = withoutSpace(site.expected) == site.expected;
    Counts got = generic ? withoutSpace(it->second) : it->second;
    int64_t times = wholeMultiple(site.expected, got);
    if (times > 1) {
      ++unrolled;
      for (auto &[k, n] : got)
        unrolledKinds.insert(k);
    }
    if (!times)
      problems += "  site " + std::to_string(s) + " (" + site.op +
                  "): the emulator executes " + format(site.expected) +
                  " per execution; the PTX has " + format(got) + "\n";
  }
  auto untagged = ptx.untagged.find(function);
  bool retagged = false, untaggedEqual = false;
  int64_t copies = 0;
  if (untagged != ptx.untagged.end()) {
    // Agreement in total: the untagged instructions are of kinds the sites
    // left without any execute, each at least as often as they execute it
    // (unrolled or duplicated into branches; by width where a removed site
    // on a generic pointer names no space); the sites of kinds with no
    // untagged instruction are dead code.
    // A PTX kind the sites name with its state space is compared as such;
    // the others by width alone.
    // Untagged instructions of a kind no removed site executes but an
    // unrolled site does are copies of that site.
    Counts u;
    for (auto &[k, n] : untagged->second) {
      std::string key = removedExpected.count(k) ? k : withoutSpace(k);
      if (!removedExpected.count(key) && unrolledKinds.count(k)) {
        copies += n;
        continue;
      }
      u[key] += n;
    }
    if (u.empty()) {
      // Only copies: any removed site is dead code.
    } else if (kindsWithinAtLeast(removedExpected, u)) {
      retagged = true;
      untaggedEqual = u == removedExpected;
      if (!untaggedEqual)
        ++unrolled;
    } else {
      problems += "  PTX memory instructions that belong to no site: " +
                  format(untagged->second) +
                  (removed ? " (the sites without instructions execute " +
                                 format(removedExpected) + ")"
                           : std::string()) +
                  "\n";
    }
  }
  os << function << ": " << (problems.empty() ? "agree" : "DISAGREE") << " ("
     << list.size() << " sites";
  if (removed)
    os << ", " << removed
       << (!retagged ? " removed by the backend"
           : untaggedEqual
               ? " rebuilt by the backend under other lines, equal in total"
               : " rebuilt by the backend under other lines, at least as "
                 "many in total");
  if (unrolled)
    os << ", " << unrolled << " unrolled or duplicated";
  if (copies)
    os << ", " << copies << " untagged copies of unrolled sites";
  auto counts = ptx.functions.find(function);
  os << "); PTX: "
     << format(counts == ptx.functions.end() ? Counts() : counts->second)
     << "\n"
     << problems;
  return problems.empty();
}

FailureOr<PtxCrossCheck> crossCheckPtx(ModuleOp module,
                                       const PipelineOptions &options) {
  PipelineOptions ptxOptions = options;
  ptxOptions.binaryFormat = PipelineOptions::BinaryFormat::PTX;
  FailureOr<std::string> shipped = shippedPtx(module, ptxOptions);
  if (failed(shipped))
    return failure();
  std::vector<Site> sites;
  FailureOr<std::string> tagged = taggedPtx(module, ptxOptions, sites);
  if (failed(tagged))
    return failure();

  PtxCrossCheck result;
  llvm::raw_string_ostream os(result.report);
  // Tagging must not change the code: the tagged PTX is the shipped one.
  std::vector<std::string> a = codeLines(*shipped), b = codeLines(*tagged);
  if (a != b) {
    result.agree = false;
    size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i])
      ++i;
    os << "the PTX with site tags differs from the shipped PTX at "
          "instruction line "
       << i << ": '" << (i < a.size() ? a[i] : "<end>") << "' vs '"
       << (i < b.size() ? b[i] : "<end>") << "'\n";
  }

  ParsedPtx ptx = parsePtx(*tagged);
  std::map<std::string, std::vector<int64_t>> byFunction;
  for (size_t s = 0; s < sites.size(); ++s)
    byFunction[sites[s].function].push_back(static_cast<int64_t>(s));
  for (auto &[function, list] : byFunction)
    result.agree &= crossCheckFunction(function, list, sites, ptx, os);
  // PTX functions with memory instructions and no site at all.
  for (auto &[function, counts] : ptx.functions)
    if (!byFunction.count(function)) {
      result.agree = false;
      os << function << ": DISAGREE: PTX memory instructions the emulator "
            "never sees: "
         << format(counts) << "\n";
    }
  return result;
}

} // namespace fused::emu
