"""Order statistics and scaling-model arithmetic, shared by the sweep and the plots.

- median (None for no values), quantiles by linear interpolation;
- a 95% confidence interval of the median that assumes no distribution: the
  order statistics [x(l), x(n+1-l)] with the largest l such that
  P(l <= B <= n-l) >= 0.95 for B ~ Binomial(n, 1/2) (Le Boudec; Hoefler &
  Belli, rule 5). It exists from n = 6 (coverage 1 - 2/64 = 96.9%);
- outliers: values outside Tukey's fences [Q1 - 1.5 IQR, Q3 + 1.5 IQR]
  (quartiles by linear interpolation), when n >= 4. Flagged, never dropped;
- Amdahl's law and its least-squares fit, the Karp-Flatt metric.

Plain arithmetic on lists of floats (standard library only), tested by
hand-computed values in bench/tests/test_stats.py.
"""

import math

CI_LEVEL = 0.95


def median(xs):
    s = sorted(xs)
    n = len(s)
    if n == 0:
        return None
    mid = n // 2
    return s[mid] if n % 2 else (s[mid - 1] + s[mid]) / 2


def quantile(sorted_xs, q):
    """Linear interpolation between order statistics (R type 7, numpy's default)."""
    n = len(sorted_xs)
    h = (n - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, n - 1)
    return sorted_xs[lo] + (h - lo) * (sorted_xs[hi] - sorted_xs[lo])


def binom_cdf_half(k, n):
    """P(B <= k) for B ~ Binomial(n, 1/2), exact."""
    if k < 0:
        return 0.0
    return sum(math.comb(n, i) for i in range(0, min(k, n) + 1)) / 2 ** n


def median_ci_ranks(n, level=CI_LEVEL):
    """(l, u, coverage): 1-based ranks of a distribution-free CI of the median, or None."""
    best = None
    for l in range(1, n // 2 + 1):
        coverage = 1.0 - 2.0 * binom_cdf_half(l - 1, n)
        if coverage >= level:
            best = (l, n + 1 - l, coverage)
        else:
            break
    return best


def median_ci(xs, level=CI_LEVEL):
    """Distribution-free confidence interval of the median of xs.

    ``{"lo", "hi", "l", "u", "coverage"}``: the order statistics x(l), x(u)
    (1-based ranks, u = n + 1 - l) of median_ci_ranks, or None when no such
    interval exists (n < 6 at 95%).
    """
    ranks = median_ci_ranks(len(xs), level)
    if ranks is None:
        return None
    s = sorted(xs)
    l, u, coverage = ranks
    return {"lo": s[l - 1], "hi": s[u - 1], "l": l, "u": u, "coverage": coverage}


def intervals_overlap(a, b):
    """True when the closed intervals a = (lo, hi) and b = (lo, hi) share a point: two 95% CIs of
    the median that overlap are "no significant difference" (a conservative test)."""
    return a[0] <= b[1] and b[0] <= a[1]


def tukey_outliers(xs, k=1.5):
    """A flag per value: outside [Q1 - k*IQR, Q3 + k*IQR]; all False when len(xs) < 4."""
    if len(xs) < 4:
        return [False] * len(xs)
    s = sorted(xs)
    q1, q3 = quantile(s, 0.25), quantile(s, 0.75)
    iqr = q3 - q1
    lo, hi = q1 - k * iqr, q3 + k * iqr
    return [x < lo or x > hi for x in xs]



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
