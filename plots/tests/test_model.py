"""The report's performance-model and what-if sections (issue 12 §2; plots/tbplots/model*.py,
whatif*.py): charts drawn, tables with the hand-computed errors and speedups, bad input as one line."""

import csv
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

from fixtures import read, record, scratch, working_set, write_folder  # noqa: E402
from test_cli import NO_MPL, run_wrapper  # noqa: E402
from tbplots import whatif  # noqa: E402  (puts bench/, and tbcommon, on the path)
from tbcommon import perfmodel  # noqa: E402


def inputs(nbytes, count=0):
    return {"schema": 1, "per_pe": {"flops": 0, "bytes": nbytes},
            "messages": {"count": count, "bytes": 0, "sizes": []}, "collectives": [],
            "team": {"barriers": 0, "reductions": 0}, "exact": True}


def machine():
    """Bandwidth 8 GB/s at 1 PE (8e9 B in 1 s), 10 GB/s at 2 (8e9 B in 0.8 s), DRAM-sized; peak
    20 GFLOP/s per PE; mpi ping-pong t = 1 us + 1 ns/B."""
    big = working_set(2 ** 31, "auto")
    out = []
    for rep in range(2):
        out += [record("nstream", "serial", 1, 1, {"n": 1}, 1.0, rep=rep, nbytes=8e9, flops=0, ws=big,
                       rate_unit="GB/s", probe=True),
                record("nstream", "omp", 1, 2, {"n": 1}, 0.8, rep=rep, nbytes=8e9, flops=0, ws=big,
                       rate_unit="GB/s", probe=True),
                record("peak", "serial", 1, 1, {}, 1.0, rep=rep, flops=2e10, nbytes=0, rate_unit="GFLOP/s",
                       probe=True)]
    for size, t in ((0, 1e-6), (1000000, 1.001e-3)):
        out.append(record("pingpong", "mpi", 2, 1, {"bytes": size}, t, flops=0, nbytes=size, rate_unit="MB/s"))
    return out


def kernel(with_inputs=True, pes=(1, 2)):
    """Kernel k, memory-bound: serial moves 2e9 B in 0.5 s (roofline 2e9 / 8 GB/s = 0.25 s: eta = 2);
    omp 1x2 and mpi 2x1 move 1e9 B per PE in 0.5 s (roofline 1e9 / 5 GB/s = 0.2 s, calibrated 0.4 s:
    error -20%; roofline-only -60%)."""
    out = []
    for rep in range(3):
        for backend, ranks, threads, nbytes in (("serial", 1, 1, 2e9), ("omp", 1, 2, 1e9), ("mpi", 2, 1, 1e9)):
            if ranks * threads not in pes:
                continue
            r = record("k", backend, ranks, threads, {"n": 10}, 0.5, rep=rep, nbytes=nbytes * ranks * threads,
                       flops=1.0)
            if with_inputs:
                r["model_inputs"] = inputs(nbytes)
            out.append(r)
    return out


def plot(folder, *args):
    """plots/plot as a user runs it (the wrapper picks an interpreter with matplotlib)."""
    proc = run_wrapper(folder, "--out", os.path.join(folder, "report"), *args)
    return proc.returncode, proc.stderr


def needs_charts(test, err):
    if NO_MPL in err:
        test.skipTest("no interpreter with matplotlib (apt-get install python3-matplotlib)")


def csv_rows(folder, name):
    with open(os.path.join(folder, "report", "tables", name + ".csv"), encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def toml(text):
    path = os.path.join(scratch(), "cluster.toml")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


# cores 4, node 16 GB/s, a core 8 GB/s: one core alone gets 8 GB/s, four share 16 (4 each)
SMALL_CLUSTER = ('name = "test cluster"\ncores_per_node = 4\nmemory_bandwidth_per_node_gbs = 16\n'
                 'core_bandwidth_gbs = 8\npeak_gflops_per_core = 20\n')


class ModelSection(unittest.TestCase):
    def test_model_vs_measured_chart_and_errors_by_hand(self):
        folder = write_folder(scratch(), machine() + kernel())
        status, err = plot(folder)
        self.assertEqual(status, 0, err)
        rows = {r["model"]: r for r in csv_rows(folder, "model_errors") if r["kernel"] == "k"}
        self.assertEqual(rows["serial"]["note"], "calibration (fixes η)")
        for model in ("omp", "mpi"):
            self.assertAlmostEqual(float(rows[model]["predicted ms"]), 400.0)
            self.assertAlmostEqual(float(rows[model]["error %"]), -20.0)
            self.assertAlmostEqual(float(rows[model]["roofline-only error %"]), -60.0)
        summary = {r["kernel"]: r for r in csv_rows(folder, "model_summary")}
        self.assertAlmostEqual(float(summary["k"]["median |error| %"]), 20.0)
        md = read(os.path.join(folder, "report", "report.md"))
        self.assertIn("## Performance model: predicted beside measured", md)
        self.assertIn("α, β (mpi)", md)
        needs_charts(self, err)
        self.assertTrue(os.path.exists(os.path.join(folder, "report", "figures", "model-k.png")))
        self.assertIn("figures/model-k.png", md)

    def test_records_without_model_inputs_get_one_line(self):
        folder = write_folder(scratch(), machine() + kernel(with_inputs=False))
        status, err = plot(folder)
        self.assertEqual(status, 0, err)
        md = read(os.path.join(folder, "report", "report.md"))
        lines = [line for line in md.splitlines() if line.startswith("Model vs measured: ")]
        self.assertEqual(len(lines), 1)
        self.assertIn("no record carries model_inputs", lines[0])
        self.assertIn("What-if: no record carries model_inputs", md)
        figs = os.listdir(os.path.join(folder, "report", "figures"))
        self.assertFalse([f for f in figs if f.startswith(("model-", "whatif-"))])

    def test_single_pe_count_no_whatif(self):
        folder = write_folder(scratch(), machine() + kernel(pes=(1,)))
        status, err = plot(folder)
        self.assertEqual(status, 0, err)
        md = read(os.path.join(folder, "report", "report.md"))
        self.assertIn("What-if: the what-if extrapolates in the PE count and the data has a single one", md)


class WhatIf(unittest.TestCase):
    def test_speedups_by_hand(self):
        # eta = 2, 2e9 B in all, memory-bound, no messages. One core: 2 * 2e9 / 8 GB/s = 0.5 s.
        # omp 2: each core min(8, 16/2) = 8 GB/s: 2 * 1e9 / 8e9 = 0.25 s, S = 2; omp 4: min(8, 16/4) = 4 GB/s:
        # 2 * 5e8 / 4e9 = 0.25 s, S = 2 (the node's bandwidth is spent); omp stops at the node (4 cores).
        # mpi 64 = 16 nodes of 4: 4 GB/s per PE, 2 * (2e9 / 64) / 4e9 = 0.015625 s, S = 32; mpi 1024: S = 512.
        folder = write_folder(scratch(), machine() + kernel())
        status, err = plot(folder, "--cluster", toml(SMALL_CLUSTER))
        self.assertEqual(status, 0, err)
        rows = {r["model"]: r for r in csv_rows(folder, "whatif")}
        self.assertAlmostEqual(float(rows["mpi"]["speedup at 64 PEs"]), 32.0)
        self.assertAlmostEqual(float(rows["mpi"]["speedup at 1024 PEs"]), 512.0)
        self.assertEqual(rows["omp"]["speedup at 64 PEs"], "")        # beyond one node: no omp
        md = read(os.path.join(folder, "report", "report.md"))
        self.assertIn("## What-if: a cluster (prediction, nothing measured)", md)
        self.assertIn("Cluster: test cluster (4 cores per node", md)
        needs_charts(self, err)
        self.assertTrue(os.path.exists(os.path.join(folder, "report", "figures", "whatif-k.png")))

    def test_collectives_inside_and_across_nodes_by_hand(self):
        # One allgather of 1000 B per rank measured at 2 ranks; at 8 ranks a rank's part is 1000 * 2/8 = 250 B.
        # 4 cores per node: 2 nodes. Inside a node (4 ranks, 2 rounds, this machine's alpha 1 us, beta 1 ns/B):
        # 2 * 1e-6 + 3 * 250 * 1e-9 * 2 = 3.5e-6 s; across (2 nodes, 1 round, network 1 us and 1 GB/s):
        # 1e-6 + 1 * 250 * 1e-9 * 2 = 1.5e-6 s; no compute, no message: 5e-6 s in all.
        desc = {"cores_per_node": 4, "memory_bandwidth_per_node_gbs": 16, "network_latency_us": 1.0,
                "network_bandwidth_gbs": 1.0, "core_bandwidth_gbs": 8, "peak_gflops_per_core": 20}
        cluster = whatif.Cluster(desc, perfmodel.fit_machine(machine()))
        mi = perfmodel.inputs_of({"model_inputs": dict(inputs(0), collectives=[
            {"op": "allgather", "count": 1, "bytes": 1000}])})
        ref = {"kernel": "k", "params": {}, "inputs": mi, "efficiency": 1.0, "regime": None}
        k = whatif.Kernel(ref, [dict(ref, model="mpi", ranks=2, threads=1)])
        self.assertAlmostEqual(cluster.time(k, "mpi", 8), 5e-6, delta=1e-15)
        self.assertIsNone(cluster.time(k, "omp", 8))                  # omp: one node at most

    def test_default_cluster_file_is_complete(self):
        desc = whatif.load_cluster()
        for key in whatif.REQUIRED + ("name", "source"):
            self.assertIn(key, desc)

    def test_bad_cluster_files_are_one_line(self):
        folder = write_folder(scratch(), machine() + kernel())
        for text, needle in (("cores_per_node = 0\n", "cores_per_node must be a positive whole number"),
                             ("cores = 4\n", "unknown key 'cores'"),
                             ("cores_per_node = [\n", "not TOML"),
                             ("network_latency_us = \"fast\"\n", "network_latency_us must be a positive number")):
            with self.subTest(text):
                status, err = plot(folder, "--cluster", toml(text))
                self.assertEqual(status, 2)
                self.assertEqual(len(err.strip().splitlines()), 1, err)
                self.assertIn(needle, err)
                self.assertFalse(os.path.exists(os.path.join(folder, "report")))
        status, err = plot(folder, "--cluster", os.path.join(folder, "missing.toml"))
        self.assertEqual((status, len(err.strip().splitlines())), (2, 1), err)


if __name__ == "__main__":
    unittest.main()
