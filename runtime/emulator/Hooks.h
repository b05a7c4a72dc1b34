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
}

#endif // FUSED_EMULATOR_HOOKS_H
