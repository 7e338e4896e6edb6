"""bench/calibrate: a SimGrid platform calibrated from this machine's measurements, and the simulator
checked against real runs (docs/calibration.md). Bad input: one line, exit 2."""

import argparse
import os
import sys

from tbcommon import resultsdir
from tbcommon.errors import SweepError, UserError

from . import cases, fit, measure, platform, smpi, validate

DEFAULT_NODES = 4
EPILOG = """modes:
  bench/calibrate FOLDER... [--out FILE]   the platform from existing sweep folders (results.jsonl):
                                           MPI ping-pong over shm (and tcp), serial kernels
  bench/calibrate --measure OUTDIR         run those sweeps (shm; tcp between namespace hosts when
                                           root), then write OUTDIR/platform.xml
  bench/calibrate --validate OUTDIR        --measure, plus stencil, cg and ep at 2 and 3 ranks
                                           measured and simulated on the platform: the table in
                                           OUTDIR/validation.{txt,csv,json}

exit status: 0 done, 1 a measurement or a simulation failed (or --max-ratio exceeded), 2 bad input."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):           # one line, as all bad input (not argparse's usage + error)
        raise UserError(message + " (bench/calibrate --help)")


def parse(argv):
    p = _Parser(prog="bench/calibrate", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
                                description="Write a SimGrid 3.32 platform (SMPI) calibrated from this machine's "
                                            "measurements, and check the simulation against real runs.")
    p.add_argument("folders", nargs="*", metavar="FOLDER", help="bench/sweep results folders to calibrate from")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--measure", metavar="OUTDIR", help="measure first (sweeps into OUTDIR), then calibrate")
    mode.add_argument("--validate", metavar="OUTDIR", help="measure, calibrate, and validate the simulation")
    p.add_argument("--out", metavar="FILE", help="the platform file (default: OUTDIR/platform.xml, "
                                                  "else calibrated.xml)")
    p.add_argument("--nodes", type=int, default=DEFAULT_NODES, help="nodes of the platform (default %d)" % DEFAULT_NODES)
    p.add_argument("--cores", type=int, help="cores per node (default: this machine's, from the records)")
    p.add_argument("--quick", action="store_true", help="small sizes, 2 ranks, 2 repetitions, no TCP "
                                                         "(the test's setting; not for figures)")
    p.add_argument("--no-tcp", action="store_true", help="skip the TCP measurements between namespace hosts")
    p.add_argument("--build-dir", default=os.path.join(smpi.REPO, "build"),
                   help="the real executables' build folder (default: build)")
    p.add_argument("--smpi-build", metavar="DIR", help="the SMPI build (default build-smpi; built when missing)")
    p.add_argument("--factors-from", choices=(fit.SHM, fit.TCP),
                   help="the channel whose ping-pong shape SMPI's factors follow (SimGrid 3.32 has one set "
                        "for all messages; default: tcp when measured, else shm)")
    p.add_argument("--cpu-threshold", type=float, default=platform.CPU_THRESHOLD, metavar="S",
                   help="smpi/cpu-threshold of the platform: compute blocks shorter than S seconds are not "
                        "simulated (default %g; docs/calibration.md)" % platform.CPU_THRESHOLD)
    p.add_argument("--sim-reps", type=int, default=3, help="simulated runs of each validation case (default 3)")
    p.add_argument("--max-ratio", type=float, metavar="R",
                   help="--validate exits 1 when a kernel's simulated/measured ratio is outside [1/R, R]")
    a = p.parse_args(argv)
    if a.nodes < 2:
        raise UserError("--nodes must be 2 or more (a network needs two hosts)")
    if a.cores is not None and a.cores < 1:
        raise UserError("--cores must be 1 or more")
    if a.cpu_threshold < 0:
        raise UserError("--cpu-threshold must be 0 or more seconds")
    if a.sim_reps < 1:
        raise UserError("--sim-reps must be 1 or more")
    if a.max_ratio is not None and a.max_ratio < 1:
        raise UserError("--max-ratio must be 1 or more")
    outdir = a.measure or a.validate
    if outdir and a.folders:
        raise UserError("give sweep folders or --measure/--validate OUTDIR, not both")
    if not outdir and not a.folders:
        raise UserError("nothing to calibrate from: give sweep results folders, or --measure OUTDIR")
    if a.quick and not outdir:
        raise UserError("--quick sets what --measure and --validate run: it needs one of them")
    a.outdir = os.path.abspath(outdir) if outdir else None
    a.mode = "quick" if a.quick else "full"
    a.tcp = not (a.quick or a.no_tcp)
    a.out = a.out or (os.path.join(a.outdir, "platform.xml") if a.outdir else "calibrated.xml")
    return a


def log(msg):
    print("calibrate: " + msg, flush=True)


def calibrate(folders, out, nodes, cores=None, cpu_threshold=platform.CPU_THRESHOLD, shape=None):
    """Read the folders, fit, write the platform; returns the records read."""
    loaded = resultsdir.load_all(folders)
    records = [r for _, recs, _ in loaded for r in recs]
    return write_platform(records, folders, out, nodes, cores, cpu_threshold, shape)


def write_platform(records, folders, out, nodes, cores=None, cpu_threshold=platform.CPU_THRESHOLD, shape=None):
    """Fit the records (read from folders, named in the file) and write the platform; returns them."""
    speed = fit.host_speed(records)
    net = fit.network(records, shape)
    cores = cores or fit.cores_of(records) or os.cpu_count() or 1
    text = platform.xml_text(speed, net, nodes, cores, [os.path.abspath(f) for f in folders],
                             cpu_threshold=cpu_threshold)
    try:
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        with open(out, "w") as f:
            f.write(text)
    except OSError as e:
        raise UserError("cannot write %s: %s" % (out, e.strerror or e))
    log("core speed %.4g flop/s (median of %d serial configurations)" % (speed["speed"], len(speed["kernels"])))
    for c, ch in sorted(net["channels"].items()):
        log("%s: latency %.3g s, bandwidth %.4g B/s" % (c, ch["latency"], ch["bandwidth"]))
    if fit.TCP not in net["channels"]:
        log("no TCP ping-pong records: the links between nodes copy the shared-memory figures")
    log("smpi/lat-factor %s" % fit.factor_text(net["lat_factor"]))
    log("smpi/bw-factor %s" % fit.factor_text(net["bw_factor"]))
    for c in sorted(net["channels"]):
        worst = max(abs(r["ratio"] - 1) for r in net["reproduction"] if r["channel"] == c)
        log("%s: the model reproduces the measured ping-pong within %.1f%%%s" % (
            c, 100 * worst, " (the factors follow it)" if c == net["shape"] else ""))
    log("platform: %s (%d nodes x %d cores)" % (out, nodes, cores))
    return records


def channel_platforms(a, folders, records):
    """{transport: platform file} for the validation. SimGrid 3.32 has one set of SMPI factors for
    all messages, so one platform reproduces one channel's ping-pong shape (docs/calibration.md):
    unless --factors-from fixes it, each channel's rows are simulated on a platform whose factors
    follow that channel (OUTDIR/platform-<channel>.xml, written here), the default one otherwise."""
    platforms = {None: a.out}
    if a.factors_from:
        return platforms
    channels = sorted(fit.pingpong_points(records))
    for c in channels if len(channels) > 1 else []:
        path = os.path.join(a.outdir, "platform-%s.xml" % c)
        log("the platform for the %s rows, its factors following %s: %s" % (c, c, path))
        write_platform(records, folders, path, a.nodes, a.cores, a.cpu_threshold, c)
        platforms[c] = path
    return platforms


def run_validation(a, calibration_folders, records, exe):
    folders = measure.validation_steps(a.outdir, a.mode, a.build_dir, log, tcp=a.tcp)
    kernels = [r for _, recs, _ in resultsdir.load_all(folders) for r in recs]
    if not validate.kernel_groups(kernels):
        raise SweepError("no validated real run of stencil, cg or ep to compare with (see %s)" % folders[0])
    platforms = channel_platforms(a, calibration_folders, records)
    rows = validate.kernel_rows(kernels, exe, platforms, 1 if a.quick else a.sim_reps, log)
    rows += validate.micro_rows(records, exe, platforms, log)
    paths = validate.write(a.outdir, rows, {k or "default": os.path.abspath(v) for k, v in platforms.items()})
    sys.stdout.write(validate.text(rows))
    log("table: %s" % ", ".join(paths[k] for k in ("txt", "csv", "json")))
    if a.max_ratio:
        out = [r for r in rows if r["bytes"] is None
               and not (r["ratio"] is not None and 1 / a.max_ratio <= r["ratio"] <= a.max_ratio)]
        if out:
            log("%d kernel row(s) outside [1/%g, %g]: %s" % (len(out), a.max_ratio, a.max_ratio, ", ".join(
                "%s %d %s (%s)" % (r["kernel"], r["ranks"], r["transport"], validate.fmt(r["ratio"], "%.3g"))
                for r in out)))
            return 1
    return 0


def main(argv):
    try:
        a = parse(argv)
        if not a.outdir:
            calibrate(a.folders, a.out, a.nodes, a.cores, a.cpu_threshold, a.factors_from)
            return 0
        if not os.path.isdir(os.path.join(a.build_dir, "bin")):
            raise UserError("%s has no bin/: build first (cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && "
                            "cmake --build build -j2) or give --build-dir" % a.build_dir)
        exe = None
        if a.validate:          # before any measurement: the validation cannot end without these
            most = max(cases.RANKS[a.mode])
            if a.nodes < most:
                raise UserError("--nodes %d: the validation places up to %d ranks one per node" % (a.nodes, most))
            smpi.smpirun()
            exe = smpi.executable(a.smpi_build, log=log)
        folders = measure.calibration_steps(a.outdir, a.mode, a.build_dir, log, tcp=a.tcp)
        records = calibrate(folders, a.out, a.nodes, a.cores, a.cpu_threshold, a.factors_from)
        return run_validation(a, folders, records, exe) if a.validate else 0
    except UserError as e:
        print("bench/calibrate: error: %s" % e, file=sys.stderr)
        return 2
    except SweepError as e:
        print("bench/calibrate: failed: %s" % e, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench/calibrate: interrupted", file=sys.stderr)
        return 130
