#include "tb_size.h"

#include <stdlib.h>
#include <string.h>

#include "tb_mem.h"
#include "tb_topo.h"

const tb_machine *tb_machine_get(void)
{
    static tb_machine m;
    static int known;
    if (!known) {
        m.llc_bytes = tb_topo_llc_bytes(&m.llc_reported);
        m.llc_source = m.llc_bytes < m.llc_reported
                           ? "hwloc, each cache counted as at most 48 MiB per core sharing it "
                             "(more than any CPU has: a virtual machine reporting its host's L3)"
                           : "hwloc";
        const char *given = getenv("TRIOBENCH_LLC_BYTES");
        char *end = NULL;
        double v = given ? strtod(given, &end) : 0.0;
        if (given && end != given && *end == '\0' && v >= 1024.0 && v < 1e15) {
            m.llc_bytes = v;
            m.llc_source = "TRIOBENCH_LLC_BYTES";
        } else if (given) {
            m.llc_source = "hwloc (TRIOBENCH_LLC_BYTES ignored: not a byte count from 1024 up)";
        }
        m.mem_available = tb_mem_available();
        known = 1;
    }
    return &m;
}

double tb_working_set(const tb_kernel *k, const tb_params *p) { return k->bytes_per_rank(p, 1, 1); }

const char *tb_regime(double ratio)
{
    if (!(ratio > 0.0)) return NULL;
    return ratio >= TB_AUTO_RATIO ? "dram" : ratio >= 1.0 ? "mixed" : "cache-resident";
}

/* The range of values the size parameter takes: INT its bounds, CHOICE the
 * index of each choice (the choices are listed smallest first). */
static void size_range(const tb_param_def *d, int64_t *lo, int64_t *hi)
{
    if (d->type == TB_PARAM_INT) {
        *lo = d->min;
        *hi = d->max;
        return;
    }
    int n = 0;
    while (d->choices[n]) n++;
    *lo = 0;
    *hi = n - 1;
}

static double bytes_at(const tb_kernel *k, tb_params *p, int64_t v)
{
    p->value[k->size_param] = v;
    return tb_working_set(k, p);
}

/* The smallest v in [lo, hi] with bytes_at(v) >= target (the working set
 * grows with the size); hi when none does. */
static int64_t first_reaching(const tb_kernel *k, tb_params *p, int64_t lo, int64_t hi,
                              double target)
{
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (bytes_at(k, p, mid) >= target)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

int tb_size_auto(const tb_kernel *k, const tb_params *given, int64_t *value, const char **why)
{
    const tb_machine *m = tb_machine_get();
    if (k->series) {
        *why = "it sweeps its size as a series";
        return -1;
    }
    if (!(m->llc_bytes > 0.0)) {
        *why = "hwloc reports no cache on this machine";
        return -1;
    }
    tb_params p = *given;
    int64_t lo, hi;
    size_range(&k->params[k->size_param], &lo, &hi);
    double target = TB_AUTO_RATIO * m->llc_bytes;
    if (bytes_at(k, &p, hi) < target || bytes_at(k, &p, hi) <= bytes_at(k, &p, lo)) {
        *why = "its working set does not grow to 4 x the last-level cache";
        return -1;
    }
    int64_t v = first_reaching(k, &p, lo, hi, target);
    double cap = TB_AUTO_MEM_SHARE * m->mem_available;
    if (cap > 0.0 && bytes_at(k, &p, v) > cap) {
        /* The largest size within the cap: one below the first beyond it. */
        int64_t over = first_reaching(k, &p, lo, v, cap + 1.0);
        if (over <= lo) {
            *why = "not even its smallest size fits the free memory";
            return -1;
        }
        v = over - 1;
    }
    *value = v;
    return 0;
}
