#!/usr/bin/env python3
"""Real launches of fuzzed command lines (issue 16).

usage: fuzz_launch.py FUZZ_ARGV COUNT SEED EXECUTABLE...
Takes COUNT vectors from `FUZZ_ARGV --emit COUNT SEED` (values that fail or
run fast) and runs each with each EXECUTABLE, as one process (the MPI
executables as a singleton), in a scratch folder, with stdout discarded.
Every job must end within its deadline with exit status 0, 2 or 3 and at
most one line on stderr. Prints the count and the findings; exit 1 on any."""
import os
import subprocess
import sys
import tempfile
import time

DEADLINE = 60  # seconds a job may take (a loaded 2-core machine)


def main():
    fuzz, count, seed = sys.argv[1], sys.argv[2], sys.argv[3]
    executables = sys.argv[4:]
    emitted = subprocess.run([fuzz, "--emit", count, seed], capture_output=True, check=True)
    vectors = [line.split(b"\x1f") for line in emitted.stdout.split(b"\n") if line]
    env = dict(os.environ, OMP_NUM_THREADS="2", OMPI_MCA_btl_vader_single_copy_mechanism="none")
    findings = []
    jobs = 0
    start = time.time()
    with tempfile.TemporaryDirectory() as scratch:
        for i, vector in enumerate(vectors):
            exe = executables[i % len(executables)]
            argv = [exe] + vector
            jobs += 1
            try:
                proc = subprocess.run(argv, cwd=scratch, env=env, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      timeout=DEADLINE)
            except subprocess.TimeoutExpired:
                findings.append("hung (over %d s): %r" % (DEADLINE, argv))
                continue
            lines = proc.stderr.decode("utf-8", "replace").splitlines()
            if proc.returncode not in (0, 2, 3):
                findings.append("exit %d: %r\n    %s" % (proc.returncode, argv, "\n    ".join(lines)))
            elif len(lines) > 1:
                findings.append("%d stderr lines: %r\n    %s" % (len(lines), argv, "\n    ".join(lines)))
    for f in findings:
        print("FINDING: " + f)
    print("%d launches of %d executables (seed %s) in %.0f s: %d finding%s"
          % (jobs, len(executables), seed, time.time() - start, len(findings),
             "" if len(findings) == 1 else "s"))
    sys.exit(1 if findings else 0)


if __name__ == "__main__":
    main()
