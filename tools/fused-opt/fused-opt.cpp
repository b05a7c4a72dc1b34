//===- fused-opt.cpp - the fused optimizer driver -------------------------===//
//
// mlir-opt for the fused dialect: parses, verifies, runs passes and prints.
// Used by the lit suite and by anyone changing one pass at a time.
//
//===----------------------------------------------------------------------===//

#include "fused/Emulator/Emulate.h"
#include "fused/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  fused::registerAllDialects(registry);
  fused::registerAllPasses();
  fused::emu::registerEmulatePass();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "fused optimizer driver\n", registry));
}
