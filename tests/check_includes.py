#!/usr/bin/env python3
"""No include cycle between the modules of the C code (issue 14).

usage: check_includes.py SOURCE_DIR
A module is a name's .c and .h together (common/tb_fault.c and
common/tb_fault.h are the module common/tb_fault). Module A depends on B
when A's .c or .h includes B's .h with #include "...". A cycle (A -> B ->
... -> A) means the two cannot be understood, tested or replaced apart: the
script prints each cycle found and exits 1; 0 when there is none."""
import os
import re
import sys

FOLDERS = ("common", "common/kernels", "mpi", "openmp", "hybrid", "serial")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def modules(root):
    """module name -> list of its files (relative paths)."""
    found = {}
    for folder in FOLDERS:
        path = os.path.join(root, folder)
        if not os.path.isdir(path):
            continue
        for name in sorted(os.listdir(path)):
            stem, ext = os.path.splitext(name)
            if ext in (".c", ".h"):
                found.setdefault(f"{folder}/{stem}", []).append(f"{folder}/{name}")
    return found


def resolve(root, including, header):
    """The module a quoted include names: the including file's folder first, then
    the include path of the build (common, mpi, openmp, common/kernels)."""
    for folder in (os.path.dirname(including),) + FOLDERS:
        candidate = os.path.normpath(os.path.join(folder, header))
        if os.path.isfile(os.path.join(root, candidate)):
            return os.path.splitext(candidate)[0]
    return None  # generated (tb_git_commit.h) or a system header in quotes


def graph(root):
    mods = modules(root)
    edges = {m: set() for m in mods}
    for mod, files in mods.items():
        for f in files:
            with open(os.path.join(root, f), encoding="utf-8", errors="replace") as fh:
                for header in INCLUDE.findall(fh.read()):
                    target = resolve(root, f, header)
                    if target and target != mod and target in edges:
                        edges[mod].add(target)
    return edges


def cycles(edges):
    """Every elementary cycle's nodes, one per strongly connected component (Tarjan)."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: check_includes.py SOURCE_DIR")
    edges = graph(argv[1])
    found = cycles(edges)
    for comp in found:
        members = set(comp)
        detail = "; ".join(f"{m} -> {', '.join(sorted(edges[m] & members))}" for m in comp)
        print(f"include cycle between {', '.join(comp)}: {detail}")
    if found:
        sys.exit(1)
    print(f"no include cycle among {len(edges)} modules "
          f"({sum(len(e) for e in edges.values())} dependencies)")


if __name__ == "__main__":
    main(sys.argv)
