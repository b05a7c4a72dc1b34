"""Damages a bundle manifest on purpose for errors.test:
edit-manifest.py MANIFEST version N | buffer-shape ID | launch-kernel NAME |
alignment N | read-unwritten - | no-launches -"""
import json
import sys

path, what, arg = sys.argv[1:4]
with open(path) as f:
    m = json.load(f)
if what == "version":
    m["version"] = int(arg)
elif what == "buffer-shape":
    m["functions"][0]["buffers"][int(arg)]["shape"] = [1, 2]
elif what == "launch-kernel":
    m["functions"][0]["launches"][0]["kernel"] = arg
elif what == "alignment":
    m["kernels"][0]["args"][0]["alignment"] = int(arg)
elif what == "read-unwritten":
    # A launch reads a buffer that only a kernel could have written.
    f = m["functions"][0]
    first = f["buffers"][0]
    f["buffers"].append({"dtype": first["dtype"], "id": len(f["buffers"]),
                         "origin": "kernel", "shape": first["shape"]})
    f["launches"][0]["args"][0] = len(f["buffers"]) - 1
elif what == "no-launches":
    m["functions"][0]["launches"] = []
else:
    sys.exit("unknown edit " + what)
with open(path, "w") as f:
    json.dump(m, f, indent=2)
