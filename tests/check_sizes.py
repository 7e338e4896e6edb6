#!/usr/bin/env python3
"""Problem sizes and pages in the record (issue 11).

usage: check_sizes.py [--regime R] [--rule auto|given|default] [--policy normal|huge]
                      [--huge-obtained] [--same-as-catalogue] -- COMMAND...
Runs COMMAND --json - and checks every record: working_set.regime is R and
consistent with bytes / llc_bytes (ratio >= 4: dram, < 1: cache-resident);
size_rule; pages.policy; --huge-obtained: anon_huge_bytes > 0 (only where
the kernel grants transparent huge pages: THP not "never");
--same-as-catalogue: the size is the one `EXE --list --json` announces as
size.auto.value (EXE: the command's triobench executable).

usage: check_sizes.py --error -- COMMAND...
Expects exit status 2 and exactly one "triobench-<backend>: error:" line."""
import argparse
import json
import re
import subprocess
import sys


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def thp_enabled():
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            return "[never]" not in f.read()
    except OSError:
        return False


def expect_error(command):
    proc = subprocess.run(command, capture_output=True, text=True, timeout=120)
    lines = [l for l in proc.stderr.splitlines() if re.match(r"triobench-[a-z]+: error: ", l)]
    if proc.returncode != 2:
        fail(f"exit {proc.returncode}, expected 2; stderr: {proc.stderr}")
    # (an MPI launcher may add its own banner about the exit status)
    ours = [l for l in proc.stderr.splitlines() if l.startswith("triobench")]
    if len(lines) != 1 or len(ours) != 1:
        fail(f"expected exactly one error line, got: {proc.stderr!r}")
    print("ok (exit 2):", lines[0])


def catalogue_auto(command, kernel):
    exe = next(c for c in command if "triobench-" in c.rsplit("/", 1)[-1])
    cat = json.loads(subprocess.run([exe, "--list", "--json"], capture_output=True, text=True,
                                    check=True).stdout)
    k = next(k for k in cat["kernels"] if k["name"] == kernel)
    return k["size_param"], k["size"]["auto"]["value"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--regime")
    ap.add_argument("--rule")
    ap.add_argument("--policy")
    ap.add_argument("--huge-obtained", action="store_true")
    ap.add_argument("--same-as-catalogue", action="store_true")
    ap.add_argument("--error", action="store_true")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    command = [c for c in args.command if c != "--"]
    if args.error:
        return expect_error(command)
    proc = subprocess.run(command + ["--json", "-"], capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        fail(f"run failed ({proc.returncode}): {proc.stderr}")
    records = [json.loads(l) for l in proc.stdout.splitlines() if l.startswith("{")]
    if not records:
        fail("no record on stdout")
    for rec in records:
        ws, pages = rec["working_set"], rec["pages"]
        if args.regime or args.rule:
            if ws is None:
                fail("working_set is null")
            ratio = ws["bytes"] / ws["llc_bytes"]
            if abs(ratio - ws["ratio"]) > 1e-9 * ratio:
                fail(f"ratio {ws['ratio']} is not bytes / llc_bytes = {ratio}")
            expected = "dram" if ratio >= 4 else "cache-resident" if ratio < 1 else "mixed"
            if ws["regime"] != expected:
                fail(f"regime {ws['regime']} for ratio {ratio}")
        if args.regime and ws["regime"] != args.regime:
            fail(f"regime {ws['regime']}, expected {args.regime} (ratio {ws['ratio']:.3g})")
        if args.regime == "dram" and not ws["bytes"] >= 4 * ws["llc_bytes"]:
            fail(f"working set {ws['bytes']} below 4 x LLC {ws['llc_bytes']}")
        if args.rule and ws["size_rule"] != args.rule:
            fail(f"size_rule {ws['size_rule']}, expected {args.rule}")
        if args.policy and pages["policy"] != args.policy:
            fail(f"pages.policy {pages['policy']}, expected {args.policy}")
        if args.huge_obtained and thp_enabled() and not pages["anon_huge_bytes"] > 0:
            fail("--huge-pages obtained no huge pages although THP is enabled")
        if args.same_as_catalogue:
            name, value = catalogue_auto(command, rec["kernel"])
            if rec["params"][name] != value:
                fail(f"{name}={rec['params'][name]}, but --list says --size auto is {value}")
        print(f"ok: {rec['kernel']} {rec['backend']} {rec['ranks']}x{rec['threads']} "
              f"working_set={ws and ws['regime']} rule={ws and ws['size_rule']} "
              f"pages={pages['policy']} anon_huge_bytes={pages['anon_huge_bytes']}")


if __name__ == "__main__":
    main()
