// hopper_conformance.cu - the cases of HopperCases.h on an sm_90 GPU: a
// TMA load of a 128-byte-swizzled box partly out of bounds, and wgmma
// m64n64k16 from TMA-loaded tiles (A K-major with B N-major, then A
// M-major with B K-major), in inline PTX with tensor maps encoded by the
// driver (cuTensorMapEncodeTiled). Prints what fused-hopper-conformance-emu
// prints; the two outputs must be identical.
//   nvcc -std=c++17 -gencode arch=compute_90a,code=sm_90a \
//        -I tools/isa-conformance tools/isa-conformance/hopper_conformance.cu \
//        -o hopper-conformance-gpu
#include "HopperCases.h"

#include <cuda.h>
#include <cudaTypedefs.h>
#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#define CHECK(x)                                                               \
  do {                                                                         \
    cudaError_t err_ = (x);                                                    \
    if (err_ != cudaSuccess) {                                                 \
      std::fprintf(stderr, "hopper-conformance-gpu: %s: %s\n", #x,             \
                   cudaGetErrorString(err_));                                  \
      std::exit(1);                                                            \
    }                                                                          \
  } while (0)

namespace {

__device__ uint32_t sharedAddress(const void *p) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}

__device__ void tmaLoad(const CUtensorMap *map, uint32_t dst, uint32_t bar,
                        int c0, int c1) {
  asm volatile("cp.async.bulk.tensor.2d.shared::cluster.global.tile."
               "mbarrier::complete_tx::bytes [%0], [%1, {%2, %3}], [%4];"
               :
               : "r"(dst), "l"(map), "r"(c0), "r"(c1), "r"(bar)
               : "memory");
}

__device__ void waitParity(uint32_t bar, uint32_t parity) {
  asm volatile("{\n\t.reg .pred p;\n"
               "WAIT:\n\t"
               "mbarrier.try_wait.parity.shared::cta.b64 p, [%0], %1;\n\t"
               "@!p bra WAIT;\n}"
               :
               : "r"(bar), "r"(parity)
               : "memory");
}

/// A descriptor: start >> 4, LBO >> 4 << 16, SBO >> 4 << 32, 128B << 62.
__device__ uint64_t descriptor(uint32_t addr, uint32_t lbo, uint32_t sbo) {
  return static_cast<uint64_t>((addr & 0x3ffff) >> 4) |
         (static_cast<uint64_t>(lbo >> 4) << 16) |
         (static_cast<uint64_t>(sbo >> 4) << 32) | (uint64_t(1) << 62);
}

#define D32(d)                                                                 \
  "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]),      \
      "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]),             \
      "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]),         \
      "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]),         \
      "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]),         \
      "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]),         \
      "+f"(d[31])
#define REGS32                                                                 \
  "{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, "   \
  "%16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, "     \
  "%30, %31}"

/// One wgmma m64n64k16 f16 -> f32: imm-trans-a / imm-trans-b are 0 / 1
/// (A K-major, B N-major) or 1 / 0.
__device__ void wgmma(float *d, uint64_t a, uint64_t b, int scaleD,
                      bool transposed) {
  if (!transposed)
    asm volatile("{\n\t.reg .pred p;\n\tsetp.ne.b32 p, %34, 0;\n\t"
                 "wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 " REGS32
                 ", %32, %33, p, 1, 1, 0, 1;\n}"
                 : D32(d)
                 : "l"(a), "l"(b), "r"(scaleD));
  else
    asm volatile("{\n\t.reg .pred p;\n\tsetp.ne.b32 p, %34, 0;\n\t"
                 "wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 " REGS32
                 ", %32, %33, p, 1, 1, 1, 0;\n}"
                 : D32(d)
                 : "l"(a), "l"(b), "r"(scaleD));
}

/// mode 0: case 1 (the TMA box to `bytes`); 1 and 2: cases 2 and 3 (the
/// accumulators to `acc`). Tiles at 1024-byte boundaries: A (or the box)
/// at 0, B at 8192.
__global__ void __launch_bounds__(128)
    hopperKernel(const __grid_constant__ CUtensorMap mapA,
                 const __grid_constant__ CUtensorMap mapB, int mode,
                 uint8_t *bytes, float *acc) {
  extern __shared__ __align__(1024) uint8_t dynamic[];
  __shared__ alignas(8) uint64_t barrier;
  uint32_t raw = sharedAddress(dynamic);
  uint32_t base = (raw + 1023) & ~1023u;
  const uint8_t *tile = dynamic + (base - raw);
  uint32_t bar = sharedAddress(&barrier);
  int t = threadIdx.x;
  if (t == 0) {
    asm volatile("mbarrier.init.shared::cta.b64 [%0], 1;" : : "r"(bar));
    asm volatile("fence.mbarrier_init.release.cluster;" ::: "memory");
  }
  __syncthreads();
  if (t == 0) {
    uint32_t tx = mode == 0 ? 8192 : 16384;
    asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;"
                 :
                 : "r"(bar), "r"(tx)
                 : "memory");
    if (mode == 0) {
      tmaLoad(&mapA, base, bar, hopper::kTmaCol0, hopper::kTmaRow0);
    } else {
      tmaLoad(&mapA, base, bar, 0, 0);
      tmaLoad(&mapB, base + 8192, bar, 0, 0);
    }
  }
  waitParity(bar, 0);
  if (mode == 0) {
    for (int i = t; i < 8192; i += 128)
      bytes[i] = tile[i];
    return;
  }
  bool transposed = mode == 2;
  float d[32];
  for (int i = 0; i < 32; ++i)
    d[i] = 0.0f;
  asm volatile("wgmma.fence.sync.aligned;" ::: "memory");
  for (int s = 0; s < 4; ++s) {
    uint64_t a = transposed ? descriptor(base + 2048 * s, 8192, 1024)
                            : descriptor(base + 32 * s, 16, 1024);
    uint64_t b = transposed ? descriptor(base + 8192 + 32 * s, 16, 1024)
                            : descriptor(base + 8192 + 2048 * s, 8192, 1024);
    wgmma(d, a, b, s > 0, transposed);
  }
  asm volatile("wgmma.commit_group.sync.aligned;" ::: "memory");
  asm volatile("wgmma.wait_group.sync.aligned 0;" ::: "memory");
  for (int i = 0; i < 32; ++i)
    acc[t * 32 + i] = d[i];
}

PFN_cuTensorMapEncodeTiled_v12000 encodeTiled() {
  void *fn = nullptr;
  cudaDriverEntryPointQueryResult q;
  CHECK(cudaGetDriverEntryPointByVersion("cuTensorMapEncodeTiled", &fn, 12000,
                                         cudaEnableDefault, &q));
  if (!fn || q != cudaDriverEntryPointSuccess) {
    std::fprintf(stderr, "hopper-conformance-gpu: no cuTensorMapEncodeTiled\n");
    std::exit(1);
  }
  return reinterpret_cast<PFN_cuTensorMapEncodeTiled_v12000>(fn);
}

/// A 64 x 64 box with the 128-byte swizzle over a rows x cols f16 tensor.
CUtensorMap mapOf(const uint16_t *device, int rows, int cols) {
  CUtensorMap m;
  cuuint64_t dims[2] = {static_cast<cuuint64_t>(cols),
                        static_cast<cuuint64_t>(rows)};
  cuuint64_t strides[1] = {static_cast<cuuint64_t>(cols) * 2};
  cuuint32_t box[2] = {64, 64}, elementStrides[2] = {1, 1};
  CUresult r = encodeTiled()(
      &m, CU_TENSOR_MAP_DATA_TYPE_FLOAT16, 2, const_cast<uint16_t *>(device),
      dims, strides, box, elementStrides, CU_TENSOR_MAP_INTERLEAVE_NONE,
      CU_TENSOR_MAP_SWIZZLE_128B, CU_TENSOR_MAP_L2_PROMOTION_NONE,
      CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  if (r != CUDA_SUCCESS) {
    std::fprintf(stderr, "hopper-conformance-gpu: cuTensorMapEncodeTiled: %d\n",
                 static_cast<int>(r));
    std::exit(1);
  }
  return m;
}

uint16_t *upload(const std::vector<uint16_t> &v) {
  uint16_t *p = nullptr;
  CHECK(cudaMalloc(&p, v.size() * 2));
  CHECK(cudaMemcpy(p, v.data(), v.size() * 2, cudaMemcpyHostToDevice));
  return p;
}

} // namespace

int main() {
  cudaDeviceProp prop;
  CHECK(cudaGetDeviceProperties(&prop, 0));
  std::fprintf(stderr, "hopper-conformance-gpu: %s (sm_%d%d)\n", prop.name,
               prop.major, prop.minor);
  if (prop.major != 9) {
    std::fprintf(stderr, "hopper-conformance-gpu: needs an sm_90 GPU\n");
    return 1;
  }
  const int shared = 16384 + 1024;
  CHECK(cudaFuncSetAttribute(hopperKernel,
                             cudaFuncAttributeMaxDynamicSharedMemorySize,
                             shared));
  uint8_t *bytes = nullptr;
  float *acc = nullptr;
  CHECK(cudaMalloc(&bytes, 8192));
  CHECK(cudaMalloc(&acc, 128 * 32 * 4));

  uint16_t *t = upload(hopper::tmaTensor());
  CUtensorMap map = mapOf(t, hopper::kTmaRows, hopper::kTmaCols);
  hopperKernel<<<1, 128, shared>>>(map, map, 0, bytes, acc);
  CHECK(cudaDeviceSynchronize());
  std::vector<uint8_t> smem(8192);
  CHECK(cudaMemcpy(smem.data(), bytes, 8192, cudaMemcpyDeviceToHost));
  hopper::printTma(stdout, smem.data());

  for (int mode = 1; mode <= 2; ++mode) {
    bool transposed = mode == 2;
    uint16_t *a = upload(hopper::operandA(transposed));
    uint16_t *b = upload(hopper::operandB(transposed));
    hopperKernel<<<1, 128, shared>>>(mapOf(a, 64, 64), mapOf(b, 64, 64), mode,
                                     bytes, acc);
    CHECK(cudaDeviceSynchronize());
    std::vector<float> d(128 * 32);
    CHECK(cudaMemcpy(d.data(), acc, d.size() * 4, cudaMemcpyDeviceToHost));
    hopper::printWgmma(stdout, transposed ? "mmajor-a kmajor-b"
                                          : "kmajor-a nmajor-b",
                       d.data());
  }
  return 0;
}
