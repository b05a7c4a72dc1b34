"""Damages a bundle manifest on purpose for errors.test:
edit-manifest.py MANIFEST version N | buffer-shape ID | launch-kernel NAME"""
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
else:
    sys.exit("unknown edit " + what)
with open(path, "w") as f:
    json.dump(m, f, indent=2)
