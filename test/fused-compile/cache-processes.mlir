/// The kernel cache under several processes at once: four compiles of one
/// module write its entry together; each gets a correct program, and the
/// cache holds one whole entry and no temporary files. A truncated entry
/// is compiled again, not trusted.
// RUN: rm -rf %t.cache %t.out && mkdir %t.out
// RUN: env FUSED_CACHE_DIR=%t.cache bash -c "for i in 1 2 3 4; do fused-compile --run --device=emulator --check --cache %s > %t.out/\$i & done; wait"
// RUN: cat %t.out/1 %t.out/2 %t.out/3 %t.out/4 | FileCheck %s --check-prefix=FOUR
// RUN: ls %t.cache | FileCheck %s --check-prefix=ENTRY --implicit-check-not=tmp
// RUN: env FUSED_CACHE_DIR=%t.cache fused-compile --run --device=emulator --check --cache %s | FileCheck %s --check-prefix=ONE
// RUN: bash -c 'f=$(ls %t.cache/*.entry); head -c 3000 "$f" > "$f.cut" && mv "$f.cut" "$f"'
// RUN: env FUSED_CACHE_DIR=%t.cache fused-compile --run --device=emulator --check --cache %s | FileCheck %s --check-prefix=ONE
// RUN: ls %t.cache | FileCheck %s --check-prefix=ENTRY --implicit-check-not=tmp
// RUN: bash -c 'test $(stat -c %%s %t.cache/*.entry) -gt 3000'

// FOUR-COUNT-4: @sm result 0: relative error {{.*}} PASS
// ENTRY: {{[0-9a-f]+}}.entry
// ONE: @sm result 0: relative error {{.*}} PASS

func.func @sm(%x: tensor<33x100xf16>) -> tensor<33x100xf16> {
  %y = fused.softmax %x axis = 1 : tensor<33x100xf16>
  return %y : tensor<33x100xf16>
}
