#!/usr/bin/env python3
"""`--list --json` is valid JSON naming every kernel with its parameters,
and agrees with the plain `--list`."""
import json
import subprocess
import sys

exe = sys.argv[1]
listing = json.loads(subprocess.run([exe, "--list", "--json"], capture_output=True, text=True,
                                    check=True).stdout)
plain = subprocess.run([exe, "--list"], capture_output=True, text=True, check=True).stdout
names = [k["name"] for k in listing["kernels"]]
assert "stencil" in names, names
for k in listing["kernels"]:
    assert k["params"], k
    assert k["size_param"] in [p["name"] for p in k["params"]], k
    assert k["name"] in plain, k["name"]
    for p in k["params"]:
        assert "--" + p["name"] in plain, p["name"]
print("list ok:", ", ".join(names))
