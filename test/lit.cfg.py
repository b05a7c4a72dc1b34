# lit configuration of the fused test suite.
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "FUSED"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.fused_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs"]

config.environment["FILECHECK_OPTS"] = (
    "-enable-var-scope --allow-unused-prefixes=false"
)

llvm_config.use_default_substitutions()
config.substitutions.append(("%PATH%", config.environment["PATH"]))

llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.fused_tools_dir, append_path=True)

tools = ["fused-opt", "fused-compile", "fused-run"]
llvm_config.add_tool_substitutions(tools, [config.fused_tools_dir])

# GPU toolchain (not a GPU): tests that run ptxas, or nvcc for the GPU side
# of the ISA conformance program (built, not run, without a GPU), say
# "REQUIRES: ptxas" / "REQUIRES: nvcc".
import shutil


def find_cuda_tool(name):
    for candidate in [
        os.path.join(os.environ.get("CUDA_HOME", ""), "bin", name),
        shutil.which(name),
        "/usr/local/cuda/bin/" + name,
    ]:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


for tool in ("ptxas", "nvcc"):
    path = find_cuda_tool(tool)
    if path:
        config.available_features.add(tool)
        config.substitutions.append(("%" + tool, path))

# A CUDA driver and device: tests that run kernels on a GPU say
# "REQUIRES: cuda". The driver library is what the runtime loads.
import ctypes

try:
    _cuda = ctypes.CDLL("libcuda.so.1")
    _count = ctypes.c_int(0)
    if _cuda.cuInit(0) == 0 and _cuda.cuDeviceGetCount(ctypes.byref(_count)) == 0 and _count.value > 0:
        config.available_features.add("cuda")
except OSError:
    pass

# The build and source trees, for the installed-package test.
config.substitutions.append(("%fused_obj_root", config.fused_obj_root))
config.substitutions.append(("%fused_src_root", config.fused_src_root))
# Compiled programs are cached inside the build tree, not in $HOME.
config.environment["FUSED_CACHE_DIR"] = os.path.join(
    config.fused_obj_root, "test", "kernel-cache")

# Under ./fused.sh sanitize: a program that embeds the library (the
# installed package's consumer) runs with malloc stacks unwound in full, so
# that LeakSanitizer sees through libLLVM's frames to the process-wide
# registries its suppressions name (test/lsan-suppressions.txt). Other
# processes keep the fast unwinder.
_asan = os.environ.get("ASAN_OPTIONS")
config.substitutions.append(
    ("%embedder_env",
     "env ASAN_OPTIONS=" + _asan + ":fast_unwind_on_malloc=0" if _asan else ""))
