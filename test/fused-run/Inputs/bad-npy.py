"""Writes a version-1 .npy file of float16 whose header's shape is the
command line's second argument taken verbatim (e.g. "(64, x)"), with 4096
bytes of data: a corrupt input for fused-run --inputs."""
import sys

path, shape = sys.argv[1], sys.argv[2]
header = "{'descr': '<f2', 'fortran_order': False, 'shape': %s, }" % shape
header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
with open(path, "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little"))
    f.write(header.encode("latin-1"))
    f.write(bytes(4096))
