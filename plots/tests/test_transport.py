"""Runs over two transports (bench/sweep --transports shm,tcp) are two models.

Records carry sweep.transport; mpi and hybrid runs over shm and over tcp must
not be pooled into one sample: each is its own model (mpi/shm, mpi/tcp) with
the colour of its model, against the same serial baseline. Standard library
only, plus one end-to-end run of plots/plot without matplotlib.
"""

import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PLOTS = os.path.dirname(HERE)
sys.path[:0] = [PLOTS, HERE]

from tbplots import analysis, loader, style  # noqa: E402
from tbplots import configs as tbconfigs  # noqa: E402
from fixtures import read, record, scratch, write_folder  # noqa: E402

P = {"n": 300, "radius": 2}


def records():
    recs = []
    for rep in range(6):
        recs.append(record("stencil", "serial", 1, 1, P, 2.0, rep=rep))
        for transport, t1, t2 in (("shm", 2.0, 1.0), ("tcp", 2.2, 1.6)):
            for ranks, t in ((1, t1), (2, t2)):
                r = record("stencil", "mpi", ranks, 1, P, t, rep=rep)
                r["sweep"]["transport"] = transport
                r["sweep"]["config_id"] += ".transport=" + transport
                recs.append(r)
    return recs


class TransportModels(unittest.TestCase):
    def setUp(self):
        self.folder = write_folder(scratch(), records())
        self.configs = tbconfigs.group_configs(loader.load(self.folder).runs)

    def test_each_transport_is_a_model(self):
        got = sorted((c.backend, c.ranks, c.median) for c in self.configs)
        self.assertEqual(got, [("mpi/shm", 1, 2.0), ("mpi/shm", 2, 1.0), ("mpi/tcp", 1, 2.2),
                               ("mpi/tcp", 2, 1.6), ("serial", 1, 2.0)])
        study, = analysis.build_studies(self.configs)
        self.assertEqual(study.models(), ["serial", "mpi/shm", "mpi/tcp"])
        rows = analysis.model_rows(study, "best-serial")
        self.assertAlmostEqual(rows["mpi/shm"]["rows"][1]["speedup"]["s"], 2.0)
        self.assertAlmostEqual(rows["mpi/tcp"]["rows"][1]["speedup"]["s"], 1.25)

    def test_style_and_order_follow_the_model(self):
        self.assertEqual(style.color("mpi/tcp"), style.color("mpi"))
        self.assertEqual(style.color("hybrid/shm"), style.color("hybrid"))
        self.assertNotEqual(style.marker("mpi/tcp"), style.marker("mpi/shm"))
        self.assertEqual(style.color("nosuch"), style.OTHER_COLOR)
        order = sorted(["hybrid/tcp", "mpi/tcp", "serial", "mpi/shm", "hybrid", "mpi", "omp"],
                       key=tbconfigs.backend_order)
        self.assertEqual(order, ["serial", "omp", "mpi", "mpi/shm", "mpi/tcp", "hybrid", "hybrid/tcp"])

    def test_records_without_transport_are_unchanged(self):
        r = record("stencil", "mpi", 2, 1, P, 1.0)
        r["sweep"]["transport"] = None
        folder = write_folder(scratch(), [r])
        self.assertEqual([c.backend for c in tbconfigs.group_configs(loader.load(folder).runs)], ["mpi"])

    def test_report_tables_name_both(self):
        code = ("import sys; sys.modules['matplotlib'] = None; sys.path.insert(0, %r); "
                "from tbplots.cli import main; sys.exit(main(%r))" % (PLOTS, [self.folder]))
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        report = read(os.path.join(self.folder, "report", "report.md"))
        self.assertIn("mpi/shm", report)
        self.assertIn("mpi/tcp", report)


if __name__ == "__main__":
    unittest.main()
