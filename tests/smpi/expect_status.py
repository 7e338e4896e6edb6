"""expect_status.py STATUS REGEX COMMAND...: run COMMAND (smpirun and a kernel of the SMPI build)
and pass when it exits with exactly STATUS and its stderr has a line matching REGEX. Under SMPI a
run's status is smpirun's: the first non-zero status a simulated rank returned from main, or the
one process's exit status (docs/simulation.md). One line on stderr and exit 1 otherwise."""

import re
import subprocess
import sys


def main(argv):
    want, pattern, cmd = int(argv[1]), re.compile(argv[2]), argv[3:]
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=300)
    except subprocess.TimeoutExpired:
        return "timed out after 300 s (a hang)"
    if proc.returncode != want:
        return f"exit status {proc.returncode}, expected {want}; stderr:\n{proc.stderr}"
    if not any(pattern.search(line) for line in proc.stderr.splitlines()):
        return f"no stderr line matches /{argv[2]}/; stderr:\n{proc.stderr}"
    print(f"ok: exit status {want} and /{argv[2]}/")
    return None


if __name__ == "__main__":
    problem = main(sys.argv)
    if problem:
        print(f"expect_status.py: {problem}", file=sys.stderr)
        sys.exit(1)
