"""Seeds for the compiler's fuzz targets: each top-level function of the lit
suite's .mlir files (split at `// -----` too) as one file, named by a hash
of its text, in the corpus directory given.

    python3 fuzz/seeds.py TEST_DIR CORPUS_DIR
"""
import hashlib
import os
import re
import sys

test_dir, corpus = sys.argv[1:3]
os.makedirs(corpus, exist_ok=True)
written = 0
for root, _, files in os.walk(test_dir):
    for name in sorted(files):
        if not name.endswith(".mlir") or "Output" in root:
            continue
        with open(os.path.join(root, name), errors="replace") as f:
            text = f.read()
        for chunk in re.split(r"^// -----.*$", text, flags=re.M):
            # Comments (RUN and CHECK lines) are no use to a fuzzer.
            body = "\n".join(l for l in chunk.splitlines()
                             if not l.lstrip().startswith("//"))
            starts = [m.start() for m in re.finditer(r"^func\.func ", body,
                                                     flags=re.M)]
            if not starts:
                continue
            for a, b in zip(starts, starts[1:] + [len(body)]):
                seed = body[a:b].strip() + "\n"
                if len(seed) > 16384:
                    continue
                digest = hashlib.sha1(seed.encode()).hexdigest()[:16]
                path = os.path.join(corpus, "seed-" + digest)
                if not os.path.exists(path):
                    with open(path, "w") as out:
                        out.write(seed)
                    written += 1
print(f"seeds.py: {written} new seeds in {corpus}")
