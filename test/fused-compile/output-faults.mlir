/// Outputs are written whole or not at all: a full disk, an output that
/// is not where a file can go, or a bundle cut short leaves what was there
/// before (or nothing), never a truncated file or a half-filled bundle.
/// `ulimit -f N` (a file-size limit of N KiB) makes writes past it fail as
/// on a full disk; the tools ignore SIGXFSZ so that the write reports it.

// A device that is always full, as the file and as standard output.
// RUN: not fused-compile --emit=ptx --chip=sm_80 %s -o /dev/full 2>&1 | FileCheck %s --check-prefix=FULL
// RUN: not fused-compile --emit=ptx --chip=sm_80 %s > /dev/full 2> %t.err; FileCheck %s --check-prefix=STDOUT < %t.err
// FULL: fused-compile: cannot write /dev/full: No space left on device
// STDOUT: fused-compile: cannot write to the standard output: No space left on device

// A file cut short: the earlier one stays, no temporary file is left.
// RUN: rm -rf %t.dir && mkdir %t.dir && echo earlier > %t.dir/k.ptx
// RUN: not bash -c "ulimit -f 1; fused-compile --emit=ptx --chip=sm_80 %s -o %t.dir/k.ptx" 2>&1 | FileCheck %s --check-prefix=CUT --implicit-check-not="Stack dump"
// RUN: cat %t.dir/k.ptx | FileCheck %s --check-prefix=EARLIER
// RUN: ls %t.dir | FileCheck %s --check-prefix=ONLY --implicit-check-not=tmp
// CUT: fused-compile: cannot write {{.*}}k.ptx: File too large
// EARLIER: earlier
// ONLY: k.ptx

// A bundle cut short (its reference arrays are over the limit, its PTX,
// cubin and manifest under it): the earlier bundle stays whole, nothing
// else appears.
// RUN: fused-compile --emit=bundle --chip=sm_80 %s -o %t.dir/b
// RUN: cp %t.dir/b/manifest.json %t.manifest
// RUN: not bash -c "ulimit -f 64; fused-compile --emit=bundle --with-reference --chip=sm_80,sm_90 %s -o %t.dir/b" 2>&1 | FileCheck %s --check-prefix=BUNDLE --implicit-check-not="Stack dump"
// RUN: cmp %t.dir/b/manifest.json %t.manifest
// RUN: ls %t.dir | FileCheck %s --check-prefix=BUNDLEONLY --implicit-check-not=tmp --implicit-check-not=old
// BUNDLE: fused-compile: cannot write the bundle {{.*}}b: cannot write {{.*}}silu.{{in|ref}}0.npy: File too large
// BUNDLEONLY: b
// BUNDLEONLY: k.ptx

// A new bundle where none was: none appears.
// RUN: not bash -c "ulimit -f 64; fused-compile --emit=bundle --with-reference --chip=sm_80 %s -o %t.dir/new" 2>&1 | FileCheck %s --check-prefix=BUNDLE2
// RUN: not ls %t.dir/new
// BUNDLE2: fused-compile: cannot write the bundle {{.*}}new: cannot write

// A directory where no file can be created, even by root (sysfs; a
// read-only file system fails the same way, with its own reason).
// RUN: not fused-compile --emit=ptx --chip=sm_80 %s -o /sys/fused-output-faults.ptx 2>&1 | FileCheck %s --check-prefix=NOCREATE
// RUN: not fused-compile --emit=bundle --chip=sm_80 %s -o /sys/fused-output-faults 2>&1 | FileCheck %s --check-prefix=NOCREATEDIR
// NOCREATE: fused-compile: cannot write /sys/fused-output-faults.ptx: {{.+}}
// NOCREATEDIR: fused-compile: cannot write the bundle /sys/fused-output-faults: cannot create /sys/fused-output-faults: {{.+}}

// A bundle where a file is, an output where a directory is.
// RUN: not fused-compile --emit=bundle --chip=sm_80 %s -o %t.dir/k.ptx 2>&1 | FileCheck %s --check-prefix=NOTDIR
// RUN: not fused-compile --emit=ptx --chip=sm_80 %s -o %t.dir/b 2>&1 | FileCheck %s --check-prefix=ISDIR
// RUN: not fused-compile --emit=ptx --chip=sm_80 %s -o %t.dir/k.ptx/x.ptx 2>&1 | FileCheck %s --check-prefix=UNDERFILE
// NOTDIR: fused-compile: cannot write the bundle {{.*}}k.ptx: cannot write {{.*}}k.ptx: it exists and is not a directory
// ISDIR: fused-compile: cannot write {{.*}}b: it is a directory
// UNDERFILE: fused-compile: cannot write {{.*}}x.ptx: Not a directory

// A bundle written again replaces the earlier one whole.
// RUN: fused-compile --emit=bundle --chip=sm_90 %s -o %t.dir/b
// RUN: ls %t.dir/b | FileCheck %s --check-prefix=REPLACED --implicit-check-not=sm_80
// RUN: ls %t.dir | FileCheck %s --check-prefix=BUNDLEONLY --implicit-check-not=tmp --implicit-check-not=old
// REPLACED: kernels.sm_90a.ptx

// Files and bundles get the modes the umask gives new ones (the temporary
// files they are written through are private).
// RUN: bash -c "umask 027; fused-compile --emit=bundle --chip=sm_80 %s -o %t.dir/modes && fused-compile --emit=ptx --chip=sm_80 %s -o %t.dir/modes.ptx"
// RUN: stat -c '%%n %%a' %t.dir/modes %t.dir/modes/manifest.json %t.dir/modes.ptx | FileCheck %s --check-prefix=MODES
// MODES: modes 750
// MODES: manifest.json 640
// MODES: modes.ptx 640

// 96 KiB of f16 input, 192 KiB of f32 reference: over the 64 KiB limit.
func.func @silu(%x: tensor<256x192xf16>) -> tensor<256x192xf16> {
  %y = fused.silu %x : tensor<256x192xf16>
  return %y : tensor<256x192xf16>
}
