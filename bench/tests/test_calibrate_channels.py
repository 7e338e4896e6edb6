"""bench/calibrate --validate: each channel's rows are simulated on a platform whose SMPI factors
follow that channel (SimGrid 3.32 has one factor set for all messages), unless --factors-from
fixes one; the platforms are written and differ where the channels' shapes differ."""

import argparse
import os
import tempfile
import unittest

import helpers
from calibrate_records import SIZES, pingpong, serial, write_folder
from triobench_calibrate import cli, validate

BENCH = helpers.BENCH       # importing helpers puts bench/ on sys.path


def shm_line(n):
    """Shared memory: 1 us + n / 10 GB/s, one shape."""
    return 1e-6 + n / 1e10


def tcp_two_regimes(n):
    """TCP with a protocol switch above 2 KiB (two ranges: the factors differ from shm's)."""
    return 20e-6 + n / 1e9 if n <= 2048 else 60e-6 + n / 2e9


def factor_props(path):
    """The platform's smpi/lat-factor and smpi/bw-factor <prop> lines."""
    with open(path) as f:
        return [line.strip() for line in f if "<prop" in line and "-factor" in line]


class ChannelPlatforms(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        recs = [pingpong("shm", n, shm_line(n)) for n in SIZES]
        recs += [pingpong("tcp", n, tcp_two_regimes(n)) for n in SIZES]
        recs += [serial("stencil", 2e6, 1e-3)]
        self.folder = write_folder(os.path.join(self.tmp.name, "in"), recs)
        self.records = recs

    def tearDown(self):
        self.tmp.cleanup()

    def args(self, factors_from=None):
        out = os.path.join(self.tmp.name, "platform.xml")
        cli.calibrate([self.folder], out, 4, 2)
        return argparse.Namespace(out=out, outdir=self.tmp.name, factors_from=factors_from,
                                  nodes=4, cores=2, cpu_threshold=5e-6)

    def test_each_channel_its_own_platform(self):
        plats = cli.channel_platforms(self.args(), [self.folder], self.records)
        self.assertEqual(sorted(k for k in plats if k), ["shm", "tcp"])
        for c in ("shm", "tcp"):
            self.assertEqual(validate.platform_for(plats, c), os.path.join(self.tmp.name, "platform-%s.xml" % c))
            with open(plats[c]) as f:
                self.assertIn("smpi/bw-factor", f.read())
        factors = {c: factor_props(plats[c]) for c in ("shm", "tcp")}
        self.assertTrue(factors["shm"] and factors["tcp"])
        self.assertNotEqual(factors["shm"], factors["tcp"])    # the factors follow different shapes
        self.assertEqual(validate.platform_for(plats, "other"), plats[None])

    def test_factors_from_fixes_one_platform(self):
        plats = cli.channel_platforms(self.args("shm"), [self.folder], self.records)
        self.assertEqual(list(plats), [None])
        self.assertEqual(validate.platform_for(plats, "tcp"), plats[None])
        self.assertEqual(validate.platform_for("one.xml", "tcp"), "one.xml")


if __name__ == "__main__":
    unittest.main()
