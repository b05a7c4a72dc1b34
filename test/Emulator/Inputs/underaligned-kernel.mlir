// A kernel whose shared pair store declares 2-byte alignment where the
// backend proves 4 bytes: the PTX holds one st.shared.b32 where the
// emulator would execute two 2-byte stores. Input of ptx-cross-check.mlir.
module attributes {gpu.container_module} {
  gpu.module @fused_kernels {
    gpu.func @underaligned(%out: memref<64xf16>) workgroup(%buf : memref<64xf16, #gpu.address_space<workgroup>>) kernel {
      %c2 = arith.constant 2 : index
      %t = gpu.thread_id x
      %i = arith.muli %t, %c2 : index
      %v = arith.constant dense<1.0> : vector<2xf16>
      vector.store %v, %buf[%i] : memref<64xf16, #gpu.address_space<workgroup>>, vector<2xf16>
      gpu.barrier
      %x = memref.load %buf[%t] : memref<64xf16, #gpu.address_space<workgroup>>
      memref.store %x, %out[%t] : memref<64xf16>
      gpu.return
    }
  }
}
