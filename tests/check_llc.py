"""check_llc.py LLC REPORTED SOURCE -- COMMAND...: the catalogue of COMMAND (--list --json)
says the machine's LLC is LLC bytes (REPORTED as hwloc gave it) and its source starts
with SOURCE. Run under HWLOC_SYNTHETIC to give the executable a machine of our choosing."""

import json
import subprocess
import sys


def main():
    sep = sys.argv.index("--")
    llc, reported, source = sys.argv[1:sep]
    proc = subprocess.run(sys.argv[sep + 1:] + ["--list", "--json"], capture_output=True,
                          text=True, timeout=60)
    if proc.returncode != 0:
        sys.exit("exit %d: %s" % (proc.returncode, proc.stderr.strip()))
    machine = json.loads(proc.stdout)["machine"]
    problems = []
    if machine.get("llc_bytes") != float(llc):
        problems.append("llc_bytes %s, expected %s" % (machine.get("llc_bytes"), llc))
    if machine.get("llc_reported_bytes") != float(reported):
        problems.append("llc_reported_bytes %s, expected %s"
                        % (machine.get("llc_reported_bytes"), reported))
    if not str(machine.get("llc_source", "")).startswith(source):
        problems.append("llc_source %r does not start with %r" % (machine.get("llc_source"), source))
    if problems:
        sys.exit("; ".join(problems))
    print("machine:", machine)


if __name__ == "__main__":
    main()
