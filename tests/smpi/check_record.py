"""check_record.py RECORDS COMMAND...: run COMMAND (a kernel of the SMPI build under smpirun,
writing RECORDS) and check that its record validated and says it is simulated: the build's
flags carry -DTRIOBENCH_SIMULATED=1 (set only by cmake/smpi.cmake) and the MPI library is
SimGrid's SMPI. One line on stderr and exit 1 when it does not."""

import json
import os
import subprocess
import sys


def main(argv):
    path, cmd = argv[1], argv[2:]
    if os.path.exists(path):
        os.unlink(path)
    rc = subprocess.call(cmd, stdin=subprocess.DEVNULL)
    if rc != 0:
        return f"the run failed with exit status {rc}"
    try:
        with open(path) as f:
            rec = json.loads(f.readline())
    except (OSError, ValueError) as e:
        return f"no record in {path}: {e}"
    build = rec.get("build") or {}
    if rec.get("validated") is not True:
        return f"the record did not validate: validated = {rec.get('validated')!r}"
    if "-DTRIOBENCH_SIMULATED=1" not in (build.get("flags") or ""):
        return f"build.flags lacks -DTRIOBENCH_SIMULATED=1: {build.get('flags')!r}"
    if not (build.get("mpi_library") or "").startswith("SMPI"):
        return f"build.mpi_library is not SimGrid's SMPI: {build.get('mpi_library')!r}"
    print(f"ok: simulated record ({build['mpi_library']}; flags {build['flags']})")
    return None


if __name__ == "__main__":
    problem = main(sys.argv)
    if problem:
        print(f"check_record.py: {problem}", file=sys.stderr)
        sys.exit(1)
