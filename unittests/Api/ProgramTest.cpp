//===- ProgramTest.cpp - the C++ embedding API ----------------------------===//

#include "fused/Api/Program.h"
#include "fused/Runtime/Bundle.h"

#include "fused/InitAll.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

namespace {

const char *kGemm = R"(
func.func @gemm(%a: tensor<40x32xf16>, %b: tensor<32x24xf16>) -> tensor<40x24xf32> {
  %c = fused.matmul %a, %b : tensor<40x32xf16>, tensor<32x24xf16> -> tensor<40x24xf32>
  return %c : tensor<40x24xf32>
}
)";

std::string freshCacheDir(const char *name) {
  auto dir = std::filesystem::temp_directory_path() /
             (std::string("fused-api-test-") + name);
  std::filesystem::remove_all(dir);
  return dir.string();
}

TEST(ProgramTest, CompilesRunsAndMatchesTheReference) {
  fused::CompileOptions o;
  o.target = "emulator";
  o.cacheDir = freshCacheDir("run");
  auto program = fused::Program::compile(kGemm, o);
  ASSERT_TRUE(program.isOk()) << program.getStatus().getMessage();
  ASSERT_EQ((*program)->functions().size(), 1u);
  const fused::FunctionInfo &f = (*program)->functions()[0];
  EXPECT_EQ(f.name, "gemm");
  EXPECT_EQ(f.inputs[0].dtype, "f16");
  EXPECT_EQ(f.results[0].shape, (std::vector<int64_t>{40, 24}));
  auto device = fused::openDevice("emulator");
  ASSERT_TRUE(device.isOk());
  auto inputs = (*program)->randomInputs("gemm", 7);
  ASSERT_TRUE(inputs.isOk());
  int launches = 0;
  auto out = (*program)->run(**device, "gemm", *inputs,
                             [&](const fused::LaunchInfo &l) {
                               ++launches;
                               EXPECT_EQ(l.kernel, "gemm_gemm");
                               EXPECT_DOUBLE_EQ(l.flops, 2.0 * 40 * 24 * 32);
                               return fused::rt::Status::ok();
                             });
  ASSERT_TRUE(out.isOk()) << out.getStatus().getMessage();
  EXPECT_EQ(launches, 1);
  auto ref = (*program)->reference("gemm", *inputs);
  ASSERT_TRUE(ref.isOk());
  EXPECT_LE(fused::ref::relativeError((*out)[0], (*ref)[0]), 1e-5);
}

// Several threads compiling and running different programs at once, all
// through one cache directory, get the results of the same calls made one
// at a time, bit for bit.
TEST(ProgramTest, ThreadsCompileAndRunAtOnceLikeOneAtATime) {
  const std::vector<std::pair<std::string, std::string>> programs = {
      {"gemm", kGemm},
      {"sm", R"(
func.func @sm(%x: tensor<7x333xbf16>) -> tensor<7x333xbf16> {
  %y = fused.softmax %x axis = -1 : tensor<7x333xbf16>
  return %y : tensor<7x333xbf16>
})"},
      {"ln", R"(
func.func @ln(%x: tensor<5x200xf16>, %g: tensor<200xf16>) -> tensor<5x200xf16> {
  %y = fused.layernorm %x weight(%g : tensor<200xf16>) : tensor<5x200xf16>
  return %y : tensor<5x200xf16>
})"},
      {"att", R"(
func.func @att(%q: tensor<1x2x33x32xf16>, %k: tensor<1x1x40x32xf16>, %v: tensor<1x1x40x32xf16>) -> tensor<1x2x33x32xf16> {
  %o = fused.attention %q, %k, %v {causal} : tensor<1x2x33x32xf16>, tensor<1x1x40x32xf16>, tensor<1x1x40x32xf16> -> tensor<1x2x33x32xf16>
  return %o : tensor<1x2x33x32xf16>
})"}};
  // The results of one call each, in one thread, with its own cache.
  auto runOne = [](const std::string &name, const std::string &source,
                   const std::string &cacheDir,
                   std::vector<fused::ref::Tensor> &out) -> std::string {
    fused::CompileOptions o;
    o.target = "emulator";
    o.cacheDir = cacheDir;
    auto program = fused::Program::compile(source, o);
    if (!program)
      return program.getStatus().getMessage();
    fused::rt::EmulatorOptions eo;
    eo.hostThreads = 1;
    auto device = fused::openDevice("emulator", eo);
    if (!device)
      return device.getStatus().getMessage();
    auto inputs = (*program)->randomInputs(name, 11);
    if (!inputs)
      return inputs.getStatus().getMessage();
    auto result = (*program)->run(**device, name, *inputs);
    if (!result)
      return result.getStatus().getMessage();
    out = std::move(*result);
    return "";
  };
  std::vector<std::vector<fused::ref::Tensor>> alone(programs.size());
  std::string aloneCache = freshCacheDir("threads-alone");
  for (size_t i = 0; i < programs.size(); ++i)
    ASSERT_EQ(runOne(programs[i].first, programs[i].second, aloneCache,
                     alone[i]),
              "");
  // Two threads per program, all at once, sharing a fresh cache.
  std::string shared = freshCacheDir("threads-shared");
  constexpr size_t kPerProgram = 2;
  std::vector<std::vector<fused::ref::Tensor>> got(programs.size() *
                                                   kPerProgram);
  std::vector<std::string> errors(got.size());
  std::vector<std::thread> threads;
  for (size_t t = 0; t < got.size(); ++t)
    threads.emplace_back([&, t] {
      const auto &[name, source] = programs[t % programs.size()];
      errors[t] = runOne(name, source, shared, got[t]);
    });
  for (std::thread &t : threads)
    t.join();
  for (size_t t = 0; t < got.size(); ++t) {
    ASSERT_EQ(errors[t], "") << "thread " << t;
    const auto &want = alone[t % programs.size()];
    ASSERT_EQ(got[t].size(), want.size());
    for (size_t r = 0; r < want.size(); ++r) {
      EXPECT_EQ(got[t][r].shape, want[r].shape);
      EXPECT_EQ(got[t][r].data, want[r].data) << "thread " << t;
    }
  }
  std::filesystem::remove_all(aloneCache);
  std::filesystem::remove_all(shared);
}

// One program and one emulator device shared by threads that run it,
// draw inputs and evaluate the reference at once: the results of one
// thread alone, and counters that are those of a whole launch.
TEST(ProgramTest, ThreadsShareOneProgramAndOneDevice) {
  fused::CompileOptions o;
  o.target = "emulator";
  o.cache = false;
  auto program = fused::Program::compile(kGemm, o);
  ASSERT_TRUE(program.isOk()) << program.getStatus().getMessage();
  auto device = fused::openDevice("emulator");
  ASSERT_TRUE(device.isOk());
  auto inputs = (*program)->randomInputs("gemm", 3);
  ASSERT_TRUE(inputs.isOk());
  auto alone = (*program)->run(**device, "gemm", *inputs);
  ASSERT_TRUE(alone.isOk()) << alone.getStatus().getMessage();
  auto *emu = dynamic_cast<fused::rt::EmulatorDevice *>(device->get());
  ASSERT_NE(emu, nullptr);
  const int64_t mma = emu->lastCounters().mmaOps;
  ASSERT_GT(mma, 0);
  std::vector<std::string> errors(6);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < errors.size(); ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 3; ++i) {
        auto out = (*program)->run(**device, "gemm", *inputs);
        auto ref = (*program)->reference("gemm", *inputs);
        auto more = (*program)->randomInputs("gemm", 100 + t);
        if (!out || !ref || !more)
          errors[t] = "a call failed";
        else if ((*out)[0].data != (*alone)[0].data)
          errors[t] = "results differ from one thread's";
        else if (emu->lastCounters().mmaOps != mma)
          errors[t] = "counters are not one launch's";
      }
    });
  for (std::thread &t : threads)
    t.join();
  for (size_t t = 0; t < errors.size(); ++t)
    EXPECT_EQ(errors[t], "") << "thread " << t;
}

/// An emulator device that counts the images loaded on it.
class CountingDevice : public fused::rt::Device {
public:
  explicit CountingDevice(fused::rt::Device &inner) : inner(inner) {}
  int loads = 0;
  std::string backend() const override { return inner.backend(); }
  std::string name() const override { return inner.name(); }
  std::string chip() const override { return inner.chip(); }
  fused::rt::StatusOr<fused::rt::KernelArg>
  encodeTensorMap(const fused::rt::TensorMapRequest &r) override {
    return inner.encodeTensorMap(r);
  }
  fused::rt::StatusOr<std::unique_ptr<fused::rt::Buffer>>
  allocate(size_t bytes) override {
    return inner.allocate(bytes);
  }
  fused::rt::StatusOr<std::unique_ptr<fused::rt::Buffer>>
  wrapMemory(uint64_t address, size_t bytes) override {
    return inner.wrapMemory(address, bytes);
  }
  fused::rt::Status copyToDevice(fused::rt::Buffer &dst, const void *src,
                                 size_t bytes) override {
    return inner.copyToDevice(dst, src, bytes);
  }
  fused::rt::Status copyToHost(void *dst, const fused::rt::Buffer &src,
                               size_t bytes) override {
    return inner.copyToHost(dst, src, bytes);
  }
  fused::rt::StatusOr<std::unique_ptr<fused::rt::Module>>
  loadModule(const std::string &image,
             fused::rt::ModuleFormat format) override {
    ++loads;
    return inner.loadModule(image, format);
  }
  fused::rt::StatusOr<std::unique_ptr<fused::rt::Stream>>
  createStream() override {
    return inner.createStream();
  }
  fused::rt::StatusOr<std::unique_ptr<fused::rt::Stream>>
  wrapStream(void *s) override {
    return inner.wrapStream(s);
  }
  fused::rt::Status launch(fused::rt::Module &m, const std::string &k,
                           const fused::rt::LaunchConfig &c,
                           const std::vector<fused::rt::KernelArg> &a,
                           fused::rt::Stream *s) override {
    return inner.launch(m, k, c, a, s);
  }
  fused::rt::StatusOr<std::vector<float>>
  timeLaunches(fused::rt::Module &m, const std::string &k,
               const fused::rt::LaunchConfig &c,
               const std::vector<fused::rt::KernelArg> &a, int n) override {
    return inner.timeLaunches(m, k, c, a, n);
  }

private:
  fused::rt::Device &inner;
};

// A program loads its image once per device, and again on a new device
// that takes the place (the address) of one that is gone.
TEST(ProgramTest, ANewDeviceAtAnOldOnesAddressGetsItsOwnImage) {
  fused::CompileOptions o;
  o.target = "emulator";
  o.cache = false;
  auto program = fused::Program::compile(kGemm, o);
  ASSERT_TRUE(program.isOk()) << program.getStatus().getMessage();
  auto emulator = fused::openDevice("emulator");
  ASSERT_TRUE(emulator.isOk());
  auto inputs = (*program)->randomInputs("gemm", 4);
  ASSERT_TRUE(inputs.isOk());
  std::optional<CountingDevice> device;
  device.emplace(**emulator);
  const void *address = &*device;
  uint64_t first = device->serial();
  ASSERT_TRUE((*program)->run(*device, "gemm", *inputs).isOk());
  ASSERT_TRUE((*program)->run(*device, "gemm", *inputs).isOk());
  EXPECT_EQ(device->loads, 1);
  device.reset();
  device.emplace(**emulator);
  ASSERT_EQ(static_cast<const void *>(&*device), address);
  EXPECT_NE(device->serial(), first);
  ASSERT_TRUE((*program)->run(*device, "gemm", *inputs).isOk());
  EXPECT_EQ(device->loads, 1);
}

TEST(ProgramTest, ErrorsAreValuesWithDiagnostics) {
  fused::CompileOptions o;
  o.target = "emulator";
  o.cache = false;
  o.sourceName = "bad.mlir";
  auto bad = fused::Program::compile("func.func @f(", o);
  ASSERT_FALSE(bad.isOk());
  EXPECT_NE(bad.getStatus().getMessage().find("bad.mlir:1:"),
            std::string::npos)
      << bad.getStatus().getMessage();
  o.chip = "sm_70";
  EXPECT_FALSE(fused::Program::compile(kGemm, o).isOk());
  o.chip = "sm_80";
  o.target = "tpu";
  EXPECT_FALSE(fused::Program::compile(kGemm, o).isOk());

  o.target = "emulator";
  auto program = fused::Program::compile(kGemm, o);
  ASSERT_TRUE(program.isOk());
  auto device = fused::openDevice("emulator");
  ASSERT_TRUE(device.isOk());
  fused::ref::Tensor wrong{{32, 40}, std::vector<double>(32 * 40, 0.0)};
  fused::ref::Tensor b{{32, 24}, std::vector<double>(32 * 24, 0.0)};
  auto run = (*program)->run(**device, "gemm", {wrong, b});
  ASSERT_FALSE(run.isOk());
  EXPECT_NE(run.getStatus().getMessage().find("must have shape [40, 32]"),
            std::string::npos)
      << run.getStatus().getMessage();
  EXPECT_FALSE((*program)->run(**device, "nope", {}).isOk());
  EXPECT_FALSE((*program)->run(**device, "gemm", {b}).isOk());
  EXPECT_FALSE(fused::openDevice("tpu").isOk());
}

TEST(ProgramTest, RunRefusesWhatCannotRun) {
  std::string source = std::string(kGemm) + R"(
func.func @sm(%x: tensor<4x8xf32>) -> tensor<8x4xf32> {
  %y = fused.transpose %x permutation = [1, 0] : tensor<4x8xf32> -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}
)";
  fused::CompileOptions o;
  o.target = "emulator";
  o.cache = false;
  auto program = fused::Program::compile(source, o);
  ASSERT_TRUE(program.isOk()) << program.getStatus().getMessage();
  auto device = fused::openDevice("emulator");
  ASSERT_TRUE(device.isOk());
  fused::ref::Tensor x{{4, 8}, std::vector<double>(32, 0.5)};
  // Every kernel kind compiles: the transpose runs on the emulator.
  fused::ref::Tensor y = x;
  for (int i = 0; i < 32; ++i)
    y.data[i] = i;
  auto run = (*program)->run(**device, "sm", {y});
  ASSERT_TRUE(run.isOk()) << run.getStatus().getMessage();
  EXPECT_EQ((*run)[0].shape, (std::vector<int64_t>{8, 4}));
  EXPECT_EQ((*run)[0].data[1], 8.0); // out[0][1] = in[1][0]
  // What a strategy does not support fails to compile, saying why.
  auto refusedCompile = fused::Program::compile(
      R"(func.func @mm(%a: tensor<4x8xf8E4M3FN>, %b: tensor<8x4xf8E4M3FN>) -> tensor<4x4xf32> {
  %c = fused.matmul %a, %b : tensor<4x8xf8E4M3FN>, tensor<8x4xf8E4M3FN> -> tensor<4x4xf32>
  return %c : tensor<4x4xf32>
})",
      o);
  ASSERT_FALSE(refusedCompile.isOk());
  EXPECT_NE(refusedCompile.getStatus().getMessage().find(
                "tensor-core code generation supports f16, bf16 and f32 "
                "matmul operands, got 'f8E4M3FN'"),
            std::string::npos)
      << refusedCompile.getStatus().getMessage();

  o.target = "reference";
  auto parsed = fused::Program::compile(source, o);
  ASSERT_TRUE(parsed.isOk());
  auto refused = (*parsed)->run(**device, "sm", {x});
  ASSERT_FALSE(refused.isOk());
  EXPECT_NE(refused.getStatus().getMessage().find(
                "compiled for the reference target and cannot run on the "
                "emulator device"),
            std::string::npos)
      << refused.getStatus().getMessage();
}

TEST(ProgramTest, SecondCompileIsServedFromTheCache) {
  fused::CompileOptions o;
  o.target = "emulator";
  o.cacheDir = freshCacheDir("cache");
  auto first = fused::Program::compile(kGemm, o);
  auto second = fused::Program::compile(kGemm, o);
  ASSERT_TRUE(first.isOk() && second.isOk());
  EXPECT_FALSE((*first)->fromCache());
  EXPECT_TRUE((*second)->fromCache());
  // Other options miss.
  o.chip = "sm_90";
  auto other = fused::Program::compile(kGemm, o);
  ASSERT_TRUE(other.isOk());
  EXPECT_FALSE((*other)->fromCache());
  auto removed = fused::clearCache(o.cacheDir);
  ASSERT_TRUE(removed.isOk());
  EXPECT_EQ(*removed, 2);
  o.chip = "sm_80";
  auto third = fused::Program::compile(kGemm, o);
  ASSERT_TRUE(third.isOk());
  EXPECT_FALSE((*third)->fromCache());
  std::filesystem::remove_all(o.cacheDir);
}

/// The one entry file of a cache directory.
std::filesystem::path onlyEntry(const std::string &dir) {
  std::vector<std::filesystem::path> files;
  for (const auto &e : std::filesystem::directory_iterator(dir))
    files.push_back(e.path());
  EXPECT_EQ(files.size(), 1u);
  return files.empty() ? std::filesystem::path() : files.front();
}

/// Compiles kGemm with `o` and runs it against the reference.
bool compilesAndRuns(const fused::CompileOptions &o, bool expectCached) {
  auto program = fused::Program::compile(kGemm, o);
  EXPECT_TRUE(program.isOk()) << program.getStatus().getMessage();
  if (!program.isOk())
    return false;
  EXPECT_EQ((*program)->fromCache(), expectCached);
  auto device = fused::openDevice("emulator");
  auto inputs = (*program)->randomInputs("gemm", 5);
  auto out = (*program)->run(**device, "gemm", *inputs);
  auto ref = (*program)->reference("gemm", *inputs);
  EXPECT_TRUE(out.isOk() && ref.isOk());
  return out.isOk() && ref.isOk() &&
         fused::judge((*out)[0], (*ref)[0], (*program)->tolerance("gemm"))
             .pass;
}

TEST(ProgramTest, ABadCacheEntryIsCompiledAgainNeverTrusted) {
  fused::CompileOptions o;
  o.target = "emulator";
  o.cacheDir = freshCacheDir("bad-entries");
  ASSERT_TRUE(compilesAndRuns(o, false));
  std::filesystem::path entry = onlyEntry(o.cacheDir);
  std::string whole;
  {
    std::ifstream in(entry, std::ios::binary);
    whole.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_GT(whole.size(), 1000u);
  ASSERT_TRUE(compilesAndRuns(o, true));
  // Truncated (as by a full disk or a copy cut short), a byte of the
  // image changed, the header changed, empty: each is compiled again and
  // the entry rewritten whole.
  std::string flipped = whole;
  flipped[whole.size() - 100] ^= 0x20;
  std::string header = whole;
  header[header.find('\n') + 1] = 'x';
  for (const std::string &bad :
       {whole.substr(0, whole.size() / 2), flipped, header, std::string()}) {
    std::ofstream(entry, std::ios::binary | std::ios::trunc) << bad;
    EXPECT_TRUE(compilesAndRuns(o, false));
    std::ifstream in(entry, std::ios::binary);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), whole);
    EXPECT_TRUE(compilesAndRuns(o, true));
  }
  std::filesystem::remove_all(o.cacheDir);
}

TEST(ProgramTest, AnUnwritableCacheDirectoryOnlyCostsTheCacheHit) {
  // A directory that cannot be made (a file is in the way; running as
  // root, permissions would not stop it): compiles work, none is cached,
  // nothing is left behind.
  std::string file = freshCacheDir("not-a-directory");
  std::ofstream(file) << "a file";
  fused::CompileOptions o;
  o.target = "emulator";
  o.cacheDir = file + "/cache";
  EXPECT_TRUE(compilesAndRuns(o, false));
  EXPECT_TRUE(compilesAndRuns(o, false));
  // A directory where the entry's file would go.
  std::string dir = freshCacheDir("entry-is-a-directory");
  o.cacheDir = dir;
  ASSERT_TRUE(compilesAndRuns(o, false));
  std::filesystem::path entry = onlyEntry(dir);
  std::filesystem::remove(entry);
  std::filesystem::create_directory(entry);
  EXPECT_TRUE(compilesAndRuns(o, false));
  EXPECT_TRUE(std::filesystem::is_directory(entry));
  EXPECT_EQ(onlyEntry(dir), entry); // No temporary file left.
  std::filesystem::remove_all(dir);
  std::filesystem::remove(file);
}

TEST(ProgramTest, ThreadsWritingOneEntryAtOnceLeaveItWhole) {
  fused::CompileOptions o;
  o.target = "emulator";
  o.cacheDir = freshCacheDir("one-entry-many-writers");
  std::vector<std::thread> threads;
  std::atomic<int> compiled{0};
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&] {
      auto p = fused::Program::compile(kGemm, o);
      compiled += p.isOk();
    });
  for (std::thread &t : threads)
    t.join();
  EXPECT_EQ(compiled.load(), 6);
  onlyEntry(o.cacheDir); // One entry, no temporary files.
  EXPECT_TRUE(compilesAndRuns(o, true));
  std::filesystem::remove_all(o.cacheDir);
}

TEST(ProgramTest, CompilesAModuleBuiltInMemory) {
  mlir::DialectRegistry registry;
  fused::registerAllDialects(registry);
  mlir::MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(kGemm, &ctx);
  ASSERT_TRUE(module);
  fused::CompileOptions o;
  o.target = "cuda"; // Compiles without a GPU: PTX or cubin.
  o.cache = false;
  auto program = fused::Program::compile(*module, o);
  ASSERT_TRUE(program.isOk()) << program.getStatus().getMessage();
  EXPECT_NE((*program)->imageFormat(), fused::rt::ModuleFormat::EmulatorIR);
  EXPECT_FALSE((*program)->image().empty());
  o.emit = "ptx";
  auto ptx = fused::Program::compile(*module, o);
  ASSERT_TRUE(ptx.isOk()) << ptx.getStatus().getMessage();
  EXPECT_EQ((*ptx)->imageFormat(), fused::rt::ModuleFormat::PTX);
  EXPECT_NE((*ptx)->image().find(".entry gemm_gemm"), std::string::npos);
  o.emit = "elf";
  EXPECT_FALSE(fused::Program::compile(*module, o).isOk());
  // The module is left as it was.
  EXPECT_TRUE(module->lookupSymbol("gemm"));
}

TEST(ProgramTest, CacheDirectoryFollowsTheEnvironment) {
  EXPECT_EQ(fused::cacheDirectory("/x/y"), "/x/y");
  setenv("FUSED_CACHE_DIR", "/tmp/somewhere", 1);
  EXPECT_EQ(fused::cacheDirectory(), "/tmp/somewhere");
  unsetenv("FUSED_CACHE_DIR");
  setenv("XDG_CACHE_HOME", "/tmp/xdg", 1);
  EXPECT_EQ(fused::cacheDirectory(), "/tmp/xdg/fused");
  unsetenv("XDG_CACHE_HOME");
}

TEST(ProgramTest, EachResultHasTheToleranceOfItsOwnRoundings) {
  // An f32 LSE of a bf16 attention is judged at f32's tolerance; its f32
  // output at bf16's (the probabilities are rounded to bf16 for P V); an
  // f32 GEMM of f16 operands at f32's; an f32 result computed through an
  // f16 intermediate at f16's.
  const char *source = R"(
func.func @att(%q: tensor<1x1x8x16xbf16>, %k: tensor<1x1x8x16xbf16>, %v: tensor<1x1x8x16xbf16>) -> (tensor<1x1x8x16xf32>, tensor<1x1x8xf32>) {
  %o, %l = fused.attention %q, %k, %v : tensor<1x1x8x16xbf16>, tensor<1x1x8x16xbf16>, tensor<1x1x8x16xbf16> -> tensor<1x1x8x16xf32>, tensor<1x1x8xf32>
  return %o, %l : tensor<1x1x8x16xf32>, tensor<1x1x8xf32>
}
func.func @mm(%a: tensor<8x16xf16>, %b: tensor<16x8xf16>) -> (tensor<8x8xf32>, tensor<8x8xf32>) {
  %c = fused.matmul %a, %b : tensor<8x16xf16>, tensor<16x8xf16> -> tensor<8x8xf32>
  %h = fused.cast %c : tensor<8x8xf32> to tensor<8x8xf16>
  %f = fused.cast %h : tensor<8x8xf16> to tensor<8x8xf32>
  return %c, %f : tensor<8x8xf32>, tensor<8x8xf32>
}
)";
  fused::CompileOptions o;
  o.target = "reference";
  o.cacheDir = freshCacheDir("tolerances");
  auto program = fused::Program::compile(source, o);
  ASSERT_TRUE(program.isOk()) << program.getStatus().getMessage();
  EXPECT_EQ((*program)->tolerances("att"), (std::vector<double>{1e-2, 1e-5}));
  EXPECT_EQ((*program)->tolerances("mm"), (std::vector<double>{1e-5, 2e-3}));
  EXPECT_DOUBLE_EQ((*program)->tolerance("att"), 1e-2);
  EXPECT_TRUE((*program)->tolerances("nothing").empty());
}

/// A CUDA device that is not there: it reports a chip and refuses
/// everything else, so that what reaches the driver shows.
class FakeCudaDevice : public fused::rt::Device {
public:
  FakeCudaDevice(std::string chip) : chipName(std::move(chip)) {}
  std::string backend() const override { return "cuda"; }
  std::string name() const override { return "Fake GPU"; }
  std::string chip() const override { return chipName; }
  fused::rt::StatusOr<std::unique_ptr<fused::rt::Buffer>>
  allocate(size_t) override {
    return fused::rt::Status::error("fake: allocate");
  }
  fused::rt::StatusOr<std::unique_ptr<fused::rt::Buffer>>
  wrapMemory(uint64_t, size_t) override {
    return fused::rt::Status::error("fake: wrap");
  }
  fused::rt::Status copyToDevice(fused::rt::Buffer &, const void *,
                                 size_t) override {
    return fused::rt::Status::error("fake: copy");
  }
  fused::rt::Status copyToHost(void *, const fused::rt::Buffer &,
                               size_t) override {
    return fused::rt::Status::error("fake: copy");
  }
  fused::rt::StatusOr<std::unique_ptr<fused::rt::Module>>
  loadModule(const std::string &, fused::rt::ModuleFormat format) override {
    loadedFormat = format;
    return fused::rt::Status::error("fake: the driver was asked to load it");
  }
  fused::rt::StatusOr<std::unique_ptr<fused::rt::Stream>>
  createStream() override {
    return fused::rt::Status::error("fake: stream");
  }
  fused::rt::StatusOr<std::unique_ptr<fused::rt::Stream>>
  wrapStream(void *) override {
    return fused::rt::Status::error("fake: stream");
  }
  fused::rt::Status launch(fused::rt::Module &, const std::string &,
                           const fused::rt::LaunchConfig &,
                           const std::vector<fused::rt::KernelArg> &,
                           fused::rt::Stream *) override {
    return fused::rt::Status::error("fake: launch");
  }
  fused::rt::StatusOr<std::vector<float>>
  timeLaunches(fused::rt::Module &, const std::string &,
               const fused::rt::LaunchConfig &,
               const std::vector<fused::rt::KernelArg> &, int) override {
    return fused::rt::Status::error("fake: time");
  }
  std::optional<fused::rt::ModuleFormat> loadedFormat;

private:
  std::string chipName;
};

TEST(ProgramTest, AnImageForAnotherChipIsRefusedBeforeTheDriverSeesIt) {
  for (const char *emit : {"cubin", "ptx"}) {
    fused::CompileOptions o;
    o.target = "cuda";
    o.chip = "sm_80";
    o.emit = emit;
    o.cacheDir = freshCacheDir(emit);
    auto program = fused::Program::compile(kGemm, o);
    if (!program.isOk() && std::string(emit) == "cubin") {
      // No ptxas: the cubin case cannot be built here.
      EXPECT_NE(program.getStatus().getMessage().find("ptxas"),
                std::string::npos);
      continue;
    }
    ASSERT_TRUE(program.isOk()) << program.getStatus().getMessage();
    EXPECT_EQ((*program)->chip(), "sm_80");
    auto inputs = (*program)->randomInputs("gemm", 1);
    ASSERT_TRUE(inputs.isOk());
    FakeCudaDevice hopper("sm_90");
    auto out = (*program)->run(hopper, "gemm", *inputs);
    ASSERT_FALSE(out.isOk());
    const std::string &m = out.getStatus().getMessage();
    if (std::string(emit) == "cubin") {
      // An sm_80 cubin does not load on sm_90: refused, naming both.
      EXPECT_NE(m.find("no kernel image loads on Fake GPU (sm_90): the "
                       "program has cubin for sm_80"),
                std::string::npos)
          << m;
      EXPECT_FALSE(hopper.loadedFormat.has_value());
    } else {
      // PTX for sm_80 is compiled by the driver for sm_90: it is loaded.
      EXPECT_NE(m.find("fake: the driver was asked to load it"),
                std::string::npos)
          << m;
      EXPECT_EQ(hopper.loadedFormat, fused::rt::ModuleFormat::PTX);
    }
  }
}

TEST(ProgramTest, AutoChipFollowsTheDevice) {
  auto none = fused::resolveAutoChip("");
  ASSERT_TRUE(none.isOk());
  EXPECT_EQ(none->chip, "sm_80");
  auto h200 = fused::resolveAutoChip("sm_90");
  ASSERT_TRUE(h200.isOk());
  EXPECT_EQ(h200->chip, "sm_90");
  EXPECT_FALSE(h200->needsPtx);
  auto l4 = fused::resolveAutoChip("sm_89");
  EXPECT_EQ(l4->chip, "sm_89");
  auto a10 = fused::resolveAutoChip("sm_87");
  EXPECT_EQ(a10->chip, "sm_86");
  EXPECT_FALSE(a10->needsPtx);
  // A newer major version than fused compiles for: PTX the driver
  // compiles for it, sm_89's (sm_90's code is for sm_90a, which runs on
  // sm_90 alone).
  auto b200 = fused::resolveAutoChip("sm_100");
  EXPECT_EQ(b200->chip, "sm_89");
  EXPECT_TRUE(b200->needsPtx);
  auto old = fused::resolveAutoChip("sm_75");
  ASSERT_FALSE(old.isOk());
  EXPECT_NE(old.getStatus().getMessage().find("compute capability 8.0"),
            std::string::npos);
  // The emulator target compiles for sm_80 under auto.
  fused::CompileOptions o;
  o.target = "emulator";
  o.cacheDir = freshCacheDir("autochip");
  auto program = fused::Program::compile(kGemm, o);
  ASSERT_TRUE(program.isOk()) << program.getStatus().getMessage();
  EXPECT_EQ((*program)->chip(), "sm_80");
}

TEST(ProgramTest, ABundleForAnotherChipIsRefusedNamingBoth) {
  // A bundle of sm_80 images only, opened on an sm_90 device.
  auto dir = std::filesystem::temp_directory_path() / "fused-bundle-chip-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "kernels.sm_80.cubin") << "not really a cubin";
    std::ofstream(dir / "manifest.json") << R"({
      "format": "fused-bundle", "version": 2, "chips": ["sm_80"],
      "images": [{"chip": "sm_80", "format": "cubin",
                  "file": "kernels.sm_80.cubin"}],
      "kernels": [], "functions": []})";
  }
  auto bundle = fused::rt::Bundle::open(dir.string());
  ASSERT_TRUE(bundle.isOk()) << bundle.getStatus().getMessage();
  FakeCudaDevice hopper("sm_90");
  auto refused = fused::rt::BundleRunner::load(*bundle, hopper);
  ASSERT_FALSE(refused.isOk());
  const std::string &m = refused.getStatus().getMessage();
  EXPECT_NE(m.find("no kernel image loads on Fake GPU (sm_90): the program "
                   "has cubin for sm_80"),
            std::string::npos)
      << m;
  EXPECT_FALSE(hopper.loadedFormat.has_value());
  // On an sm_86 device the sm_80 cubin is the one chosen, and refused
  // before the driver sees it: it is not a cubin.
  FakeCudaDevice ampere("sm_86");
  auto loaded = fused::rt::BundleRunner::load(*bundle, ampere);
  ASSERT_FALSE(loaded.isOk());
  EXPECT_NE(loaded.getStatus().getMessage().find(
                "kernels.sm_80.cubin is not a whole cubin for sm_80: no ELF "
                "header"),
            std::string::npos)
      << loaded.getStatus().getMessage();
  EXPECT_FALSE(ampere.loadedFormat.has_value());
}

} // namespace
