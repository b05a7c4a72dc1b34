//===- FusedDialect.cpp - the fused dialect -------------------------------===//
//
// Registers the ops and attributes of the `fused` dialect.
//
//===----------------------------------------------------------------------===//

#include "fused/Dialect/Fused/IR/FusedDialect.h"
#include "fused/Dialect/Fused/IR/FusedOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace fused::fused;

#include "fused/Dialect/Fused/IR/FusedDialect.cpp.inc"
#include "fused/Dialect/Fused/IR/FusedEnums.cpp.inc"

/// The optional tail of #fused.launch: `, sizes = [...]` and `,
/// tensor_maps = [...]`, each at most once, in that order.
static ParseResult parseLaunchExtras(AsmParser &parser, ArrayAttr &sizes,
                                     ArrayAttr &maps) {
  while (succeeded(parser.parseOptionalComma())) {
    StringRef key;
    if (parser.parseKeyword(&key) || parser.parseEqual())
      return failure();
    ArrayAttr *slot = key == "sizes" && !sizes && !maps ? &sizes
                      : key == "tensor_maps" && !maps   ? &maps
                                                        : nullptr;
    if (!slot)
      return parser.emitError(parser.getCurrentLocation(),
                              "expected 'sizes' or 'tensor_maps' (once "
                              "each, in that order), got '")
             << key << "'";
    if (parser.parseAttribute(*slot))
      return failure();
  }
  return success();
}

static void printLaunchExtras(AsmPrinter &printer, ArrayAttr sizes,
                              ArrayAttr maps) {
  if (sizes)
    printer << ", sizes = " << sizes;
  if (maps)
    printer << ", tensor_maps = " << maps;
}

#define GET_ATTRDEF_CLASSES
#include "fused/Dialect/Fused/IR/FusedAttrs.cpp.inc"

void FusedDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "fused/Dialect/Fused/IR/FusedAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "fused/Dialect/Fused/IR/FusedOps.cpp.inc"
      >();
}

LogicalResult
GemmConfigAttr::verify(llvm::function_ref<InFlightDiagnostic()> emitError,
                       int64_t blockM, int64_t blockN, int64_t blockK,
                       int64_t warpsM, int64_t warpsN, int64_t stages) {
  if (blockM <= 0 || blockN <= 0 || blockK <= 0 || warpsM <= 0 || warpsN <= 0)
    return emitError() << "block and warp counts must be positive";
  if (blockM % warpsM != 0 || blockN % warpsN != 0)
    return emitError() << "block [" << blockM << ", " << blockN
                       << "] must divide evenly among warps [" << warpsM << ", "
                       << warpsN << "]";
  int64_t wm = blockM / warpsM, wn = blockN / warpsN;
  if (wm % 16 != 0 || wn % 16 != 0)
    return emitError() << "warp tile [" << wm << ", " << wn
                       << "] must be a multiple of 16 in both dimensions";
  if (blockK % 16 != 0)
    return emitError() << "block_k = " << blockK << " must be a multiple of 16";
  if (stages < 1 || stages > 8)
    return emitError() << "stages = " << stages << " must be in [1, 8]";
  if (32 * warpsM * warpsN > 1024)
    return emitError() << warpsM * warpsN
                       << " warps exceed 1024 threads per block";
  return success();
}

::fused::Target fused::fused::moduleTarget(Operation *op) {
  ModuleOp module = isa<ModuleOp>(op) ? cast<ModuleOp>(op)
                                      : op->getParentOfType<ModuleOp>();
  // A gpu.module sits inside the module that names the target.
  while (module && !FusedDialect::TargetAttrHelper(op->getContext())
                        .isAttrPresent(module))
    module = module->getParentOfType<ModuleOp>();
  StringRef chip = ::fused::Target::defaultChip();
  if (module)
    chip = FusedDialect::TargetAttrHelper(op->getContext())
               .getAttr(module)
               .getValue();
  // The verifier admits known chips only.
  return *::fused::Target::get(chip);
}

LogicalResult
AttentionConfigAttr::verify(llvm::function_ref<InFlightDiagnostic()> emitError,
                            int64_t blockM, int64_t blockN, int64_t warps) {
  if (blockM <= 0 || blockN <= 0 || warps <= 0)
    return emitError() << "block and warp counts must be positive";
  if (blockM % (16 * warps) != 0)
    return emitError() << "block_m = " << blockM << " must give each of the "
                       << warps << " warps a multiple of 16 rows";
  if (blockN % 16 != 0)
    return emitError() << "block_n = " << blockN
                       << " must be a multiple of 16";
  if (32 * warps > 1024)
    return emitError() << warps << " warps exceed 1024 threads per block";
  return success();
}

LogicalResult
LaunchConfigAttr::verify(llvm::function_ref<InFlightDiagnostic()> emitError,
                         ArrayRef<int64_t> grid, ArrayRef<int64_t> block,
                         int64_t dynamicSharedMemory, int64_t numOutputs,
                         ArrayAttr gridSizes, ArrayAttr tensorMaps) {
  if (tensorMaps && !llvm::all_of(tensorMaps, [](Attribute a) {
        return isa<TensorMapAttr>(a);
      }))
    return emitError() << "tensor_maps must hold #fused.tensor_map "
                          "attributes";
  if (grid.size() != 3 || block.size() != 3)
    return emitError() << "grid and block must have 3 dimensions (x, y, z)";
  if (gridSizes &&
      (gridSizes.size() != 3 ||
       !llvm::all_of(gridSizes, [](Attribute a) { return isa<StringAttr>(a); })))
    return emitError() << "sizes must be 3 strings (x, y, z)";
  for (int64_t d : grid)
    if (d < 0)
      return emitError() << "grid dimensions must be >= 0";
  for (int64_t d : block)
    if (d < 1)
      return emitError() << "block dimensions must be >= 1";
  if (dynamicSharedMemory < 0 || numOutputs < 0)
    return emitError() << "shared memory and outputs must be >= 0";
  return success();
}

LogicalResult
TensorMapAttr::verify(llvm::function_ref<InFlightDiagnostic()> emitError,
                      int64_t arg, ArrayRef<int64_t> box, int64_t swizzle) {
  if (arg < 0)
    return emitError() << "tensor map argument must be >= 0";
  if (box.empty() || box.size() > 5)
    return emitError() << "a tensor map box has 1 to 5 dimensions";
  for (int64_t b : box)
    if (b < 1 || b > 256)
      return emitError() << "tensor map box sizes must be in [1, 256]";
  if (swizzle != 0 && swizzle != 32 && swizzle != 64 && swizzle != 128)
    return emitError() << "tensor map swizzle must be 0, 32, 64 or 128";
  return success();
}

StringRef LaunchConfigAttr::getGridSize(unsigned i) const {
  if (!getGridSizes() || i >= getGridSizes().size())
    return "";
  return cast<StringAttr>(getGridSizes()[i]).getValue();
}

bool LaunchConfigAttr::hasDynamicGrid() const {
  for (unsigned i = 0; i < 3; ++i)
    if (!getGridSize(i).empty())
      return true;
  return false;
}

LogicalResult FusedDialect::verifyOperationAttribute(Operation *op,
                                                     NamedAttribute attr) {
  MLIRContext *ctx = op->getContext();
  StringRef name = attr.getName().getValue();
  auto expect = [&](bool ok, StringRef what) -> LogicalResult {
    if (ok)
      return success();
    return op->emitError() << "'" << name << "' must be " << what << ", got "
                           << attr.getValue();
  };
  Attribute v = attr.getValue();
  if (name == TargetAttrHelper(ctx).getNameStr()) {
    if (!isa<ModuleOp>(op))
      return op->emitError() << "'" << name << "' belongs on a module";
    auto chip = dyn_cast<StringAttr>(v);
    if (!chip || !::fused::Target::get(chip.getValue()))
      return op->emitError() << "'" << name << "' must name a chip ("
                             << ::fused::Target::chipList() << "), got " << v;
    return success();
  }
  if (name == KernelKindAttrHelper(ctx).getNameStr())
    return expect(isa<KernelKindAttr>(v), "a #fused.kernel_kind");
  if (name == GemmConfigAttrHelper(ctx).getNameStr())
    return expect(isa<GemmConfigAttr>(v), "a #fused.gemm_config");
  if (name == AttentionConfigAttrHelper(ctx).getNameStr())
    return expect(isa<AttentionConfigAttr>(v), "a #fused.attention_config");
  if (name == LaunchAttrHelper(ctx).getNameStr())
    return expect(isa<LaunchConfigAttr>(v), "a #fused.launch");
  if (name == PromotedAttrHelper(ctx).getNameStr())
    return expect(isa<UnitAttr>(v), "a unit attribute");
  if (name == RoleAttrHelper(ctx).getNameStr())
    return expect(isa<TileRoleAttr>(v), "a #fused.role");
  if (name == SwizzleAttrHelper(ctx).getNameStr())
    return expect(isa<SwizzleAttr>(v), "a #fused.swizzle");
  return success();
}
