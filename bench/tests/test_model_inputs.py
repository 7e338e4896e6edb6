"""The test double's model_inputs (records) and "model" entries (catalogue) against the real executables'
(common/tb_model.c): the same members, nested the same way. The real ones are run from TRIOBENCH_BIN_DIR
(set by ctest; skipped when it is not set), on 2 ranks when an MPI launcher is there so that every list has
members to compare."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fake_triobench  # noqa: E402
from test_real_binaries import fake_catalogue  # noqa: E402
from tbcommon import catalogue  # noqa: E402

BIN = os.environ.get("TRIOBENCH_BIN_DIR")
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")


def members(value, where="model_inputs"):
    """Every path of object members in value; a list contributes its first element's (when it has one)."""
    if isinstance(value, dict):
        out = set()
        for k, v in value.items():
            out |= {f"{where}.{k}"} | members(v, f"{where}.{k}")
        return out
    if isinstance(value, list) and value:
        return members(value[0], where + "[]")
    return set()


def real_record(tmp):
    launcher = shutil.which("mpirun") or shutil.which("mpiexec")
    cmd = [os.path.join(BIN, "triobench-serial")]
    if launcher and os.path.exists(os.path.join(BIN, "triobench-mpi")):
        # cg over 2 ranks: messages none, but collectives and untimed ones
        cmd = [launcher, "-n", "2", "--oversubscribe", os.path.join(BIN, "triobench-mpi")]
    out = os.path.join(tmp, "r.json")
    subprocess.run(cmd + ["cg", "--class", "S", "--iters", "1", "--warmup", "0", "--json", out], check=True,
                   capture_output=True, timeout=120, env=ENV)
    with open(out, encoding="utf-8") as f:
        return json.loads(f.read().splitlines()[-1])


@unittest.skipUnless(BIN, "TRIOBENCH_BIN_DIR not set")
class ModelInputs(unittest.TestCase):
    def test_fake_record_has_the_real_members(self):
        with tempfile.TemporaryDirectory() as tmp:
            real = real_record(tmp)["model_inputs"]
        fake = fake_triobench.model_inputs(1e6, 2, 2)
        # the fake's lists all have members; the real cg run has no messages: compare what it has
        self.assertLessEqual(members(real), members(fake))
        self.assertEqual({k for k in fake}, {k for k in real})
        self.assertEqual(real["schema"], fake["schema"])

    def test_catalogue_model_entries_have_the_real_members(self):
        r = subprocess.run([os.path.join(BIN, "triobench-omp"), "--list", "--json"], capture_output=True,
                           text=True, timeout=60, env=ENV)
        real = json.loads(r.stdout)
        fake = fake_catalogue("omp")
        self.assertEqual(real.get("revision"), fake.get("revision"))
        for k in real["kernels"]:
            self.assertEqual(set(k["model"]), set(catalogue.by_name(fake)[k["name"]]["model"]), k["name"])

    def test_validator_checks_the_model_entry(self):
        cat = fake_catalogue("omp")
        self.assertEqual(catalogue.validate(cat), [])
        cat["kernels"][0]["model"] = {"per_pe": 1}
        self.assertTrue(any(".model" in p for p in catalogue.validate(cat)))


if __name__ == "__main__":
    unittest.main()
