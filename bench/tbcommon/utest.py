"""The Mann-Whitney U test (Wilcoxon rank-sum), standard library only.

Used wherever two sets of repetitions are compared: the verdict of the
report and of the sweep's summary, ``plots/plot --compare``, the labs.

- U of sample a: the number of pairs (x in a, y in b) with x > y, ties
  counting 1/2; computed from mid-ranks as R_a - n_a (n_a + 1) / 2.
- p (two-sided): exact when there are no ties and n_a * n_b <= EXACT_MAX_PAIRS
  (the distribution of U counted by the recurrence of Mann & Whitney 1947,
  N(m, n, u) = N(m-1, n, u-n) + N(m, n-1, u)); otherwise the normal
  approximation with the tie correction of the variance and a continuity
  correction of 1/2 (as SciPy's ``mannwhitneyu(method="asymptotic")``).
- ``compare`` turns it into a verdict: "lower" / "higher" / "no difference",
  or "not enough repetitions" below MIN_REPS each (with 5 and 5 the smallest
  exact two-sided p is 2/252 = 0.008; the project asks for 6, as its median
  confidence intervals do).

Tested with hand-computed values in bench/tests/test_utest.py.
"""

import math

ALPHA = 0.05
MIN_REPS = 6
EXACT_MAX_PAIRS = 400


def _midranks(values):
    """Ranks 1..n of `values` (ties get the mean of their ranks) and the
    sizes of the tie groups."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    ties = []
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        rank = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[order[k]] = rank
        ties.append(j - i + 1)
        i = j + 1
    return ranks, ties


def u_counts(m, n):
    """counts[u] = the number of orderings of m a's and n b's whose U is u
    (all C(m+n, m) of them equally likely under the null hypothesis)."""
    # prev[j] holds the counts for (i-1, j); row[j] for (i, j).
    prev = [[1] for _ in range(n + 1)]  # i = 0: U = 0 only
    for i in range(1, m + 1):
        row = [[1]]  # j = 0: U = 0 only
        for j in range(1, n + 1):
            # The largest value is an a (adds j to U: it beats every b) or a b.
            with_a = [0] * j + prev[j]
            with_b = row[j - 1]
            size = max(len(with_a), len(with_b))
            row.append([(with_a[u] if u < len(with_a) else 0) +
                        (with_b[u] if u < len(with_b) else 0) for u in range(size)])
        prev = row
    return prev[n]


def _normal_sf(z):
    return 0.5 * math.erfc(z / math.sqrt(2))


def mann_whitney(a, b):
    """{"u": U of a, "p": two-sided p-value, "method": "exact"|"normal",
    "n_a", "n_b", "p_a_greater": U / (n_a n_b)} for two non-empty samples."""
    a, b = list(a), list(b)
    m, n = len(a), len(b)
    if m == 0 or n == 0:
        raise ValueError("mann_whitney needs two non-empty samples")
    ranks, ties = _midranks(a + b)
    u = sum(ranks[:m]) - m * (m + 1) / 2
    mean = m * n / 2
    has_ties = any(t > 1 for t in ties)
    if not has_ties and m * n <= EXACT_MAX_PAIRS:
        counts = u_counts(m, n)
        total = sum(counts)
        k = int(round(u))
        low = sum(counts[:k + 1]) / total
        high = sum(counts[k:]) / total
        p = min(1.0, 2 * min(low, high))
        method = "exact"
    else:
        total = m + n
        tie_term = sum(t ** 3 - t for t in ties) / (total * (total - 1))
        var = m * n / 12 * ((total + 1) - tie_term)
        if var <= 0:  # every value equal
            p = 1.0
        else:
            z = max(0.0, abs(u - mean) - 0.5) / math.sqrt(var)
            p = min(1.0, 2 * _normal_sf(z))
        method = "normal"
    return {"u": u, "p": p, "method": method, "n_a": m, "n_b": n,
            "p_a_greater": u / (m * n)}


def compare(a, b, alpha=ALPHA, min_reps=MIN_REPS):
    """Whether sample a lies lower or higher than sample b (e.g. times:
    "lower" = a is faster): {"verdict": "lower"|"higher"|"no difference"|
    "not enough repetitions", "p": p or None, "test": the mann_whitney dict or None}."""
    if len(a) < min_reps or len(b) < min_reps:
        return {"verdict": "not enough repetitions", "p": None, "test": None}
    test = mann_whitney(a, b)
    if test["p"] >= alpha:
        verdict = "no difference"
    else:
        verdict = "higher" if test["u"] > test["n_a"] * test["n_b"] / 2 else "lower"
    return {"verdict": verdict, "p": test["p"], "test": test}
