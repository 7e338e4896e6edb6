"""Order statistics and scaling-model arithmetic (standard library only).

Everything here is plain arithmetic on lists of floats, so it can be tested
by hand-computed values without matplotlib.
"""

import math

CI_LEVEL = 0.95


def median(values):
    """Median of a non-empty sequence (mean of the two middle values when even)."""
    s = sorted(values)
    n = len(s)
    if n == 0:
        raise ValueError("median of an empty sequence")
    mid = n // 2
    if n % 2:
        return s[mid]
    return (s[mid - 1] + s[mid]) / 2.0


def _binom_half_cdf(k, n):
    """P(B <= k) for B ~ Binomial(n, 1/2), exact up to the final division."""
    if k < 0:
        return 0.0
    return sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n


def median_ci(values, level=CI_LEVEL):
    """Distribution-free confidence interval of the median.

    The interval is [x_(l), x_(n+1-l)] (order statistics, 1-based) with l the
    largest rank whose coverage 1 - 2 P(B <= l-1), B ~ Binomial(n, 1/2), is
    at least ``level`` (Le Boudec; Hoefler & Belli, rule 5). Returns a dict
    ``{"lo", "hi", "l", "u", "coverage"}`` or None when no such interval
    exists (n < 6 at 95%).
    """
    s = sorted(values)
    n = len(s)
    found = None
    for l in range(1, n // 2 + 1):
        coverage = 1.0 - 2.0 * _binom_half_cdf(l - 1, n)
        if coverage < level:
            break
        found = (l, coverage)
    if found is None:
        return None
    l, coverage = found
    u = n + 1 - l
    return {"lo": s[l - 1], "hi": s[u - 1], "l": l, "u": u, "coverage": coverage}


def amdahl_speedup(f, p):
    """Amdahl's law: S(p) = 1 / (f + (1 - f) / p)."""
    return 1.0 / (f + (1.0 - f) / p)


def amdahl_fit(points):
    """Least-squares serial fraction f from (p, S) pairs.

    Fitted on the reciprocal form 1/S = f + (1 - f)/p, which is linear in
    1/p with the constraint S(1) = 1: with x = 1 - 1/p and y = 1/S - 1/p it
    reads y = f x, so f = sum(x y) / sum(x^2). Points with p <= 1 carry no
    information and are ignored. Returns
    ``{"f", "points", "rms"}`` (rms residual of 1/S) or None without a point
    at p > 1.
    """
    xs, ys = [], []
    for p, s in points:
        if p is None or s is None or p <= 1 or not s > 0:
            continue
        xs.append(1.0 - 1.0 / p)
        ys.append(1.0 / s - 1.0 / p)
    if not xs:
        return None
    f = sum(x * y for x, y in zip(xs, ys)) / sum(x * x for x in xs)
    rms = math.sqrt(sum((y - f * x) ** 2 for x, y in zip(xs, ys)) / len(xs))
    return {"f": f, "points": len(xs), "rms": rms}


def karp_flatt(speedup, p):
    """Karp-Flatt experimentally determined serial fraction e = (1/S - 1/p) / (1 - 1/p)."""
    if p is None or p <= 1 or speedup is None or not speedup > 0:
        return None
    return (1.0 / speedup - 1.0 / p) / (1.0 - 1.0 / p)
