"""Whether configurations differ: overlapping 95% CIs of the median are not ranked.

A pure statistic (standard library only) used by the tables and the charts:
two configurations whose distribution-free 95% confidence intervals of the
median overlap are reported as "no significant difference" instead of one
being called faster. Without a CI (fewer than 6 repetitions) nothing is
ranked. Overlap of two 95% intervals is a conservative test (it calls some
real differences insignificant, never the reverse at this level).
"""

from tbcommon.stats import intervals_overlap as overlap

NO_DIFFERENCE = "no significant difference"


def verdicts(configs, name=lambda c: c.label()):
    """{config: verdict text} for configurations competing at one PE count.

    The fastest (smallest median) is "fastest" only when its CI overlaps no
    other's; the configurations whose CI overlaps the fastest's, the fastest
    included, are "no significant difference (with ...)"; the rest are
    "slower than <fastest> (CIs apart)". Any of them without a CI: "not
    ranked (< 6 reps: no CI)". One configuration alone gets no verdict.
    """
    usable = [c for c in configs if c.usable]
    if len(usable) < 2:
        return {}
    if any(c.ci is None for c in usable):
        return {c: "not ranked (< 6 reps: no CI)" for c in usable}
    best = min(usable, key=lambda c: c.median)
    ci = lambda c: (c.ci["lo"], c.ci["hi"])  # noqa: E731
    tied = [c for c in usable if c is not best and overlap(ci(c), ci(best))]
    out = {}
    if tied:
        group = [best] + tied
        for c in group:
            out[c] = "%s (with %s)" % (NO_DIFFERENCE, ", ".join(name(o) for o in group if o is not c))
    else:
        out[best] = "fastest (CI apart from the others)"
    for c in usable:
        if c not in out:
            out[c] = "slower than %s (CIs apart)" % name(best)
    return out
