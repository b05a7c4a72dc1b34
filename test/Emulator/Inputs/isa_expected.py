#!/usr/bin/env python3
"""What the PTX ISA says each lane receives for the ISA conformance cases
(tools/isa-conformance/IsaCases.h), computed here from the ISA's own
definitions -- the m16n8k16 fragment layouts, ldmatrix's row ownership and
shfl.sync's lane arithmetic -- independently of the emulator's collectives.
Prints the report in the emulator's and the GPU program's format, so that
the three can be compared line for line."""
import struct

LANES = 32


def operand(i):
    return ((i * 7) % 33 - 16) / 4


def bits(f):
    return struct.unpack("<I", struct.pack("<f", f))[0]


def mma():
    # A (row-major 16x16): a{2r+h} of lane l sits at row g (+8 for r = 1, 3),
    # column 2t + h (+8 for r >= 2); B (16x8, "col"): b{2r+h} at k = 2t + h
    # + 8r, n = g; C and D: c{r} at row g (+8 for r >= 2), column 2t + r % 2
    # (g = lane / 4, t = lane % 4).
    a = [[0.0] * 16 for _ in range(16)]
    b = [[0.0] * 8 for _ in range(16)]
    c = [[0.0] * 8 for _ in range(16)]
    for lane in range(LANES):
        g, t = lane // 4, lane % 4
        for r in range(4):
            for h in range(2):
                a[g + (8 if r in (1, 3) else 0)][2 * t + h + (8 if r >= 2 else 0)] = \
                    operand(lane * 8 + r * 2 + h)
            c[g + (8 if r >= 2 else 0)][2 * t + r % 2] = ((lane * 4 + r) % 9 - 4) / 2
        for r in range(2):
            for h in range(2):
                b[2 * t + h + 8 * r][g] = operand(1000 + lane * 4 + r * 2 + h)
    out = []
    for lane in range(LANES):
        g, t = lane // 4, lane % 4
        d = [sum(a[i][k] * b[k][j] for k in range(16)) + c[i][j]
             for i, j in ((g, 2 * t), (g, 2 * t + 1), (g + 8, 2 * t), (g + 8, 2 * t + 1))]
        out.append(" ".join("%08x" % bits(v) for v in d))
    return out


def ldmatrix(num, trans):
    # Matrix m's row r comes from the address lane 8m + r supplies: the
    # case's permuted row of matrix (8m + r) / 8.
    def row_start(lane):
        return (lane // 8) * 64 + ((lane % 8) * 3 % 8) * 8

    def elem(m, r, col):
        return ((row_start(8 * m + r) + col) * 37 + 11) & 0xFFFF

    out = []
    for lane in range(LANES):
        regs = []
        for m in range(num):
            if trans:  # rows 2(lane % 4), +1 of column lane / 4
                lo = elem(m, 2 * (lane % 4), lane // 4)
                hi = elem(m, 2 * (lane % 4) + 1, lane // 4)
            else:  # row lane / 4, columns 2(lane % 4), +1
                lo = elem(m, lane // 4, 2 * (lane % 4))
                hi = elem(m, lane // 4, 2 * (lane % 4) + 1)
            regs.append("%08x" % (lo | hi << 16))
        out.append(" ".join(regs))
    return out


def shfl(mode, width, b):
    value = [((lane + 1) * 0x9E3779B1) & 0xFFFFFFFF for lane in range(LANES)]
    c = ((32 - width) << 8) | (0 if mode == "up" else 0x1F)
    seg, clamp = (c >> 8) & 0x1F, c & 0x1F
    out = []
    for lane in range(LANES):
        bb = (lane * 5 + b) % 32 if mode == "idx" else b
        max_lane = (lane & seg) | (clamp & ~seg)
        min_lane = lane & seg
        if mode == "up":
            j = lane - bb
            ok = j >= max_lane
        elif mode == "down":
            j = lane + bb
            ok = j <= max_lane
        elif mode == "bfly":
            j = lane ^ bb
            ok = j <= max_lane
        else:
            j = min_lane | (bb & ~seg & 0x1F)
            ok = j <= max_lane
        if not ok:
            j = lane
        out.append("%08x %d" % (value[j], 1 if ok else 0))
    return out


def main():
    for name in ("f16", "bf16"):
        for lane, line in enumerate(mma()):
            print(f"mma.m16n8k16.{name} lane {lane}: {line}")
    for num in (1, 2, 4):
        for trans in (0, 1):
            for lane, line in enumerate(ldmatrix(num, trans)):
                print(f"ldmatrix.x{num}{'.trans' if trans else ''} lane {lane}: {line}")
    for mode in ("idx", "up", "down", "bfly"):
        for width in (32, 16, 8, 4, 2, 1):
            for b in (0, 1, 3, 7, 17, 31):
                for lane, line in enumerate(shfl(mode, width, b)):
                    print(f"shfl.{mode} width {width} b {b} lane {lane}: {line}")


if __name__ == "__main__":
    main()
