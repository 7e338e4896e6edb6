"""SimGrid reads the platform bench/calibrate writes, and its simulated ping-pong is the model the fit
assumes (fit.smpi_time: SMPI's factors looked up at n + 16 bytes, an entry applying above its
boundary; the network crossing two links of half the TCP latency; the loopback inside a node).

Needs smpirun and the SMPI build (TRIOBENCH_SMPI_BUILD_DIR, <TRIOBENCH_BUILD_DIR>/smpi or
build-smpi, as test_smpi_launcher.py finds them; built in build-smpi when none is there): without
smpirun skipped with the reason, or failed when TRIOBENCH_REQUIRE_SMPI=1."""

import os
import shutil
import subprocess
import tempfile
import unittest

from calibrate_records import series, serial, write_folder
from helpers import BENCH
from test_smpi_launcher import smpi_build
from tbcommon import resultsdir
from triobench_calibrate import fit, smpi

CALIBRATE = os.path.join(BENCH, "calibrate")
TOLERANCE = 0.02        # SMPI computes the same formula; 2% leaves room for its rounding


def tcp_two_regimes(n):
    """20 us + n / 1 GB/s up to 2 KiB, 60 us + n / 2 GB/s from 4 KiB: two ranges, two factors each."""
    return 20e-6 + n / 1e9 if n <= 2048 else 60e-6 + n / 2e9


def shm_line(n):
    return 1e-6 + n / 1e10


def need_smpi(test):
    """The SMPI build's triobench-mpi: found as test_smpi_launcher.py finds it, else built (build-smpi,
    as bench/calibrate builds it). Skipped only without smpirun, failed then under
    TRIOBENCH_REQUIRE_SMPI=1."""
    if not shutil.which("smpirun"):
        if os.environ.get("TRIOBENCH_REQUIRE_SMPI") == "1":
            test.fail("TRIOBENCH_REQUIRE_SMPI=1 but smpirun is missing (apt-get install libsimgrid-dev)")
        test.skipTest("no smpirun (apt-get install libsimgrid-dev)")
    build = smpi_build()
    return os.path.join(build, "bin", "triobench-mpi") if build else smpi.executable(log=lambda _: None)


class SimulatedPingpong(unittest.TestCase):
    def setUp(self):
        self.exe = need_smpi(self)
        self.tmp = tempfile.mkdtemp(prefix="triobench-calibrate-smpi-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def test_smpirun_reproduces_the_model(self):
        """The platform from hand-made lines; smpirun's ping-pong from 8 B to 64 KiB on one node (the
        loopback) and across two (the links) is the fit's model within 2%. The simulated ranks' own
        computation is switched off: this checks the network model, not this machine's noise."""
        recs = series("tcp", tcp_two_regimes) + series("shm", shm_line)
        folders = [write_folder(os.path.join(self.tmp, "net"), recs),
                   write_folder(os.path.join(self.tmp, "serial"), [serial("stencil", 3e6, 1e-3)])]
        platform = os.path.join(self.tmp, "p.xml")
        r = subprocess.run([CALIBRATE, *folders, "--out", platform, "--nodes", "2"], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        net = fit.network([rec for f in folders for rec in resultsdir.load(f)[0]])
        args = ["pingpong", "--min-bytes", "8", "--max-bytes", "65536"]
        for channel, hosts in (("shm", ["node-0", "node-0"]), ("tcp", ["node-0", "node-1"])):
            sim = smpi.run(self.exe, platform, hosts, args, timeout=120, cfg=["smpi/simulate-computation:no"])
            self.assertEqual(len(sim), 14)          # 8 B ... 64 KiB
            for rec in sim:
                n = rec["params"]["bytes"]
                expected = fit.smpi_time(net, channel, n)
                self.assertLess(abs(rec["time"]["median"] / expected - 1), TOLERANCE,
                                "%s %d B: simulated %g s, model %g s" % (channel, n, rec["time"]["median"], expected))


if __name__ == "__main__":
    unittest.main()
