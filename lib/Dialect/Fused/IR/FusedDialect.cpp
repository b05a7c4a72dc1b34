//===- FusedDialect.cpp - the fused dialect -------------------------------===//
//
// Registers the ops and attributes of the `fused` dialect.
//
//===----------------------------------------------------------------------===//

#include "fused/Dialect/Fused/IR/FusedDialect.h"
#include "fused/Dialect/Fused/IR/FusedOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace fused::fused;

#include "fused/Dialect/Fused/IR/FusedDialect.cpp.inc"
#include "fused/Dialect/Fused/IR/FusedEnums.cpp.inc"

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
