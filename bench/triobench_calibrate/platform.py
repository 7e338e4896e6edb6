"""The calibrated SimGrid 3.32 platform (XML, <platform version="4.1">): one <cluster> of identical
nodes named node-0 ... node-(N-1) (the names the sweep's SMPI launcher and the records use), this
machine's cores per node, each core at the measured speed; inside a node the cluster's loopback
(the shared-memory channel), between nodes each node's own split-duplex link (the TCP channel); a
<config> block with smpi/host-speed, the factors and the collective selector. XML comments say
which records each figure came from and when (docs/calibration.md)."""

import datetime
import xml.sax.saxutils

from . import fit

COLL_SELECTOR = "mpich"     # docs/simulation.md: SMPI's default selection is far slower to simulate
# Computation blocks shorter than this (s) are not simulated. SMPI times the real code between two MPI
# calls, its own bookkeeping included: about 2 us per call on this VM, which the ping-pong factors
# already contain (they reproduce the measured one-way times). 1 us (SMPI's default) let it count twice.
CPU_THRESHOLD = 5e-6
# Simulated cost (s) of one MPI_Test or MPI_Iprobe. SMPI's default, 100 us, is a guard against busy
# loops that never let simulated time advance; it made cg's yielding wait (mpi/rowblock.c: MPI_Test
# and sched_yield while ranks outnumber cores) advance 100 us a poll: 3 ranks on one 2-core node took
# 16 times as long simulated as with 1 us, about what a poll costs on a real machine.
POLL_COST = 1e-6


def _comment(text):
    """Text safe inside an XML comment (no "--")."""
    while "--" in text:
        text = text.replace("--", "- -")
    return text


def _attr(value):
    return xml.sax.saxutils.quoteattr(value)


def _lines_speed(speed):
    out = ["Core speed %.6g flop/s: the median of the serial kernels' rates (work.flops / median time"
           " per iteration), one line per configuration:" % speed["speed"]]
    for k in speed["kernels"]:
        params = ",".join("%s=%s" % kv for kv in sorted(k["params"].items())) if isinstance(k["params"], dict) else ""
        out.append("  %s %s: %.6g flop/s (%d record(s), %s)" % (k["kernel"], params, k["rate"], k["records"], k["when"]))
    return out


def _lines_network(net, sources):
    out = ["One-way MPI ping-pong times t(n) = f(n) * L + n / (g(n) * B) (SMPI's model), fitted per"
           " size range (docs/calibration.md):"]
    for c, ch in sorted(net["channels"].items()):
        out.append("  %s: L = %.4g s, B = %.4g B/s from %d ping-pong record(s) of %d sizes (%d..%d B), %s"
                   % (c, ch["latency"], ch["bandwidth"], ch["records"], len(ch["sizes"]), ch["sizes"][0],
                      ch["sizes"][-1], ch["when"]))
    if fit.TCP not in net["channels"]:
        out.append("  tcp: NOT MEASURED (no ping-pong record over TCP between hosts): the links between"
                   " nodes copy the shared-memory figures")
    out.append("  size ranges: " + " | ".join("%d..%d" % (r[0], r[-1]) for r in net["ranges"]))
    for c, n, t, nxt in net["spikes"]:
        out.append("  left out as noise: %s %d B took %.4g s, the next larger size %.4g s" % (c, n, t, nxt))
    out.append("  smpi/lat-factor and smpi/bw-factor follow the %s channel's shape (SimGrid 3.32 has one set"
               " for all messages); the other channel's L and B fit best under them" % net["shape"])
    for c in sorted(net["channels"]):
        rows = [r for r in net["reproduction"] if r["channel"] == c]
        worst = max(rows, key=lambda r: abs(r["ratio"] - 1))
        out.append("  %s: SMPI's model is within %.1f%% of every measured ping-pong time (worst: %d B)"
                   % (c, 100 * abs(worst["ratio"] - 1), worst["bytes"]))
    out.append("Records read from: " + ", ".join(sources))
    return out


def xml_text(speed, net, nodes, cores, sources, when=None, cpu_threshold=CPU_THRESHOLD):
    """The platform file's text."""
    when = when or datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    shm = net["channels"].get(fit.SHM) or net["channels"][fit.TCP]
    tcp = net["channels"].get(fit.TCP) or shm
    comment = ["This machine, calibrated by bench/calibrate on %s (docs/calibration.md)." % when,
               "%d nodes x %d cores (node-0 ... node-%d); smpi/host-speed = the core speed, so a simulated"
               " core takes the time this machine's core took." % (nodes, cores, nodes - 1),
               "Inside a node: the loopback (shared memory); between nodes: each node's link, crossed twice"
               " (sender's up, receiver's down), so its latency is half the TCP channel's L."]
    comment += _lines_speed(speed) + _lines_network(net, sources)
    speed_txt = "%.6gf" % speed["speed"]
    lines = ["<?xml version='1.0'?>",
             '<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">',
             "<!-- " + "\n     ".join(_comment(c) for c in comment) + " -->",
             '<platform version="4.1">',
             '  <config id="General">',
             '    <prop id="smpi/host-speed" value=%s/>' % _attr(speed_txt),
             '    <prop id="smpi/lat-factor" value=%s/>' % _attr(fit.factor_text(net["lat_factor"])),
             '    <prop id="smpi/bw-factor" value=%s/>' % _attr(fit.factor_text(net["bw_factor"])),
             '    <prop id="smpi/coll-selector" value=%s/>' % _attr(COLL_SELECTOR),
             '    <prop id="smpi/cpu-threshold" value="%g"/>' % cpu_threshold,
             '    <prop id="smpi/test" value="%g"/>' % POLL_COST,
             '    <prop id="smpi/iprobe" value="%g"/>' % POLL_COST,
             '  </config>',
             '  <zone id="world" routing="Full">',
             '    <cluster id="calibrated" prefix="node-" suffix="" radical="0-%d" core="%d" speed=%s'
             % (nodes - 1, cores, _attr(speed_txt)),
             '             bw="%.6gBps" lat="%.6gs" loopback_bw="%.6gBps" loopback_lat="%.6gs"'
             % (tcp["bandwidth"], tcp["latency"] / 2, shm["bandwidth"], shm["latency"]),
             '             sharing_policy="SPLITDUPLEX"/>',
             '  </zone>',
             '</platform>', ""]
    return "\n".join(lines)
