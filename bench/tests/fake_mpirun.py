#!/usr/bin/env python3
"""Test double of mpirun: Open MPI's (default) or MPICH's (FAKE_MPIRUN_FLAVOR=mpich).

`--version` prints what the real one prints first; otherwise it starts -n N
copies of the command with the rank variables set, waits, and exits with the
first non-zero status (128+signal for a rank killed by a signal), after the
banner Open MPI's mpirun prints to stderr then (its last line "Exit code: N" is
not the reason a run failed: the rank's own error line is). Every call's argv
is appended as a JSON line to FAKE_MPIRUN_LOG.
"""

import json
import os
import signal
import subprocess
import sys

WITH_VALUE = {"-n", "-np", "--map-by", "--bind-to", "-x", "--hostfile", "-f", "-bind-to", "-map-by",
              "-genv", "--mca"}


def main(argv):
    flavor = os.environ.get("FAKE_MPIRUN_FLAVOR", "openmpi")
    if argv[:1] == ["--version"]:
        print("mpirun (Open MPI) 4.1.4" if flavor == "openmpi" else "HYDRA build details:\n    Version: 4.0.2")
        return 0
    log = os.environ.get("FAKE_MPIRUN_LOG")
    if log:
        with open(log, "a") as f:
            f.write(json.dumps(argv) + "\n")
    n, i = 1, 0
    while i < len(argv) and argv[i].startswith("-"):
        if argv[i] in ("-n", "-np"):
            n = int(argv[i + 1])
        i += 3 if argv[i] in ("--mca", "-mca") else 2 if argv[i] in WITH_VALUE else 1
    cmd = argv[i:]
    procs = []
    for rank in range(n):
        env = dict(os.environ, OMPI_COMM_WORLD_RANK=str(rank), OMPI_COMM_WORLD_SIZE=str(n))
        procs.append(subprocess.Popen(cmd, env=env))

    def forward(signum, frame):
        for p in procs:
            if p.poll() is None:
                p.send_signal(signum)
        sys.exit(128 + signum)
    signal.signal(signal.SIGTERM, forward)
    status = 0
    for p in procs:
        rc = p.wait()
        rc = 128 - rc if rc < 0 else rc
        status = status or rc
    if status and flavor == "openmpi":
        rule = "-" * 74
        sys.stderr.write(f"{rule}\nPrimary job  terminated normally, but 1 process returned\na non-zero exit code. "
                         f"Per user-direction, the job has been aborted.\n{rule}\n{rule}\nmpirun detected that "
                         "one or more processes exited with non-zero status, thus causing\nthe job to be terminated. "
                         f"The first process to do so was:\n\n  Process name: [[4242,1],0]\n  Exit code:    "
                         f"{status}\n{rule}\n")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
