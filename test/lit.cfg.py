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

# GPU toolchain: tests that run ptxas need a CUDA toolkit (not a GPU).
import shutil

ptxas = None
for candidate in [
    os.path.join(os.environ.get("CUDA_HOME", ""), "bin", "ptxas"),
    shutil.which("ptxas"),
    "/usr/local/cuda/bin/ptxas",
]:
    if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
        ptxas = candidate
        break
if ptxas:
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))

# nvcc, for the GPU side of the ISA conformance program (built, not run,
# without a GPU).
nvcc = None
for candidate in [
    os.path.join(os.environ.get("CUDA_HOME", ""), "bin", "nvcc"),
    shutil.which("nvcc"),
    "/usr/local/cuda/bin/nvcc",
]:
    if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
        nvcc = candidate
        break
if nvcc:
    config.available_features.add("nvcc")
    config.substitutions.append(("%nvcc", nvcc))

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
