"""The calibration's figures from sweep records (docs/calibration.md): a core's speed from the serial
kernels' rates, and the network model SMPI uses -- per channel (shared memory inside a host, TCP
between hosts) a latency L and a bandwidth B, and one piecewise latency factor f(n) and bandwidth
factor g(n), so that SMPI's one-way time of an n-byte message

    t(n) = f(n) * L + n / (g(n) * B)

reproduces the measured ping-pong times. SimGrid 3.32 has one set of factors for the whole platform
(smpi/lat-factor, smpi/bw-factor): they follow one channel's shape (the network's when measured),
and the other channel gets the L and B that fit it best under them.

How: that channel's message sizes are cut into ranges in which one Hockney line t = alpha + beta * n
fits within TOLERANCE (greedy, smallest sizes first; a size that fits no line with the next is a
range of its own). Range k's line (perfmodel.hockney_fit) gives f_k = alpha_k / L and
g_k = 1 / (beta_k * B), where L and B are the channel's Hockney line over all sizes (perfmodel's
alpha and beta): the factors say how each range departs from it. The other channel's L and 1/B are a
linear least-squares fit of its times on f(n) and n / g(n), with relative residuals (as perfmodel).
"""

import json

from tbcommon import perfmodel, stats
from tbcommon.errors import UserError

SHM, TCP = "shm", "tcp"
TOLERANCE = 0.05          # a range's Hockney line must be within 5% of each of its sizes
SPIKE = 1.25             # a size slower than 1.25 x the next larger size is noise (spikes())
FLOOR = 0.01             # a clamped latency or bandwidth term: 1% of the range's smallest time
# SMPI 3.32 looks up the factors of an n-byte MPI_Send at n + 16 bytes (found by trying boundaries
# around 8 B and 1 KiB payloads; docs/calibration.md).
ENVELOPE = 16
MPI_CHANNELS = {"mpi": SHM, "mpi/shm": SHM, "mpi/tcp": TCP}


def _num(value):
    return perfmodel._num(value)


def _rec_time(rec):
    return rec.get("timestamp") if isinstance(rec.get("timestamp"), str) else None


def _span(recs):
    """"first .. last" timestamps of some records (or "time unknown")."""
    times = sorted(t for t in (_rec_time(r) for r in recs) if t)
    if not times:
        return "time unknown"
    return times[0] if times[0] == times[-1] else "%s .. %s" % (times[0], times[-1])


def _good(rec):
    return perfmodel.usable(rec) and not perfmodel.oversubscribed(rec) and not perfmodel.is_probe(rec)


# --- the core's speed -----------------------------------------------------------------
def host_speed(records):
    """{"speed": flop/s of one core, "kernels": [{"kernel", "params", "rate", "records", "when"}]}.

    Each serial configuration (kernel and parameters) gives its median rate work.flops / time per
    iteration; the speed is the median of those rates. Under SMPI the value is a unit more than a
    figure: with smpi/host-speed equal to the hosts' speed, a simulated core takes exactly the time
    this machine's core took for the same code (docs/calibration.md)."""
    groups = {}
    for r in records:
        if r.get("backend") != "serial" or not _good(r):
            continue
        flops = _num(perfmodel._dict(r.get("work")).get("flops"))
        if not flops or flops <= 0:
            continue
        key = (str(r.get("kernel")), json.dumps(r.get("params"), sort_keys=True))
        groups.setdefault(key, []).append((flops / perfmodel.median_time(r), r))
    if not groups:
        raise UserError("no validated serial record with a flop count: run bench/calibrate --measure "
                        "OUTDIR (or bench/sweep --backends serial --kernels stencil,cg,ep)")
    kernels = []
    for (kernel, params), pairs in sorted(groups.items()):
        kernels.append({"kernel": kernel, "params": json.loads(params),
                        "rate": stats.median([p for p, _ in pairs]), "records": len(pairs),
                        "when": _span([r for _, r in pairs])})
    return {"speed": stats.median([k["rate"] for k in kernels]), "kernels": kernels}


def cores_of(records):
    """This machine's cores as the records saw them (host.cores), or None."""
    cores = [_num(perfmodel._dict(r.get("host")).get("cores")) for r in records]
    cores = [int(c) for c in cores if c]
    return max(cores) if cores else None


# --- ping-pong ------------------------------------------------------------------------
def pingpong_points(records):
    """{channel: {bytes: (median one-way time s, [records])}} of the MPI ping-pong records."""
    raw = {}
    for r in records:
        channel = MPI_CHANNELS.get(perfmodel.model_of(r))
        if channel is None or not perfmodel.is_pingpong(r) or perfmodel.oversubscribed(r):
            continue
        n = int(_num(r["params"]["bytes"]))
        raw.setdefault(channel, {}).setdefault(n, []).append(r)
    return {c: {n: (stats.median([perfmodel.median_time(r) for r in rs]), rs) for n, rs in sizes.items()}
            for c, sizes in raw.items()}


def spikes(points):
    """[(channel, bytes, time, next larger size's time)] of the sizes left out of the fit: a message
    that took more than SPIKE times as long as the next larger one. A larger message cannot be
    faster on the same channel (a protocol switch makes the time jump up, never down), so such a
    point is noise: another program had the core, a page fault, a timer tick."""
    out = []
    for c, pts in points.items():
        sizes = sorted(pts)
        for n, m in zip(sizes, sizes[1:]):
            if pts[n][0] > SPIKE * pts[m][0]:
                out.append((c, n, pts[n][0], pts[m][0]))
    return out


def _max_error(fit, pts):
    return max(abs((fit["alpha"] + fit["beta"] * n) / t - 1.0) for n, t in pts)


def size_ranges(pts):
    """The sizes of one channel ({bytes: time}) cut into ranges (lists of sizes, ascending) in which
    one Hockney line fits within TOLERANCE, grown greedily from the smallest size. A size that fits
    no line with the next one (a jump: the MPI library switching protocol) is a range of its own."""
    sizes = sorted(pts)
    ranges, start = [], 0
    while start < len(sizes):
        end = start + 1                     # sizes[start:end] is the range being grown
        while end < len(sizes):
            span = [(n, pts[n]) for n in sizes[start:end + 1]]
            line = perfmodel.hockney_fit(span)
            if line is None or _max_error(line, span) > TOLERANCE:
                break
            end += 1
        ranges.append(sizes[start:end])
        start = end
    return ranges


def _line(pts, sizes):
    """(alpha, beta) over a range, both > 0 for SMPI: a range whose line had to be clamped (alpha or
    beta would be negative) keeps the clamped term at FLOOR of its smallest time, which changes no
    time by more than FLOOR; a one-size range is all latency (beta at the floor)."""
    t_min = min(pts[n] for n in sizes)
    if len(sizes) == 1:
        return t_min, FLOOR * t_min / sizes[0]
    fit = perfmodel.hockney_fit([(n, pts[n]) for n in sizes])
    return max(fit["alpha"], FLOOR * t_min), max(fit["beta"], FLOOR * t_min / sizes[-1])


def _under_factors(pts, lat_factor, bw_factor):
    """(L, B) of a channel whose times follow given factors: least squares of t = L x + (1/B) y with
    x = f(n), y = n / g(n), residuals relative (weights 1/t^2); a negative term is clamped as
    perfmodel.hockney_fit clamps (the other refitted alone)."""
    rows = [(factor_at(lat_factor, n), n / factor_at(bw_factor, n), t) for n, t in pts.items()]
    w = [1.0 / (t * t) for _, _, t in rows]
    sxx = sum(wi * x * x for wi, (x, _, _) in zip(w, rows))
    syy = sum(wi * y * y for wi, (_, y, _) in zip(w, rows))
    sxy = sum(wi * x * y for wi, (x, y, _) in zip(w, rows))
    sxt = sum(wi * x * t for wi, (x, _, t) in zip(w, rows))
    syt = sum(wi * y * t for wi, (_, y, t) in zip(w, rows))
    det = sxx * syy - sxy * sxy
    lat, inv_bw = ((sxt * syy - syt * sxy) / det, (syt * sxx - sxt * sxy) / det) if det > 0 else (-1.0, -1.0)
    if lat <= 0 or inv_bw <= 0:
        if lat <= 0 < inv_bw or det <= 0:
            inv_bw = syt / syy
            lat = FLOOR * min(t for _, _, t in rows)
        if inv_bw <= 0:
            lat, inv_bw = sxt / sxx, FLOOR * min(t / max(y, 1.0) for _, y, t in rows)
    return lat, 1.0 / inv_bw


def network(records, shape=None):
    """The network model: {"channels": {channel: {"latency", "bandwidth", "hockney", "when", "sizes",
    "records"}}, "shape": the channel the factors follow, "ranges": [[sizes]], "lat_factor":
    [(boundary, f)], "bw_factor": [(boundary, g)], "reproduction": [{"channel", "bytes", "measured",
    "model", "ratio"}], "spikes": spikes()}. shape: "shm" or "tcp" (default: tcp when measured).

    A factor entry (b, x) applies to the sizes SMPI looks up above b, up to the next boundary
    (SimGrid's FactorSet rule); SMPI 3.32 looks up a payload of n bytes as n + ENVELOPE (measured:
    docs/calibration.md). Range k's boundary is midway between range k-1's largest size and its own
    smallest, plus ENVELOPE, so the lookup is right even if that offset changes by less than half a
    gap; 0 for the first range (bench/tests/test_calibrate_smpi.py checks the ping-pong times)."""
    points = pingpong_points(records)
    if not points:
        raise UserError("no validated MPI ping-pong record (kernel pingpong, backend mpi, 2 ranks): run "
                        "bench/calibrate --measure OUTDIR (or bench/sweep --kernels pingpong --backends mpi --pes 2)")
    shape = shape or (TCP if TCP in points else SHM if SHM in points else sorted(points)[0])
    if shape not in points:
        raise UserError("no %s ping-pong records to take the factors from (the records have: %s)"
                        % (shape, ", ".join(sorted(points))))
    dropped = spikes(points)
    for c, n, _, _ in dropped:
        points[c].pop(n)
    times = {c: {n: t for n, (t, _) in pts.items()} for c, pts in points.items()}
    for c, pts in times.items():
        if len(pts) < 2:
            raise UserError("the %s ping-pong records need at least two message sizes: run bench/calibrate "
                            "--measure OUTDIR" % c)
    ref = times[shape]
    whole = perfmodel.hockney_fit(list(ref.items()))
    ranges = size_ranges(ref)
    lines = [_line(ref, sizes) for sizes in ranges]
    latency = whole["alpha"] if whole["alpha"] > 0 else lines[0][0]
    bandwidth = 1.0 / whole["beta"] if whole["beta"] > 0 else 1.0 / lines[-1][1]
    bounds = [0] + [(a[-1] + b[0]) // 2 + ENVELOPE for a, b in zip(ranges, ranges[1:])]
    model = {"shape": shape, "ranges": ranges, "spikes": dropped,
             "lat_factor": [(b, alpha / latency) for b, (alpha, _) in zip(bounds, lines)],
             "bw_factor": [(b, 1.0 / (beta * bandwidth)) for b, (_, beta) in zip(bounds, lines)],
             "channels": {}}
    for c in sorted(points):
        lat, bw = (latency, bandwidth) if c == shape else _under_factors(times[c], model["lat_factor"],
                                                                         model["bw_factor"])
        recs = [r for _, rs in points[c].values() for r in rs]
        model["channels"][c] = {"latency": lat, "bandwidth": bw, "sizes": sorted(times[c]), "records": len(recs),
                                "hockney": perfmodel.hockney_fit(list(times[c].items())), "when": _span(recs)}
    model["reproduction"] = [
        {"channel": c, "bytes": n, "measured": t, "model": smpi_time(model, c, n),
         "ratio": smpi_time(model, c, n) / t}
        for c in sorted(times) for n, t in sorted(times[c].items())]
    return model


def factor_at(pairs, n):
    """SMPI's factor for an n-byte message from [(boundary, value)] ascending (1 below the first)."""
    value = 1.0
    for bound, x in pairs:
        if n + ENVELOPE <= bound:
            return value
        value = x
    return value


def smpi_time(model, channel, n):
    """SMPI's one-way time of an n-byte message on a channel of the model (no contention)."""
    ch = model["channels"][channel]
    return (factor_at(model["lat_factor"], n) * ch["latency"]
            + n / (factor_at(model["bw_factor"], n) * ch["bandwidth"]))


def factor_text(pairs):
    """SMPI's "size:factor;size:factor" form."""
    return ";".join("%d:%.6g" % (b, x) for b, x in pairs)
