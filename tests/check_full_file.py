#!/usr/bin/env python3
"""A record that fills the disk half way: the file keeps whole records.

usage: check_full_file.py -- COMMAND...
Runs COMMAND --json FILE twice, with a file-size limit (RLIMIT_FSIZE, with
SIGXFSZ ignored, so that write(2) fails with EFBIG the way it fails with
ENOSPC on a full disk) just above what FILE already holds: the first run
writes a whole record with no limit; the second may write only part of
its record. The second must exit 1 with one error line naming FILE, and
FILE must be left exactly as the first run left it (the fragment cut
back), so that the next record starts on a line of its own."""
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def limit_to(size):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    return apply


def main():
    command = [c for c in sys.argv[1:] if c != "--"]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "r.jsonl")
        first = subprocess.run(command + ["--json", path], capture_output=True, text=True,
                               timeout=80)
        if first.returncode != 0:
            fail("the unlimited run failed (%d): %s" % (first.returncode, first.stderr))
        with open(path, "rb") as f:
            before = f.read()
        if not before.endswith(b"\n") or before.count(b"\n") != 1:
            fail("the first run did not write one whole line")
        # Room for a few hundred bytes of the next record (a record is
        # several kB), so that the failing write is a partial one.
        second = subprocess.run(command + ["--json", path], capture_output=True, text=True,
                                timeout=80, preexec_fn=limit_to(len(before) + 300))
        errors = [line for line in second.stderr.splitlines() if re.match(r"triobench-\w+: error: ", line)]
        if second.returncode != 1:
            fail("expected exit 1 when the record cannot be written, got %d: %s"
                 % (second.returncode, second.stderr))
        if len(errors) != 1 or path not in errors[0]:
            fail("expected one error line naming %s, got: %r" % (path, second.stderr))
        with open(path, "rb") as f:
            after = f.read()
        if after != before:
            fail("the file holds %d bytes after the failed write, %d before: a fragment was left"
                 % (len(after), len(before)))
        print("ok: " + errors[0])


if __name__ == "__main__":
    main()
