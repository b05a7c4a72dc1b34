// isa_conformance.cu - the warp instructions the emulator implements, run on
// a GPU through inline PTX with the inputs of IsaCases.h; prints one line
// per lane and case (the format of IsaCases.h). Compare its output with
// fused-isa-conformance-emu's: they must be identical.
//   nvcc -std=c++17 -arch=sm_80 -I tools/isa-conformance \
//        tools/isa-conformance/isa_conformance.cu -o isa-conformance-gpu
#include "IsaCases.h"

#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>

#define CHECK(x)                                                               \
  do {                                                                         \
    cudaError_t err_ = (x);                                                    \
    if (err_ != cudaSuccess) {                                                 \
      std::fprintf(stderr, "isa-conformance-gpu: %s: %s\n", #x,                \
                   cudaGetErrorString(err_));                                  \
      std::exit(1);                                                            \
    }                                                                          \
  } while (0)

__global__ void mmaKernel(const uint32_t *a, const uint32_t *b, const float *c,
                          float *d, int bf16) {
  int l = threadIdx.x;
  const uint32_t *A = a + 4 * l, *B = b + 2 * l;
  const float *C = c + 4 * l;
  float d0, d1, d2, d3;
  if (bf16)
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 "
                 "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%10,%11,%12,%13};"
                 : "=f"(d0), "=f"(d1), "=f"(d2), "=f"(d3)
                 : "r"(A[0]), "r"(A[1]), "r"(A[2]), "r"(A[3]), "r"(B[0]),
                   "r"(B[1]), "f"(C[0]), "f"(C[1]), "f"(C[2]), "f"(C[3]));
  else
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 "
                 "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%10,%11,%12,%13};"
                 : "=f"(d0), "=f"(d1), "=f"(d2), "=f"(d3)
                 : "r"(A[0]), "r"(A[1]), "r"(A[2]), "r"(A[3]), "r"(B[0]),
                   "r"(B[1]), "f"(C[0]), "f"(C[1]), "f"(C[2]), "f"(C[3]));
  d[4 * l + 0] = d0;
  d[4 * l + 1] = d1;
  d[4 * l + 2] = d2;
  d[4 * l + 3] = d3;
}

__global__ void ldmatrixKernel(const uint16_t *tile, const int *rows,
                               uint32_t *out, int num, int trans) {
  __shared__ alignas(16) uint16_t s[isa::kLdmatrixElements];
  int l = threadIdx.x;
  for (int i = l; i < isa::kLdmatrixElements; i += 32)
    s[i] = tile[i];
  __syncwarp();
  unsigned addr =
      static_cast<unsigned>(__cvta_generic_to_shared(s + rows[l]));
  uint32_t r0 = 0, r1 = 0, r2 = 0, r3 = 0;
  if (num == 1 && !trans)
    asm volatile("ldmatrix.sync.aligned.m8n8.x1.shared.b16 {%0}, [%1];"
                 : "=r"(r0) : "r"(addr));
  else if (num == 1)
    asm volatile("ldmatrix.sync.aligned.m8n8.x1.trans.shared.b16 {%0}, [%1];"
                 : "=r"(r0) : "r"(addr));
  else if (num == 2 && !trans)
    asm volatile("ldmatrix.sync.aligned.m8n8.x2.shared.b16 {%0,%1}, [%2];"
                 : "=r"(r0), "=r"(r1) : "r"(addr));
  else if (num == 2)
    asm volatile(
        "ldmatrix.sync.aligned.m8n8.x2.trans.shared.b16 {%0,%1}, [%2];"
        : "=r"(r0), "=r"(r1) : "r"(addr));
  else if (!trans)
    asm volatile(
        "ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];"
        : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(addr));
  else
    asm volatile(
        "ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];"
        : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(addr));
  out[4 * l + 0] = r0;
  out[4 * l + 1] = r1;
  out[4 * l + 2] = r2;
  out[4 * l + 3] = r3;
}

#define SHFL(MODE)                                                             \
  asm volatile("{ .reg .pred p; shfl.sync." MODE ".b32 %0|p, %2, %3, %4, "     \
               "0xffffffff; selp.u32 %1, 1, 0, p; }"                           \
               : "=r"(v), "=r"(p)                                              \
               : "r"(a), "r"(b), "r"(c))

__global__ void shflKernel(const uint32_t *as, const uint32_t *bs, uint32_t c,
                           int mode, uint32_t *values, uint32_t *preds) {
  int l = threadIdx.x;
  uint32_t a = as[l], b = bs[l], v = 0, p = 0;
  switch (mode) {
  case isa::Idx:
    SHFL("idx");
    break;
  case isa::Up:
    SHFL("up");
    break;
  case isa::Down:
    SHFL("down");
    break;
  default:
    SHFL("bfly");
    break;
  }
  values[l] = v;
  preds[l] = p;
}

template <typename T> T *deviceCopy(const T *host, size_t n) {
  T *d = nullptr;
  CHECK(cudaMalloc(&d, n * sizeof(T)));
  if (host)
    CHECK(cudaMemcpy(d, host, n * sizeof(T), cudaMemcpyHostToDevice));
  return d;
}

template <typename T> void hostCopy(T *host, const T *d, size_t n) {
  CHECK(cudaMemcpy(host, d, n * sizeof(T), cudaMemcpyDeviceToHost));
}

int main() {
  using namespace isa;
  cudaDeviceProp prop;
  CHECK(cudaGetDeviceProperties(&prop, 0));
  std::fprintf(stderr, "isa-conformance-gpu: %s (sm_%d%d)\n", prop.name,
               prop.major, prop.minor);
  for (int bf16 = 0; bf16 < 2; ++bf16) {
    MmaInputs in = mmaInputs(bf16);
    uint32_t *a = deviceCopy(&in.a[0][0], 4 * kLanes);
    uint32_t *b = deviceCopy(&in.b[0][0], 2 * kLanes);
    float *c = deviceCopy(&in.c[0][0], 4 * kLanes);
    float *d = deviceCopy<float>(nullptr, 4 * kLanes);
    mmaKernel<<<1, 32>>>(a, b, c, d, bf16);
    CHECK(cudaGetLastError());
    float out[kLanes][4];
    hostCopy(&out[0][0], d, 4 * kLanes);
    printMma(stdout, bf16, out);
    cudaFree(a), cudaFree(b), cudaFree(c), cudaFree(d);
  }
  uint16_t tile[kLdmatrixElements];
  for (int i = 0; i < kLdmatrixElements; ++i)
    tile[i] = ldmatrixElement(i);
  int rows[kLanes];
  for (int l = 0; l < kLanes; ++l)
    rows[l] = ldmatrixRow(l);
  uint16_t *dTile = deviceCopy(tile, kLdmatrixElements);
  int *dRows = deviceCopy(rows, kLanes);
  uint32_t *dOut = deviceCopy<uint32_t>(nullptr, 4 * kLanes);
  for (int num : {1, 2, 4})
    for (int trans = 0; trans < 2; ++trans) {
      ldmatrixKernel<<<1, 32>>>(dTile, dRows, dOut, num, trans);
      CHECK(cudaGetLastError());
      uint32_t out[kLanes][4];
      hostCopy(&out[0][0], dOut, 4 * kLanes);
      printLdmatrix(stdout, num, trans, out);
    }
  uint32_t as[kLanes];
  for (int l = 0; l < kLanes; ++l)
    as[l] = shflValue(l);
  uint32_t *dA = deviceCopy(as, kLanes);
  uint32_t *dB = deviceCopy<uint32_t>(nullptr, kLanes);
  uint32_t *dV = deviceCopy<uint32_t>(nullptr, kLanes);
  uint32_t *dP = deviceCopy<uint32_t>(nullptr, kLanes);
  for (int i = 0; i < kNumShflCases; ++i) {
    ShflCase sc = shflCase(i);
    uint32_t bs[kLanes];
    for (int l = 0; l < kLanes; ++l)
      bs[l] = shflB(sc, l);
    CHECK(cudaMemcpy(dB, bs, sizeof(bs), cudaMemcpyHostToDevice));
    shflKernel<<<1, 32>>>(dA, dB, shflC(sc), sc.mode, dV, dP);
    CHECK(cudaGetLastError());
    uint32_t v[kLanes], p[kLanes];
    hostCopy(v, dV, kLanes);
    hostCopy(p, dP, kLanes);
    printShfl(stdout, sc, v, p);
  }
  CHECK(cudaDeviceSynchronize());
  return 0;
}
