"""check_record.py RECORDS HOSTS COMMAND...: run COMMAND (a kernel of the SMPI build under smpirun,
writing RECORDS) and check that its record validated and says it is simulated: build.simulated is
true and the build's flags carry -DTRIOBENCH_SIMULATED=1 (set only by cmake/smpi.cmake), the MPI
library is SimGrid's SMPI, the per-process fields are the one process's (tests/check_record.py's
check_scope, shared with the real builds' records), and the hosts are the simulated ones: HOSTS
is each rank's host in rank order, comma-separated (the hostfile's). One line on stderr and exit 1
when it does not."""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from check_record import check_scope  # noqa: E402  (tests/check_record.py)


def main(argv):
    path, hosts, cmd = argv[1], argv[2].split(","), argv[3:]
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
    if build.get("simulated") is not True:
        return f"build.simulated is {build.get('simulated')!r}, not true"
    if not (build.get("mpi_library") or "").startswith("SMPI"):
        return f"build.mpi_library is not SimGrid's SMPI: {build.get('mpi_library')!r}"
    for ok, what in check_scope(rec):
        if not ok:
            return f"inconsistent record: {what}"
    ranks = [b["host"] for b in rec["binding"]]
    if ranks != hosts:
        return f"the ranks' hosts are {ranks}, the hostfile says {hosts}"
    unique = list(dict.fromkeys(hosts))
    if rec["host"]["hosts"] != unique or rec["host"]["name"] != hosts[0]:
        return f"host.name {rec['host']['name']!r}, host.hosts {rec['host']['hosts']}: expected {unique}"
    print(f"ok: simulated record on {', '.join(unique)} ({build['mpi_library']}; "
          f"process peak RSS {rec['memory']['process_peak_rss']} bytes)")
    return None


if __name__ == "__main__":
    problem = main(sys.argv)
    if problem:
        print(f"check_record.py: {problem}", file=sys.stderr)
        sys.exit(1)
