#!/usr/bin/env python3
"""The layer rule of ARCHITECTURE.md, enforced: every project include in include/, src/ and cmd/
must point down the layers (or sideways where a pair is allowed), and every directory under
include/lever/ and src/ must belong to a layer.

Usage: check_includes.py [--self-test] [ROOT]   (ROOT: the repository, default: two levels up)
Exit 0 when every include follows the rule; 1 listing each one that does not (file:line,
from-layer -> to-layer, the rule); 2 for a usage error. --self-test first checks the checker on
a small planted tree (a wrong-way include, a directory without a layer) so it cannot pass by
finding nothing.
"""
import os
import re
import sys
import tempfile

# The layers, lowest first; a layer may include itself and any layer of a lower level.
LEVELS = [
    ["util"],
    ["model"],
    ["store", "transport"],
    ["device"],
    ["sim"],
    ["plan", "calibrate", "run", "report", "demo"],
    ["cli"],
    ["cmd"],
]
# Includes between two layers of one level that are allowed (today's code, no cycle).
SIDEWAYS = {
    ("run", "plan"),
    ("run", "calibrate"),
    ("report", "plan"),
    ("report", "calibrate"),
}
# The rule as ARCHITECTURE.md writes it; the check fails when the two disagree.
RULE_LINE = " <- ".join(", ".join(level) for level in LEVELS)

LEVEL_OF = {layer: i for i, level in enumerate(LEVELS) for layer in level}
SOURCE_SUFFIXES = (".hpp", ".cpp", ".h", ".cc", ".hh", ".ipp", ".inc")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^">]+)[">]')


def layer_of(root, path):
    """The layer a repository file belongs to: its directory under include/lever/ or src/, or cmd.
    None when it is in none of them; "" when it sits directly in include/lever/ or src/."""
    rel = os.path.relpath(path, root).split(os.sep)
    if rel[0] == "cmd":
        return "cmd"
    if rel[:2] == ["include", "lever"]:
        return rel[2] if len(rel) > 3 else ""
    if rel[0] == "src":
        return rel[1] if len(rel) > 2 else ""
    return None


def included_file(root, including, quote, name):
    """The repository file an include names, or None for a system or third-party header."""
    if quote == '"':
        beside = os.path.normpath(os.path.join(os.path.dirname(including), name))
        if os.path.isfile(beside):
            return beside
    if name.startswith("lever/"):
        return os.path.join(root, "include", name)  # may not exist: still checked by its directory
    return None


def why_not(src, dst):
    """Why a file of layer `src` may not include layer `dst`, or None when it may."""
    if src == dst:
        return None
    if dst not in LEVEL_OF:
        return "the included file is in no layer (ARCHITECTURE.md lists them)"
    if LEVEL_OF[dst] < LEVEL_OF[src] or (src, dst) in SIDEWAYS:
        return None
    if LEVEL_OF[dst] == LEVEL_OF[src]:
        return f"{src} and {dst} are one level, and {src} -> {dst} is not an allowed sideways include"
    return f"{dst} is a higher layer than {src}"


def source_files(root):
    for top in ("include", "src", "cmd"):
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for n in sorted(names):
                if n.endswith(SOURCE_SUFFIXES):
                    yield os.path.join(dirpath, n)


def check(root):
    """Every problem found, as lines to print; and how many includes were checked."""
    problems, checked = [], 0
    for top in (os.path.join(root, "include", "lever"), os.path.join(root, "src")):
        for d in sorted(os.listdir(top)) if os.path.isdir(top) else []:
            if os.path.isdir(os.path.join(top, d)) and d not in LEVEL_OF:
                problems.append(f"{os.path.relpath(os.path.join(top, d), root)}/: directory '{d}' has no layer "
                                f"(add it to ARCHITECTURE.md and tests/arch/check_includes.py, or move its files)")
    for path in source_files(root):
        src = layer_of(root, path)
        rel = os.path.relpath(path, root)
        if src == "":
            problems.append(f"{rel}: outside every layer directory (files live in include/lever/<layer>/ or src/<layer>/)")
            continue
        if src not in LEVEL_OF:
            continue  # its directory is reported above
        with open(path, encoding="utf-8", errors="replace") as f:
            for lineno, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = included_file(root, path, m.group(1), m.group(2))
                if target is None:
                    continue
                checked += 1
                dst = layer_of(root, target) or "?"  # "?": a file outside every layer directory
                reason = why_not(src, dst)
                if reason:
                    problems.append(f"{rel}:{lineno}: {src} -> {dst}: includes {m.group(2)}: {reason}")
    doc_path = os.path.join(root, "ARCHITECTURE.md")
    doc = ""
    if os.path.isfile(doc_path):
        with open(doc_path, encoding="utf-8") as f:
            doc = f.read()
    for text in [RULE_LINE] + [f"`{a} -> {b}`" for a, b in sorted(SIDEWAYS)]:
        if text not in doc:
            problems.append(f"ARCHITECTURE.md does not state what this check enforces: '{text}'")
    return problems, checked


def self_test():
    """The checker finds what it must on a planted tree; returns problems with the checker itself."""
    plant = {
        "ARCHITECTURE.md": RULE_LINE + "\n" + " ".join(f"`{a} -> {b}`" for a, b in SIDEWAYS) + "\n",
        "include/lever/util/a.hpp": '#include "lever/cli/output.hpp"\n',      # util -> cli: wrong way
        "include/lever/store/b.hpp": '#include "lever/transport/t.hpp"\n',    # one level, not allowed
        "include/lever/run/c.hpp": '#include "lever/plan/p.hpp"\n',           # allowed sideways
        "src/device/d.cpp": '#include "../sim/s.hpp"\n',                      # relative, wrong way
        "src/sim/s.hpp": "",
        "src/gadgets/e.cpp": '#include "lever/util/a.hpp"\n',                 # no layer
        "cmd/f.cpp": '#include "lever/cli/output.hpp"\n#include <vector>\n',  # fine
    }
    want = ["include/lever/util/a.hpp:1: util -> cli", "include/lever/store/b.hpp:1: store -> transport",
            "src/device/d.cpp:1: device -> sim", "src/gadgets/: directory 'gadgets' has no layer"]
    with tempfile.TemporaryDirectory() as tmp:
        for rel, text in plant.items():
            os.makedirs(os.path.dirname(os.path.join(tmp, rel)) or tmp, exist_ok=True)
            with open(os.path.join(tmp, rel), "w", encoding="utf-8") as f:
                f.write(text)
        found, _ = check(tmp)
    missed = [w for w in want if not any(p.startswith(w) for p in found)]
    extra = [p for p in found if not any(p.startswith(w) for w in want)]
    return ([f"self-test: not found: {w}" for w in missed] + [f"self-test: wrongly reported: {p}" for p in extra] +
            sideways_problems())


def sideways_problems():
    """A sideways pair joins two layers of one level, and the pairs form no cycle."""
    out = [f"self-test: sideways {a} -> {b} joins two levels" for a, b in sorted(SIDEWAYS) if LEVEL_OF[a] != LEVEL_OF[b]]

    def reaches(start, goal, seen=()):
        return any(b == goal or (b not in seen and reaches(b, goal, seen + (b,))) for a, b in SIDEWAYS if a == start)
    out += [f"self-test: sideways {a} -> {b} is part of a cycle" for a, b in sorted(SIDEWAYS) if reaches(b, a)]
    return out


def main(argv):
    args = [a for a in argv if a != "--self-test"]
    if len(args) > 1 or any(a.startswith("-") for a in args):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    root = os.path.abspath(args[0] if args else os.path.join(os.path.dirname(__file__), "..", ".."))
    problems = self_test() if "--self-test" in argv else []
    found, checked = check(root)
    problems += found
    for p in problems:
        print(p)
    if problems:
        print(f"architecture: {len(problems)} problem(s). A layer includes only itself and the layers left of it:\n"
              f"  {RULE_LINE}\nallowed sideways: " + ", ".join(f"{a} -> {b}" for a, b in sorted(SIDEWAYS)) +
              " (ARCHITECTURE.md)", file=sys.stderr)
        return 1
    print(f"architecture: {checked} project includes follow the layers ({RULE_LINE})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
