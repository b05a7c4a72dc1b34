import os
import sys
import tempfile

# The package is built into <build>/python; FUSED_BUILD_DIR overrides.
_build = os.environ.get("FUSED_BUILD_DIR",
                        os.path.join(os.path.dirname(__file__), "..", "..",
                                     "build"))
sys.path.insert(0, os.path.join(_build, "python"))
# Keep compiled programs out of $HOME.
os.environ.setdefault("FUSED_CACHE_DIR",
                      tempfile.mkdtemp(prefix="fused-pytest-cache-"))
