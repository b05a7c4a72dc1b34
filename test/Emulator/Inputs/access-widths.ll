; Stores of a loaded value with various declared alignments (input of
; access-widths-llc.test). The loads come from a parameter-space copy so
; that only the stores show.
target datalayout = "e-p3:32:32-p4:32:32-p5:32:32-p6:32:32-p7:32:32-i64:64-i128:128-i256:256-v16:16-v32:32-n16:32:64"
target triple = "nvptx64-nvidia-cuda"

define ptx_kernel void @v8f16_align1(ptr addrspace(1) %p, <8 x half> %v) {
  store <8 x half> %v, ptr addrspace(1) %p, align 1
  ret void
}

define ptx_kernel void @v8f16_align2(ptr addrspace(1) %p, <8 x half> %v) {
  store <8 x half> %v, ptr addrspace(1) %p, align 2
  ret void
}

define ptx_kernel void @v8f16_align4(ptr addrspace(1) %p, <8 x half> %v) {
  store <8 x half> %v, ptr addrspace(1) %p, align 4
  ret void
}

define ptx_kernel void @v8f16_align8(ptr addrspace(1) %p, <8 x half> %v) {
  store <8 x half> %v, ptr addrspace(1) %p, align 8
  ret void
}

define ptx_kernel void @v8f16_align16(ptr addrspace(1) %p, <8 x half> %v) {
  store <8 x half> %v, ptr addrspace(1) %p, align 16
  ret void
}

define ptx_kernel void @v4f16_align16(ptr addrspace(1) %p, <4 x half> %v) {
  store <4 x half> %v, ptr addrspace(1) %p, align 16
  ret void
}

define ptx_kernel void @f32_align2(ptr addrspace(1) %p, float %v) {
  store float %v, ptr addrspace(1) %p, align 2
  ret void
}

define ptx_kernel void @f16_align16(ptr addrspace(1) %p, half %v) {
  store half %v, ptr addrspace(1) %p, align 16
  ret void
}

define ptx_kernel void @v8f32_align32(ptr addrspace(1) %p, <8 x float> %v) {
  store <8 x float> %v, ptr addrspace(1) %p, align 32
  ret void
}

@shared_v8f16_align8_buf = internal addrspace(3) global [64 x i8] undef, align 16
define ptx_kernel void @shared_v8f16_align8(<8 x half> %v, i32 %i) {
  %p = getelementptr i8, ptr addrspace(3) @shared_v8f16_align8_buf, i32 %i
  store <8 x half> %v, ptr addrspace(3) %p, align 8
  ret void
}
