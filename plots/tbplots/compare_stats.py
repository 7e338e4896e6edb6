"""How much slower or faster B is than A: a ratio of times with a distribution-free 95% CI.

Standard library only. The model is a shift of log(time): log t_B = log t_A + d
in distribution (B is A scaled by a factor e^d). Following Hodges & Lehmann
(1963) and Moses (1965), from the m x n pairwise differences
D_ij = log b_j - log a_i:

- the estimate of d is the median of the D_ij (the Hodges-Lehmann shift), and
  the ratio exp(median D) estimates t_B / t_A;
- the confidence interval is [D_(k), D_(mn+1-k)] (1-based order statistics of
  the sorted D_ij), k the largest integer with P(U <= k - 1) <= (1 - level) / 2
  under the null distribution of the Mann-Whitney U (the same U as the test
  of tbcommon.utest, whose distribution it takes). Its coverage is
  1 - 2 P(U <= k - 1) >= level. The interval excludes 0 exactly when the
  two-sided U test at that coverage rejects "no shift".
- P(U <= u) is exact (tbcommon.utest's count of orderings) up to
  utest.EXACT_MAX_PAIRS pairs, else the normal approximation with a
  continuity correction (without the tie correction, which would narrow it).

Times must be positive (log); an overhead measured as a difference of
medians can be 0 or below: no ratio then (None). See docs/compare.md;
tested against hand-computed values in plots/tests/test_compare_stats.py.
"""

import math
from statistics import NormalDist

from tbcommon import stats, utest
from tbcommon.stats import CI_LEVEL


def _u_cdf(m, n):
    """P(U <= u) for u = 0 .. m n under the null hypothesis: a function of u."""
    if m * n <= utest.EXACT_MAX_PAIRS:
        counts = utest.u_counts(m, n)
        total = sum(counts)
        cumulative, run = [], 0
        for c in counts:
            run += c
            cumulative.append(run / total)
        return lambda u: 0.0 if u < 0 else cumulative[min(u, m * n)]
    mean, sd = m * n / 2, math.sqrt(m * n * (m + n + 1) / 12)
    return lambda u: 0.0 if u < 0 else NormalDist().cdf((u + 0.5 - mean) / sd)


def moses_rank(m, n, level=CI_LEVEL):
    """(k, coverage): the CI is the k-th smallest and k-th largest pairwise difference; None
    when even the extreme differences do not reach the level (too few repetitions)."""
    cdf = _u_cdf(m, n)
    tail = (1 - level) / 2
    if cdf(0) > tail:
        return None
    k = 1
    while k < m * n // 2 and cdf(k) <= tail:
        k += 1
    return k, 1 - 2 * cdf(k - 1)


def log_shift(a, b, level=CI_LEVEL):
    """Ratio t_B / t_A of two samples of positive times, with its CI.

    {"ratio": exp(Hodges-Lehmann shift), "lo", "hi": the CI of the ratio or None,
    "coverage", "k", "method": "exact" or "normal"}; None when a sample is empty
    or holds a time <= 0.
    """
    if not a or not b or min(a) <= 0 or min(b) <= 0:
        return None
    m, n = len(a), len(b)
    diffs = sorted(math.log(y) - math.log(x) for x in a for y in b)
    out = {"ratio": math.exp(stats.median(diffs)), "lo": None, "hi": None, "coverage": None, "k": None,
           "method": "exact" if m * n <= utest.EXACT_MAX_PAIRS else "normal"}
    rank = moses_rank(m, n, level)
    if rank is not None:
        k, coverage = rank
        out.update(lo=math.exp(diffs[k - 1]), hi=math.exp(diffs[m * n - k]), k=k, coverage=coverage)
    return out
