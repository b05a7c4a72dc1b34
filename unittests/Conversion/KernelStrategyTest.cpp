//===- KernelStrategyTest.cpp - the registry of kernel strategies ---------===//

#include "fused/Conversion/KernelStrategy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;
namespace fo = fused::fused;

namespace {

struct KernelStrategyTest : ::testing::Test {
  MLIRContext ctx;
  KernelStrategyTest() {
    ctx.loadDialect<fo::FusedDialect, func::FuncDialect, gpu::GPUDialect>();
  }
  OwningOpRef<ModuleOp> parse(const char *text) {
    auto m = parseSourceString<ModuleOp>(text, &ctx);
    EXPECT_TRUE(m) << text;
    return m;
  }
  /// The first fused.kernel of `m`.
  fo::KernelOp firstKernel(ModuleOp m) {
    fo::KernelOp k;
    m.walk([&](fo::KernelOp op) {
      if (!k)
        k = op;
    });
    return k;
  }
};

TEST_F(KernelStrategyTest, TheRegistryIsTheListOfSupportedKinds) {
  std::vector<std::string> names;
  for (const fused::KernelStrategy *s : fused::kernelStrategies())
    names.push_back(s->name().str());
  EXPECT_EQ(names,
            (std::vector<std::string>{"gemm", "attention", "elementwise",
                                      "softmax", "reduction",
                                      "normalization", "transpose",
                                      "rope"}));
  EXPECT_EQ(fused::strategyFor(fo::KernelKind::gemm)->kind(),
            fo::KernelKind::gemm);
  for (const fused::KernelStrategy *s : fused::kernelStrategies())
    EXPECT_EQ(fused::strategyFor(s->kind()), s);
  EXPECT_EQ(fused::supportedKernelKinds(),
            "gemm, attention, elementwise, softmax, reduction, "
            "normalization, transpose and rope kernels");
}

TEST_F(KernelStrategyTest, FlopsAndMinimumBytes) {
  auto m = parse(R"(
    func.func @f(%a: tensor<2x40x32xf16>, %b: tensor<32x24xf16>,
                 %q: tensor<1x4x8x64xf16>, %k: tensor<1x2x8x64xf16>,
                 %v: tensor<1x2x8x32xf16>)
        -> (tensor<2x40x24xf32>, tensor<1x4x8x32xf16>) {
      %c = fused.matmul %a, %b : tensor<2x40x32xf16>, tensor<32x24xf16>
           -> tensor<2x40x24xf32>
      %o = fused.attention %q, %k, %v {causal} : tensor<1x4x8x64xf16>,
           tensor<1x2x8x64xf16>, tensor<1x2x8x32xf16> -> tensor<1x4x8x32xf16>
      return %c, %o : tensor<2x40x24xf32>, tensor<1x4x8x32xf16>
    })");
  ASSERT_TRUE(m);
  auto f = *m->getOps<func::FuncOp>().begin();
  // 2 M N K per matmul; causal with Sq = Skv: 36 visible pairs of 8 x 8 per
  // head, 4 heads, 2 (D + Dv) each.
  double gemm = 2.0 * 2 * 40 * 24 * 32;
  double attention = 2.0 * 36 * 4 * (64 + 32);
  EXPECT_DOUBLE_EQ(fused::functionFlops(f), gemm + attention);
  const fused::KernelStrategy *g = fused::strategyFor(fo::KernelKind::gemm);
  f.walk([&](fo::AttentionOp op) { EXPECT_FALSE(g->flops(op)); });

  auto k = parse(R"(
    func.func @g(%a: tensor<40x32xf16>, %b: tensor<32x24xf16>)
        -> tensor<40x24xf32> {
      %r = fused.kernel gemm ins(%a, %b : tensor<40x32xf16>, tensor<32x24xf16>)
           -> tensor<40x24xf32> {
      ^bb0(%x: tensor<40x32xf16>, %y: tensor<32x24xf16>):
        %c = fused.matmul %x, %y : tensor<40x32xf16>, tensor<32x24xf16>
             -> tensor<40x24xf32>
        fused.yield %c : tensor<40x24xf32>
      }
      return %r : tensor<40x24xf32>
    })");
  ASSERT_TRUE(k);
  EXPECT_DOUBLE_EQ(g->minimumBytes(firstKernel(*k)),
                   40 * 32 * 2 + 32 * 24 * 2 + 40 * 24 * 4);
  EXPECT_TRUE(succeeded(
      g->checkSupported(firstKernel(*k), *fused::Target::get("sm_90"))));
}

TEST_F(KernelStrategyTest, UnsupportedKernelsAreRefusedWithAReason) {
  auto m = parse(R"(
    func.func @g(%a: tensor<40x32xf8E4M3FN>, %b: tensor<32x24xf8E4M3FN>)
        -> tensor<40x24xf32> {
      %r = fused.kernel gemm ins(%a, %b : tensor<40x32xf8E4M3FN>, tensor<32x24xf8E4M3FN>)
           -> tensor<40x24xf32> {
      ^bb0(%x: tensor<40x32xf8E4M3FN>, %y: tensor<32x24xf8E4M3FN>):
        %c = fused.matmul %x, %y : tensor<40x32xf8E4M3FN>, tensor<32x24xf8E4M3FN>
             -> tensor<40x24xf32>
        fused.yield %c : tensor<40x24xf32>
      }
      return %r : tensor<40x24xf32>
    })");
  ASSERT_TRUE(m);
  std::string message;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
    message = d.str();
    return success();
  });
  EXPECT_TRUE(failed(fused::strategyFor(fo::KernelKind::gemm)
                         ->checkSupported(firstKernel(*m),
                                          *fused::Target::get("sm_80"))));
  EXPECT_NE(message.find("tensor-core code generation supports f16, bf16 "
                         "and f32 matmul operands, got 'f8E4M3FN'"),
            std::string::npos)
      << message;
}

TEST_F(KernelStrategyTest, ManifestDescriptionsComeFromTheStrategyThatMadeTheKernel) {
  auto m = parse(R"(
    module attributes {gpu.container_module} {
      gpu.module @fused_kernels {
        gpu.func @k(%a: memref<4xf16>) kernel attributes {
            fused.attention_config = #fused.attention_config<block = [64, 32], warps = 4>} {
          gpu.return
        }
      }
    })");
  ASSERT_TRUE(m);
  gpu::GPUFuncOp k;
  m->walk([&](gpu::GPUFuncOp f) { k = f; });
  llvm::json::Object desc;
  EXPECT_FALSE(fused::strategyFor(fo::KernelKind::gemm)->describe(k, desc));
  ASSERT_TRUE(
      fused::strategyFor(fo::KernelKind::attention)->describe(k, desc));
  EXPECT_EQ(*desc.getObject("config")->getInteger("block_n"), 32);
  EXPECT_EQ((*desc.getArray("grid_formula"))[0].getAsString(),
            llvm::StringRef("ceil(Sq / 64)"));
}

} // namespace
