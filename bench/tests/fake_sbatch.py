#!/usr/bin/env python3
"""Test double of Slurm's sbatch: runs the batch script at once, as job 4242.

It reads the script's #SBATCH --output and --chdir, sets the variables a job
sees (SLURM_JOB_ID, SLURM_JOB_CPUS_PER_NODE from --ntasks or 2,
SLURM_JOB_NUM_NODES) and runs the script with sh. --parsable prints the id,
otherwise "Submitted batch job 4242"; with --wait it exits with the script's
status. Every call's argv is appended as a JSON line to FAKE_SBATCH_LOG.
FAKE_SBATCH_FAIL=1 makes it refuse the job like a real sbatch would.
"""

import json
import os
import re
import subprocess
import sys

JOB = "4242"


def main(argv):
    log = os.environ.get("FAKE_SBATCH_LOG")
    if log:
        with open(log, "a") as f:
            f.write(json.dumps(argv) + "\n")
    if os.environ.get("FAKE_SBATCH_FAIL"):
        print("sbatch: error: Batch job submission failed: Requested node configuration is not available",
              file=sys.stderr)
        return 1
    script = argv[-1]
    opts = argv[:-1]
    with open(script) as f:
        text = f.read()
    directives = re.findall(r"^#SBATCH\s+(\S+)", text, re.M)
    settings = {}
    for d in directives + opts:                      # the command line overrides the script
        if d.startswith("--") and "=" in d:
            k, v = d[2:].split("=", 1)
            settings[k] = v
    out = settings.get("output", f"slurm-{JOB}.out").replace("%j", JOB)
    env = dict(os.environ, SLURM_JOB_ID=JOB, SLURM_JOB_NUM_NODES="1",
               SLURM_JOB_CPUS_PER_NODE=settings.get("ntasks", "2"))
    print(JOB if "--parsable" in opts else f"Submitted batch job {JOB}", flush=True)
    with open(out, "w") as f:
        rc = subprocess.call(["sh", script], stdout=f, stderr=subprocess.STDOUT, env=env,
                             cwd=settings.get("chdir"), stdin=subprocess.DEVNULL)
    return rc if "--wait" in opts else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
