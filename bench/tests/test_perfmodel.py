"""tbcommon.perfmodel (issue 12 §2): the Hockney fit, the machine's parameters, the prediction and
its error, computed by hand in the comments; and the sweep's latency probes (probes.py)."""

import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from helpers import SweepCase  # noqa: E402

from tbcommon import perfmodel  # noqa: E402
from triobench_sweep import probes  # noqa: E402


def rec(kernel, backend, ranks, threads, time, kind="scaling", params=None, flops=0.0, nbytes=0.0,
        regime=None, inputs=None, rep=1, transport=None, probe=False, **extra):
    """A record as results.jsonl holds it, with only what the model reads."""
    r = {"kernel": kernel, "backend": backend, "ranks": ranks, "threads": threads, "pes": ranks * threads,
         "kind": kind, "params": params or {}, "validated": True, "status": "ok",
         "time": {"median": time}, "work": {"flops": flops, "bytes": nbytes},
         "working_set": {"regime": regime} if regime else None, "host": {"hosts": ["h"]},
         "sweep": {"rep": rep, "transport": transport, "scaling": "strong", "oversubscribed": False}}
    if probe:
        r["sweep"].update(probe=True, role="roofline")
    if inputs is not None:
        r["model_inputs"] = inputs
    r.update(extra)
    return r


def inputs(flops=0.0, nbytes=0.0, count=0, mbytes=0.0, collectives=(), barriers=0, reductions=0):
    return {"schema": 1, "per_pe": {"flops": flops, "bytes": nbytes},
            "messages": {"count": count, "bytes": mbytes, "sizes": []}, "collectives": list(collectives),
            "team": {"barriers": barriers, "reductions": reductions}, "exact": True}


def machine_records():
    """The fixture machine:
    bandwidth: serial nstream 8e9 B in 1 s -> 8 GB/s at 1 PE; omp 1x2 8e9 B in 0.8 s -> 10 GB/s at 2 PEs;
    peak: 2e10 flops in 1 s at 1 PE -> 20 GFLOP/s; 4e10 in 1 s at 2 PEs -> 40 GFLOP/s (20 per PE);
    mpi ping-pong: t = 1 us + n * 1 ns: 1e-6 s at 0 B, 1.001e-3 s at 1e6 B;
    omp barrier 1x2: 2 us; mpi allreduce 2x1: 3 us at 8 B, 4 us at 1008 B."""
    return [
        rec("nstream", "serial", 1, 1, 1.0, nbytes=8e9, regime="dram", params={"n": 1}),
        rec("nstream", "omp", 1, 2, 0.8, nbytes=8e9, regime="dram", params={"n": 1}),
        rec("nstream", "omp", 1, 2, 0.1, nbytes=8e9, regime="cache-resident", params={"n": 2}),  # caches: no ceiling
        rec("peak", "serial", 1, 1, 1.0, kind="probe", flops=2e10, probe=True),
        rec("peak", "omp", 1, 2, 1.0, kind="probe", flops=4e10, probe=True),
        rec("pingpong", "mpi", 2, 1, 1e-6, kind="micro", params={"bytes": 0}),
        rec("pingpong", "mpi", 2, 1, 1.001e-3, kind="micro", params={"bytes": 1000000}),
        rec("pingpong", "mpi", 2, 1, 1e-9, kind="micro", params={"bytes": 8}, variant="handoff"),  # no copy
        rec("barrier", "omp", 1, 2, 2e-6, kind="micro"),
        rec("allreduce", "mpi", 2, 1, 3e-6, kind="micro", params={"bytes": 8}),
        rec("allreduce", "mpi", 2, 1, 4e-6, kind="micro", params={"bytes": 1008}),
    ]


class Hockney(unittest.TestCase):
    def test_exact_points(self):
        # t = 1 us + n * 1 ns: (1000 B, 2 us), (3000 B, 4 us); any weights fit them exactly
        fit = perfmodel.hockney_fit([(1000, 2e-6), (3000, 4e-6)])
        self.assertAlmostEqual(fit["alpha"], 1e-6, delta=1e-15)
        self.assertAlmostEqual(fit["beta"], 1e-9, delta=1e-18)
        self.assertAlmostEqual(fit["rms_rel"], 0.0, places=9)

    def test_relative_weights_by_hand(self):
        # (0,1), (1,2), (2,2), weights 1/t^2 = 1, 1/4, 1/4:
        # W = 1.5, Sx = 0.75, Sy = 1 + 0.5 + 0.5 = 2, Sxx = 0.25 + 1 = 1.25, Sxy = 0.5 + 1 = 1.5
        # beta = (W Sxy - Sx Sy) / (W Sxx - Sx^2) = (2.25 - 1.5) / (1.875 - 0.5625) = 0.75 / 1.3125 = 4/7
        # alpha = (Sy - beta Sx) / W = (2 - 3/7) / 1.5 = 22/21
        fit = perfmodel.hockney_fit([(0, 1.0), (1, 2.0), (2, 2.0)])
        self.assertAlmostEqual(fit["beta"], 4 / 7)
        self.assertAlmostEqual(fit["alpha"], 22 / 21)

    def test_unweighted_by_hand(self):
        # mean n = 1, mean t = 5/3; sum (n - 1)(t - 5/3) = 2/3 + 1/3 = 1; sum (n - 1)^2 = 2
        # beta = 1/2, alpha = 5/3 - 1/2 = 7/6
        fit = perfmodel.hockney_fit([(0, 1.0), (1, 2.0), (2, 2.0)], relative=False)
        self.assertAlmostEqual(fit["beta"], 0.5)
        self.assertAlmostEqual(fit["alpha"], 7 / 6)

    def test_negative_alpha_is_clamped(self):
        # (1,1), (2,3), (3,5) unweighted: t = -1 + 2 n; alpha < 0 -> 0, beta = sum n t / sum n^2 = 22/14
        fit = perfmodel.hockney_fit([(1, 1.0), (2, 3.0), (3, 5.0)], relative=False)
        self.assertEqual((fit["alpha"], fit["clamped"]), (0.0, "alpha"))
        self.assertAlmostEqual(fit["beta"], 11 / 7)

    def test_one_size_is_no_fit(self):
        self.assertIsNone(perfmodel.hockney_fit([(8, 1e-6), (8, 1.1e-6)]))
        self.assertIsNone(perfmodel.hockney_fit([]))


class Machine(unittest.TestCase):
    def setUp(self):
        self.m = perfmodel.fit_machine(machine_records())

    def test_parameters(self):
        m = self.m
        self.assertEqual(m["bandwidth"], {1: 8e9, 2: 10e9})
        self.assertEqual(m["peak"], {1: 2e10, 2: 4e10})
        self.assertAlmostEqual(m["p2p"]["mpi"]["alpha"], 1e-6, delta=1e-15)
        self.assertAlmostEqual(m["p2p"]["mpi"]["beta"], 1e-9, delta=1e-18)
        self.assertEqual(m["barrier_s"], {("omp", 1, 2): 2e-6})
        self.assertEqual(m["allreduce_s"], {("mpi", 2, 1): {8.0: 3e-6, 1008.0: 4e-6}})
        self.assertEqual(perfmodel.bandwidth_at(m, 4), 10e9)        # saturated beyond what was measured
        self.assertEqual(perfmodel.peak_per_pe(m, 2), 2e10)

    def test_mpi_prediction_by_hand(self):
        # memory 1e9 B / (10 GB/s / 2 PEs) = 0.2 s; flops 1e9 / 20 GFLOP/s = 0.05 s -> memory-bound 0.2 s
        # messages 4 * 1 us + 4e5 B * 1 ns = 4.04e-4 s
        # allreduce of 508 B: halfway between 3 us (8 B) and 4 us (1008 B) = 3.5 us, 10 of them = 3.5e-5 s
        mi = inputs(flops=1e9, nbytes=1e9, count=4, mbytes=4e5,
                    collectives=[{"op": "allreduce", "count": 10, "bytes": 508}])
        p = perfmodel.predict(mi, "mpi", 2, 1, 2, self.m)
        self.assertEqual(p["bound"], "memory")
        self.assertAlmostEqual(p["compute"], 0.2)
        self.assertAlmostEqual(p["p2p"], 4.04e-4)
        self.assertAlmostEqual(p["collectives"], 3.5e-5)
        self.assertAlmostEqual(p["time"], 0.200439)
        # hybrid ranks use MPI's channel and MPI's allreduce at 2 ranks: the same
        self.assertAlmostEqual(perfmodel.predict(mi, "hybrid", 2, 1, 2, self.m)["time"], 0.200439)

    def test_team_barriers_and_estimates(self):
        # omp 1x2: 0.2 s compute + 3 team barriers * 2 us = 0.200006 s; the one reduction is one
        # of the 3 barriers (model_inputs counts it in both), not a fourth
        p = perfmodel.predict(inputs(nbytes=1e9, barriers=3, reductions=1), "omp", 1, 2, 2, self.m)
        self.assertAlmostEqual(p["time"], 0.200006)
        # a bcast of 1e6 B among 2 ranks, no bcast record: one round, alpha + beta n = 1e-6 + 1e-3
        p = perfmodel.predict(inputs(collectives=[{"op": "bcast", "count": 1, "bytes": 1e6}]), "mpi", 2, 1, 2, self.m)
        self.assertAlmostEqual(p["time"], 1.001e-3)
        self.assertEqual(perfmodel.collective_estimate("allreduce", 8, 8, 1.0, 0.0), 6.0)   # 2 * log2(8) rounds

    def test_cache_resident_pes_do_not_share_dram(self):
        # DRAM-sized: 1e9 B / (10 GB/s / 2) = 0.2 s; cache-resident: each PE keeps the one-PE 8 GB/s: 0.125 s
        p = perfmodel.predict(inputs(nbytes=1e9), "omp", 1, 2, 2, self.m, regime="dram")
        self.assertEqual((p["compute"], p["bound"]), (0.2, "memory"))
        p = perfmodel.predict(inputs(nbytes=1e9), "omp", 1, 2, 2, self.m, regime="cache-resident")
        self.assertEqual((p["compute"], p["bound"]), (0.125, "cache"))

    def test_missing_pingpong_is_a_sentence(self):
        m = perfmodel.fit_machine([r for r in machine_records() if r["kernel"] != "pingpong"])
        p = perfmodel.predict(inputs(nbytes=1e9, count=2, mbytes=10), "mpi/tcp", 2, 1, 2, m)
        self.assertIsNone(p["time"])
        self.assertIn("no ping-pong record for mpi/tcp: run bench/sweep --kernels pingpong --backends mpi "
                      "--pes 2 --transports tcp", p["notes"])

    def test_tcp_is_its_own_channel(self):
        m = perfmodel.fit_machine(machine_records())
        self.assertEqual(perfmodel.channel(m, "mpi/shm")[0], "mpi")      # shm is the default transport
        self.assertEqual(perfmodel.channel(m, "mpi/tcp"), (None, None))   # never shm's figures for tcp


def kernel_records(reps=2):
    """Kernel k (memory-bound): serial 1x1 moves 2e9 B, measured 0.5 s; omp 1x2 1e9 B per PE, 0.5 s.
    Roofline: serial 2e9 / 8 GB/s = 0.25 s -> eta = 0.5 / 0.25 = 2; omp 1e9 / (10 GB/s / 2) = 0.2 s.
    Calibrated omp: 2 * 0.2 = 0.4 s against 0.5 measured: error -20%; roofline-only 0.2: -60%."""
    out = []
    for rep in range(1, reps + 1):
        out.append(rec("k", "serial", 1, 1, 0.5, params={"n": 10}, inputs=inputs(nbytes=2e9), rep=rep))
        out.append(rec("k", "omp", 1, 2, 0.5, params={"n": 10}, inputs=inputs(nbytes=1e9), rep=rep))
    return out


class Evaluate(unittest.TestCase):
    def test_errors_by_hand(self):
        ev = perfmodel.evaluate(machine_records() + kernel_records())
        self.assertIsNone(ev["skipped"])
        rows = {r["model"]: r for r in ev["rows"] if r["kernel"] == "k"}
        self.assertTrue(rows["serial"]["calibration"])
        self.assertAlmostEqual(rows["serial"]["efficiency"], 2.0)
        self.assertAlmostEqual(rows["omp"]["predicted"], 0.4)
        self.assertAlmostEqual(rows["omp"]["error"], -0.2)
        self.assertAlmostEqual(rows["omp"]["roofline_error"], -0.6)
        s = ev["summary"]["kernels"]["k"]
        self.assertAlmostEqual(s["calibrated"], 0.2)          # the omp row only: serial calibrated
        self.assertAlmostEqual(s["roofline"], 0.55)           # median of |-0.5| (serial) and |-0.6| (omp)

    def test_garbled_model_inputs_read_as_zero(self):
        garbled = {"schema": 1, "per_pe": {"bytes": "many", "flops": -3}, "messages": [],
                   "collectives": ["allreduce", {"op": 3}, {"op": "barrier", "count": "x"}], "team": None}
        self.assertEqual(perfmodel.inputs_of({"model_inputs": garbled}),
                         {"schema": 1, "per_pe": {"flops": 0.0, "bytes": 0.0},
                          "messages": {"count": 0.0, "bytes": 0.0, "sizes": []},
                          "collectives": [{"op": "barrier", "count": 0.0, "bytes": 0.0}],
                          "team": {"barriers": 0.0, "reductions": 0.0}, "exact": False})
        self.assertIsNone(perfmodel.inputs_of({"model_inputs": dict(garbled, schema=2)}))   # unknown schema
        records = machine_records() + kernel_records()
        records[-1]["model_inputs"] = garbled
        self.assertIsNone(perfmodel.evaluate(records)["skipped"])      # the others are still predicted

    def test_bad_input_is_one_line(self):
        no_inputs = [dict(r) for r in kernel_records()]
        for r in no_inputs:
            del r["model_inputs"]
        cases = {"model_inputs": machine_records() + no_inputs,
                 "one repetition": machine_records() + kernel_records(reps=1),
                 "DRAM-sized nstream": [r for r in machine_records() if r["kernel"] != "nstream"] + kernel_records(),
                 "scaling run": [r for r in machine_records() if r["kind"] != "scaling"]}
        for needle, records in cases.items():
            with self.subTest(needle):
                ev = perfmodel.evaluate(records)
                self.assertIn(needle, ev["skipped"])
                self.assertNotIn("\n", ev["skipped"])


@unittest.skipUnless(os.environ.get("TRIOBENCH_BIN_DIR"), "TRIOBENCH_BIN_DIR not set (ctest sets it)")
class RealRecords(unittest.TestCase):
    """The fixtures' model_inputs against what the real executables write."""

    def test_fixture_inputs_follow_the_real_record(self):
        exe = os.path.join(os.environ["TRIOBENCH_BIN_DIR"], "triobench-omp")
        r = subprocess.run([exe, "stencil", "--size", "64", "--iters", "2", "--threads", "2", "--json", "-"],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        real = json.loads(r.stdout)
        real.update(sweep={"rep": 1})
        if "model_inputs" not in real:          # an executable from before model_inputs: one line, no crash
            self.assertIn("model_inputs", perfmodel.evaluate([real, dict(real)])["skipped"])
            return
        mine, theirs = inputs(), real["model_inputs"]
        for key, value in mine.items():
            self.assertIn(key, theirs)
            if isinstance(value, dict):
                self.assertLessEqual(set(value), set(theirs[key]), key)
        checked = perfmodel.inputs_of(real)
        self.assertGreater(checked["per_pe"]["bytes"], 0)
        self.assertGreater(checked["team"]["barriers"] + checked["team"]["reductions"], 0)   # a team of 2


class LatencyProbes(SweepCase):
    ARGS = ("--backends", "serial,mpi", "--pes", "1,2", "--size", "100", "--iters", "2", "--reps", "1")

    def probes_of(self):
        return sorted((r["kernel"], r["backend"], r["ranks"], r["params"].get("bytes"), r["sweep"]["ceiling"])
                      for r in self.records() if r["sweep"].get("probe") and r["sweep"]["ceiling"] == "latency")

    def test_pingpong_added_when_ranks_ran_without_it(self):
        r = self.sweep("--kernels", "stencil", *self.ARGS, probes=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.probes_of(), [("pingpong", "mpi", 2, b, "latency") for b in probes.PINGPONG_BYTES])
        fit = perfmodel.fit_machine(self.records())["p2p"]
        self.assertIn("mpi", fit)                                   # the probes give the model its alpha, beta

    def test_no_pingpong_probe_when_the_sweep_has_pingpong_or_no_probes(self):
        r = self.sweep("--kernels", "stencil,pingpong", *self.ARGS, probes=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.probes_of(), [])
        r = self.sweep("--kernels", "stencil", *self.ARGS, "--out", os.path.join(self.tmp, "b"), out=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([x for x in self.records(os.path.join(self.tmp, "b")) if x["sweep"].get("probe")], [])


if __name__ == "__main__":
    unittest.main()
