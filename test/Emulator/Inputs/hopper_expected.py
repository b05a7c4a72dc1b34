"""The Hopper conformance cases (tools/isa-conformance/HopperCases.h) as
the PTX ISA defines them, computed here from its definitions alone: a TMA
tile-mode load writes its box densely, innermost dimension contiguous, each
16-byte chunk of the CTA-relative address A at A ^ (((A >> 7) & 7) << 4)
for the 128-byte swizzle, out-of-bounds elements zero; wgmma m64nNk16
leaves in thread t's accumulator i the element at row 16 (t / 32) +
(t % 32) / 4 + 8 ((i % 4) / 2) and column 8 (i / 4) + 2 (t % 4) + i % 2 of
D = A B. Prints what fused-hopper-conformance-emu prints."""
import struct


def value(which, r, c):
    return float(((r * 13 + c * 7 + which * 5) % 33) - 16) / 4


def half_bytes(v):
    return struct.pack("<e", v)


def tma_case():
    rows, cols, col0, row0 = 72, 80, 32, 40
    smem = bytearray(8192)
    for i in range(64):
        for j in range(64):
            r, c = row0 + i, col0 + j
            v = value(0, r, c) if r < rows and c < cols else 0.0
            logical = (i * 64 + j) * 2
            physical = logical ^ (((logical >> 7) & 7) << 4)
            smem[physical:physical + 2] = half_bytes(v)
    for line in range(512):
        chunk = " ".join("%02x" % b for b in smem[line * 16:line * 16 + 16])
        print("tma 128B offset %4d: %s" % (line * 16, chunk))


def wgmma_case(name):
    a = [[value(1, m, k) for k in range(64)] for m in range(64)]
    b = [[value(2, k, n) for n in range(64)] for k in range(64)]
    d = [[sum(a[m][k] * b[k][n] for k in range(64)) for n in range(64)]
         for m in range(64)]
    for t in range(128):
        w, lane = t // 32, t % 32
        g, q = lane // 4, lane % 4
        regs = []
        for i in range(32):
            j, p = i // 4, i % 4
            row = 16 * w + g + 8 * (p // 2)
            col = 8 * j + 2 * q + p % 2
            regs.append("%08x" % struct.unpack("<I", struct.pack("<f", d[row][col]))[0])
        print("wgmma %s thread %3d: %s" % (name, t, " ".join(regs)))


tma_case()
wgmma_case("kmajor-a nmajor-b")
wgmma_case("mmajor-a kmajor-b")
