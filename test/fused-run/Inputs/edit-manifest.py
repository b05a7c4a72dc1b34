"""Damages a bundle manifest on purpose for errors.test:
edit-manifest.py MANIFEST version N | buffer-shape ID | launch-kernel NAME |
alignment N | read-unwritten - | no-launches - | view-past-end - |
view-misaligned - | view-output-part - | deep-size - | bad-grid-size - |
rename-kernel NAME | tensor-maps JSON"""
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
elif what == "deep-size":
    # A dimension given by an expression nested 2000 deep (longer than the
    # 1024 characters a size expression may have).
    m["functions"][0]["buffers"][0]["shape"][0] = "(" * 2000 + "s0" + ")" * 2000
elif what == "bad-grid-size":
    m["kernels"][0]["grid"][0] = "a0.d0 +"
elif what == "rename-kernel":
    # The manifest names a kernel (consistently) that the image lacks.
    old = m["kernels"][0]["name"]
    m["kernels"][0]["name"] = arg
    for f in m["functions"]:
        for launch in f["launches"]:
            if launch["kernel"] == old:
                launch["kernel"] = arg
elif what == "tensor-maps":
    # The first kernel's TMA tensor maps.
    m["kernels"][0]["tensor_maps"] = json.loads(arg)
elif what == "no-launches":
    m["functions"][0]["launches"] = []
elif what.startswith("view-"):
    f = m["functions"][0]
    bufs = f["buffers"]
    view = {"dtype": bufs[0]["dtype"], "id": len(bufs), "origin": "view",
            "of": 0, "offset": 0, "shape": bufs[0]["shape"]}
    if what == "view-past-end":
        # The whole of buffer 0, but starting 8 bytes in.
        view["offset"] = 8
    elif what == "view-misaligned":
        # Input 0 one row longer, and the launch reads it from byte 2 on,
        # where the kernel assumes 16-byte alignment.
        bufs[0]["shape"] = [bufs[0]["shape"][0] + 1] + bufs[0]["shape"][1:]
        view["offset"] = 2
        f["launches"][0]["args"][0] = view["id"]
    elif what == "view-output-part":
        # The function returns the first half of the kernel's result.
        out = bufs[f["outputs"][0]]
        view.update(dtype=out["dtype"], of=out["id"],
                    shape=[out["shape"][0] // 2] + out["shape"][1:])
        f["outputs"][0] = view["id"]
    bufs.append(view)
else:
    sys.exit("unknown edit " + what)
with open(path, "w") as f:
    json.dump(m, f, indent=2)
