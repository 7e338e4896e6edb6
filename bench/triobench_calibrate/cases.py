"""What bench/calibrate measures, in one place: the sweeps it runs (as bench/sweep presets it writes)
and the kernel sizes of the validation. Sizes: communication matters (cg's allreduces, stencil's
halos at a small grid) while each run stays well under a second of compute.

A step is one bench/sweep into OUTDIR/<name>; "tcp" steps run between network-namespace hosts."""

# kernel -> ([kernel] table of the preset) for the validation and the host speed; quick: the test's.
KERNELS = {
    "full": {"stencil": {"size": 500, "iters": 40, "warmup": 2},
             "cg": {"size": "S", "iters": 5, "warmup": 1},
             "ep": {"size": 22, "iters": 2, "warmup": 0}},
    "quick": {"stencil": {"size": 300, "iters": 10, "warmup": 1},
              "cg": {"size": "S", "iters": 4, "warmup": 1},
              "ep": {"size": 18, "iters": 1, "warmup": 0}},
}
RANKS = {"full": [2, 3], "quick": [2]}
REPS = {"full": 5, "quick": 2}
PINGPONG_BYTES = (8, 4194304)
ALLREDUCE_BYTES = (8, 1048576)


def _value(v):
    return '"%s"' % v if isinstance(v, str) else str(v)


def _kernel_tables(kernels):
    out = []
    for name, table in kernels.items():
        out.append("[kernel.%s]" % name)
        out += ["%s = %s" % (k, _value(v)) for k, v in table.items()]
        out.append("")
    return out


def preset(step, mode):
    """The TOML text of a step's preset: network (ping-pong, allreduce), serial (the host speed),
    kernels (the validation's real runs)."""
    kernels = KERNELS[mode]
    head = ['# written by bench/calibrate (bench/triobench_calibrate/cases.py): step "%s", %s' % (step, mode),
            "reps = %d" % REPS[mode], "timeout = 300", "probes = false"]
    if step == "network":
        return "\n".join(head + [
            'description = "calibration: MPI ping-pong and allreduce between 2 ranks"',
            'kernels = ["pingpong", "allreduce"]', 'backends = ["mpi"]', "pes = [2]", "",
            "[kernel.pingpong]", "min-bytes = %d" % PINGPONG_BYTES[0], "max-bytes = %d" % PINGPONG_BYTES[1], "",
            "[kernel.allreduce]", "min-bytes = %d" % ALLREDUCE_BYTES[0], "max-bytes = %d" % ALLREDUCE_BYTES[1], ""])
    if step == "serial":
        return "\n".join(head + [
            'description = "calibration: the serial kernels (the core speed)"',
            "kernels = [%s]" % ", ".join('"%s"' % k for k in kernels), 'backends = ["serial"]', "pes = [1]", ""]
            + _kernel_tables(kernels))
    if step == "kernels":
        return "\n".join(head + [
            'description = "validation: the MPI kernels measured, to set beside the simulation"',
            "kernels = [%s]" % ", ".join('"%s"' % k for k in kernels), 'backends = ["mpi"]',
            "pes = [%s]" % ", ".join(str(r) for r in RANKS[mode]),
            "allow_oversubscribe = true     # 3 ranks on a 2-core machine: marked, and so simulated", ""]
            + _kernel_tables(kernels))
    raise ValueError(step)
