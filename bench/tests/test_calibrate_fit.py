"""bench/calibrate's fit (bench/triobench_calibrate/fit.py) on records whose times come from lines
chosen by hand, so every expected figure is known without running the fit: see each test."""

import unittest

import helpers
from calibrate_records import SIZES, pingpong, serial, series
from tbcommon import perfmodel
from tbcommon.errors import UserError
from triobench_calibrate import fit

BENCH = helpers.BENCH       # importing helpers puts bench/ on sys.path

REL = 1e-9


def shm_line(n):
    """Shared memory: 1 us + n / 10 GB/s."""
    return 1e-6 + n / 1e10


def tcp_two_regimes(n):
    """TCP with a protocol switch between 2 KiB and 4 KiB: 20 us + n / 1 GB/s below, 60 us + n / 2 GB/s
    from 4 KiB on (the jump makes two ranges: 8..2048 and 4096..4 MiB)."""
    return 20e-6 + n / 1e9 if n <= 2048 else 60e-6 + n / 2e9


class HostSpeed(unittest.TestCase):
    def test_median_of_the_serial_rates(self):
        """Rates 1, 2 and 4 Gflop/s (2e6 flops in 2, 1 and 0.5 ms): the median is 2 Gflop/s. A record
        that did not validate (at 100 Gflop/s) and an MPI record are left out."""
        recs = [serial("stencil", 2e6, 2e-3), serial("cg", 2e6, 1e-3), serial("ep", 2e6, 0.5e-3),
                serial("dgemm", 2e8, 2e-3, validated=False), pingpong("shm", 8, 1e-6)]
        speed = fit.host_speed(recs)
        self.assertAlmostEqual(speed["speed"], 2e9, delta=2e9 * REL)
        self.assertEqual(sorted(k["kernel"] for k in speed["kernels"]), ["cg", "ep", "stencil"])

    def test_no_serial_record(self):
        with self.assertRaisesRegex(UserError, "no validated serial record"):
            fit.host_speed([pingpong("shm", 8, 1e-6)])


class Network(unittest.TestCase):
    def test_one_line_needs_no_factor(self):
        """Times exactly on t = 1 us + n / 10 GB/s: one range, L = 1 us, B = 10 GB/s, both factors 1."""
        net = fit.network(series("shm", shm_line))
        self.assertEqual(net["ranges"], [SIZES])
        ch = net["channels"]["shm"]
        self.assertAlmostEqual(ch["latency"], 1e-6, delta=1e-6 * 1e-6)
        self.assertAlmostEqual(ch["bandwidth"], 1e10, delta=1e10 * 1e-6)
        self.assertEqual([b for b, _ in net["lat_factor"]], [0])
        self.assertAlmostEqual(net["lat_factor"][0][1], 1.0, places=6)
        self.assertAlmostEqual(net["bw_factor"][0][1], 1.0, places=6)
        self.assertEqual(fit.factor_text(net["lat_factor"]), "0:1")

    def test_two_regimes_give_two_ranges(self):
        """The TCP line switches at 4 KiB: ranges 8..2048 and 4096..4 MiB. Whatever the gauge, SMPI's
        terms per range are the lines': f_k L = 20 us then 60 us; g_k B = 1 GB/s then 2 GB/s. The second
        range's boundary is (2048 + 4096) / 2 + 16 (the envelope) = 3088."""
        net = fit.network(series("tcp", tcp_two_regimes))
        self.assertEqual(net["ranges"], [SIZES[:9], SIZES[9:]])
        self.assertEqual([b for b, _ in net["lat_factor"]], [0, 3088])
        ch = net["channels"]["tcp"]
        for (_, f), alpha in zip(net["lat_factor"], (20e-6, 60e-6)):
            self.assertAlmostEqual(f * ch["latency"], alpha, delta=alpha * 1e-6)
        for (_, g), bw in zip(net["bw_factor"], (1e9, 2e9)):
            self.assertAlmostEqual(g * ch["bandwidth"], bw, delta=bw * 1e-6)
        for row in net["reproduction"]:
            self.assertAlmostEqual(row["ratio"], 1.0, places=6, msg=row)

    def test_factor_lookup_with_the_envelope(self):
        """SMPI looks an n-byte payload up at n + 16 bytes, an entry applying above its boundary:
        with boundary 3088, 2048 B (2064) keeps the first factor, 4096 B (4112) takes the second,
        and a payload of 3072 B (3088, not above) the first."""
        pairs = [(0, 2.0), (3088, 3.0)]
        self.assertEqual(fit.factor_at(pairs, 2048), 2.0)
        self.assertEqual(fit.factor_at(pairs, 3072), 2.0)
        self.assertEqual(fit.factor_at(pairs, 4096), 3.0)

    def test_factors_follow_tcp_and_shm_fits_under_them(self):
        """tcp measured: the factors follow it. The shm line under those factors is t = L f(n) + n / (g(n)
        B): its best L and B are those for which the model equals its times, which only the shm line
        gives when the factors are constant -- here they are not, so only the tcp times are checked
        exactly, and shm's L and B are positive."""
        net = fit.network(series("tcp", tcp_two_regimes) + series("shm", shm_line))
        self.assertEqual(net["shape"], "tcp")
        tcp = [r for r in net["reproduction"] if r["channel"] == "tcp"]
        self.assertTrue(all(abs(r["ratio"] - 1) < 1e-6 for r in tcp))
        shm = net["channels"]["shm"]
        self.assertGreater(shm["latency"], 0)
        self.assertGreater(shm["bandwidth"], 0)

    def test_factors_from_shm(self):
        """--factors-from shm with one shm line: factors 1, and tcp's two regimes fitted under constant
        factors is the relative least-squares line through its points (perfmodel's Hockney fit)."""
        net = fit.network(series("tcp", tcp_two_regimes) + series("shm", shm_line), shape="shm")
        self.assertAlmostEqual(net["lat_factor"][0][1], 1.0, places=6)
        hock = perfmodel.hockney_fit([(n, tcp_two_regimes(n)) for n in SIZES])
        self.assertAlmostEqual(net["channels"]["tcp"]["latency"], hock["alpha"], delta=hock["alpha"] * 1e-6)
        self.assertAlmostEqual(net["channels"]["tcp"]["bandwidth"], 1 / hock["beta"], delta=1e-6 / hock["beta"])

    def test_a_spike_is_left_out(self):
        """1 KiB taking 10x its line (20 us, slower than 2 KiB's 1.2 us): listed as noise and left out,
        so the fit is that of the clean line (one range, factors 1)."""
        recs = [pingpong("shm", n, shm_line(n) * (10 if n == 1024 else 1)) for n in SIZES]
        net = fit.network(recs)
        self.assertEqual([(c, n) for c, n, _, _ in net["spikes"]], [("shm", 1024)])
        self.assertEqual(len(net["ranges"]), 1)
        self.assertNotIn(1024, net["ranges"][0])

    def test_repetitions_take_the_median(self):
        """Three repetitions at each size, 1x, 1x and 3x the line: the median is the line itself."""
        recs = [pingpong("shm", n, shm_line(n) * k, rep=i) for n in SIZES for i, k in enumerate((1, 3, 1))]
        net = fit.network(recs)
        self.assertAlmostEqual(net["channels"]["shm"]["latency"], 1e-6, delta=1e-12)

    def test_no_pingpong(self):
        with self.assertRaisesRegex(UserError, "no validated MPI ping-pong record"):
            fit.network([serial("stencil", 2e6, 2e-3)])

    def test_one_size_is_not_enough(self):
        with self.assertRaisesRegex(UserError, "at least two message sizes"):
            fit.network([pingpong("shm", 64, 1e-6)])

    def test_factors_from_a_channel_not_measured(self):
        with self.assertRaisesRegex(UserError, "no tcp ping-pong records"):
            fit.network(series("shm", shm_line), shape="tcp")


if __name__ == "__main__":
    unittest.main()
