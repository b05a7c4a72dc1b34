//===- Hooks.h - the functions rewritten kernels call -----------*- C++ -*-===//
//
// The ABI between `fused-emulate` (lib/Emulator/Emulate.cpp) and the
// emulator runtime: one function per entry of the intrinsics table
// (include/fused/Runtime/EmulatorIntrinsics.def). Sites number the rewritten operations; the site table
// in the kernel image names each one. Flags of __fused_emu_access: bit 0 read,
// bit 1 write (both for atomics), bits 8-15 the log2 of the alignment the
// access assumes. Special-register kinds: 0-2 tid.xyz, 3-5
// ntid.xyz, 6-8 ctaid.xyz, 9-11 nctaid.xyz, 12 laneid, 13 warpid, 14
// warpsize. Shuffle modes follow fused::emu::ShflMode, vote modes VoteMode.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_EMULATOR_HOOKS_H
#define FUSED_EMULATOR_HOOKS_H

#include <cstdint>

extern "C" {
int32_t __fused_emu_sreg(int32_t kind);
void *__fused_emu_shared();
void *__fused_emu_access(void *p, int64_t bytes, int32_t flags, int32_t site);
void __fused_emu_barrier(int32_t site);
void __fused_emu_cp_async(void *dst, void *src, int32_t size,
                          int32_t srcBytes, int32_t site);
void __fused_emu_cp_commit(int32_t site);
void __fused_emu_cp_wait(int32_t n, int32_t site);
/// Registers of the lane at `out` (num x i32).
void __fused_emu_ldmatrix(void *p, int32_t num, int32_t trans, void *out,
                          int32_t site);
/// `regs`: A (4 x b32), B (2 x b32), C (4 x f32); D replaces C.
void __fused_emu_mma(void *regs, int32_t type, int32_t site);
/// Returns the shuffled value; writes the in-range predicate (i32) to
/// `predOut`.
int32_t __fused_emu_shfl(int32_t mode, int32_t mask, int32_t value, int32_t b,
                         int32_t c, void *predOut, int32_t site);
int32_t __fused_emu_vote(int32_t mode, int32_t mask, int32_t pred,
                         int32_t site);
// Hopper (runtime/emulator/Hopper.h). Barriers and TMA destinations are
// shared-memory pointers; a tensor map is the kernel argument's storage.
void __fused_emu_mbarrier_init(void *bar, int32_t count, int32_t site);
void __fused_emu_mbarrier_inval(void *bar, int32_t site);
/// Adds `tx` expected bytes (when not 0), then arrives `count` times;
/// returns the phase arrived in.
int64_t __fused_emu_mbarrier_arrive(void *bar, int32_t count, int64_t tx,
                                    int32_t site);
/// expect_tx (delta > 0) or complete_tx (delta < 0).
void __fused_emu_mbarrier_tx(void *bar, int64_t delta, int32_t site);
/// Returns once the phase of parity `parity` has completed.
void __fused_emu_mbarrier_wait(void *bar, int32_t parity, int32_t site);
/// `coords`: `rank` i32, innermost first.
void __fused_emu_tma_load(void *dst, void *map, void *coords, int32_t rank,
                          void *bar, int32_t site);
void __fused_emu_tma_store(void *map, void *src, void *coords, int32_t rank,
                           int32_t site);
void __fused_emu_bulk_commit(int32_t site);
void __fused_emu_bulk_wait(int32_t n, int32_t site);
/// kind 0: fence.proxy.async (shared); 1: fence.mbarrier_init.
void __fused_emu_fence(int32_t kind, int32_t site);
void __fused_emu_wgmma_fence(int32_t site);
/// `acc`: the thread's n / 2 f32 accumulators, updated in place. flags: bit
/// 0 bf16 (else f16), 1 A MN-major, 2 B MN-major, 3 scale-d, 4 negate A, 5
/// negate B.
void __fused_emu_wgmma(void *acc, int64_t descA, int64_t descB, int32_t n,
                       int32_t flags, int32_t site);
void __fused_emu_wgmma_commit(int32_t site);
void __fused_emu_wgmma_wait(int32_t n, int32_t site);
/// Accumulators of the wgmma at site `producer` are read here.
void __fused_emu_wgmma_read(int32_t producer, int32_t site);
int32_t __fused_emu_elect(int32_t mask, int32_t site);
void __fused_emu_wgmma_rega(void *acc, void *a, int64_t descB, int32_t n,
                            int32_t flags, int32_t site);
void __fused_emu_warp_sync(int32_t mask, int32_t site);
void __fused_emu_setmaxnreg(int32_t count, int32_t increase, int32_t site);
}

#endif // FUSED_EMULATOR_HOOKS_H
