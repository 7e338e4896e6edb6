"""bench/calibrate from results folders: the platform file it writes (parsed here; SimGrid itself reads
it in test_calibrate_smpi.py), and bad input (one line on stderr, exit 2, no traceback)."""

import os
import shutil
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

from calibrate_records import series, serial, write_folder
from helpers import BENCH

CALIBRATE = os.path.join(BENCH, "calibrate")


def tcp_line(n):
    return 30e-6 + n / 1e9          # TCP: 30 us + n / 1 GB/s


def shm_line(n):
    return 1e-6 + n / 1e10          # shared memory: 1 us + n / 10 GB/s


class Cli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="triobench-calibrate-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.out = os.path.join(self.tmp, "p.xml")

    def run_calibrate(self, *args):
        return subprocess.run([CALIBRATE, *args], capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)

    def folder(self, name, records):
        return write_folder(os.path.join(self.tmp, name), records)

    def good_folders(self):
        return [self.folder("net", series("shm", shm_line) + series("tcp", tcp_line)),
                self.folder("serial", [serial("stencil", 3e6, 1e-3)])]

    def assertOneLineError(self, r, *fragments):
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertTrue(lines[0].startswith("bench/calibrate: error: "), lines[0])
        for frag in fragments:
            self.assertIn(frag, lines[0])
        self.assertFalse(os.path.exists(self.out))

    def test_the_platform(self):
        """Both channels on one line each: factors 1, the cluster's link latency is half TCP's 30 us
        (a message crosses two links), its bandwidth TCP's 1 GB/s, the loopback shared memory's 1 us and
        10 GB/s; core speed 3e6 flops / 1 ms = 3 Gflop/s in both <config> and <cluster>; 3 nodes of 2
        cores as asked."""
        r = self.run_calibrate(*self.good_folders(), "--out", self.out, "--nodes", "3", "--cores", "2")
        self.assertEqual(r.returncode, 0, r.stderr)
        root = ET.parse(self.out).getroot()
        self.assertEqual((root.tag, root.get("version")), ("platform", "4.1"))
        config = {p.get("id"): p.get("value") for p in root.iter("prop")}
        self.assertEqual(float(config["smpi/host-speed"].rstrip("f")), 3e9)
        self.assertEqual(config["smpi/lat-factor"], "0:1")
        self.assertEqual(config["smpi/bw-factor"], "0:1")
        self.assertEqual(config["smpi/coll-selector"], "mpich")
        cluster = next(root.iter("cluster"))
        self.assertEqual((cluster.get("prefix"), cluster.get("radical"), cluster.get("core")), ("node-", "0-2", "2"))
        self.assertEqual(float(cluster.get("speed").rstrip("f")), 3e9)
        self.assertAlmostEqual(float(cluster.get("lat").rstrip("s")), 15e-6, delta=1e-11)
        self.assertAlmostEqual(float(cluster.get("bw").replace("Bps", "")), 1e9, delta=1e3)
        self.assertAlmostEqual(float(cluster.get("loopback_lat").rstrip("s")), 1e-6, delta=1e-12)
        self.assertAlmostEqual(float(cluster.get("loopback_bw").replace("Bps", "")), 1e10, delta=1e4)
        with open(self.out) as f:
            text = f.read()
        self.assertIn("stencil", text)                    # the comments name the records' sources
        self.assertIn(os.path.join(self.tmp, "net"), text)

    def test_without_tcp_the_comments_say_so(self):
        net = self.folder("net", series("shm", shm_line))
        r = self.run_calibrate(net, self.folder("serial", [serial("cg", 1e6, 1e-3)]), "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(self.out) as f:
            self.assertIn("tcp: NOT MEASURED", f.read())

    def test_missing_folder(self):
        self.assertOneLineError(self.run_calibrate(os.path.join(self.tmp, "nope"), "--out", self.out),
                                "no such folder")

    def test_not_a_results_folder(self):
        os.makedirs(os.path.join(self.tmp, "empty"))
        self.assertOneLineError(self.run_calibrate(os.path.join(self.tmp, "empty"), "--out", self.out),
                                "has no results.jsonl")

    def test_no_pingpong_records(self):
        r = self.run_calibrate(self.folder("serial", [serial("stencil", 3e6, 1e-3)]), "--out", self.out)
        self.assertOneLineError(r, "no validated MPI ping-pong record")

    def test_no_serial_records(self):
        r = self.run_calibrate(self.folder("net", series("shm", shm_line)), "--out", self.out)
        self.assertOneLineError(r, "no validated serial record")

    def test_bad_options(self):
        folders = self.good_folders()
        self.assertOneLineError(self.run_calibrate(*folders, "--out", self.out, "--nodes", "1"), "--nodes")
        self.assertOneLineError(self.run_calibrate("--out", self.out), "nothing to calibrate from")
        self.assertOneLineError(self.run_calibrate(*folders, "--measure", self.tmp, "--out", self.out), "not both")


if __name__ == "__main__":
    unittest.main()
