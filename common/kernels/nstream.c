#include "nstream.h"

#include <math.h>

#include "tb_comm.h"
#include "tb_error.h"
#include "tb_mem.h"
#include "tb_split.h"
#include "tb_timer.h"
#include "tb_model.h"

#define NSTREAM_SCALAR 3.0
#define NSTREAM_A0     0.0
#define NSTREAM_B0     2.0
#define NSTREAM_C0     2.0

static const tb_param_def nstream_params[] = {
    {"n", TB_PARAM_INT, 1 << 24, 1, INT64_C(1) << 40, NULL,
     "elements per array, all ranks together (3 arrays of doubles)"},
};

static tb_status nstream_check(const tb_params *p, int nranks)
{
    int64_t n = p->value[NSTREAM_P_N];
    if (n < nranks)
        return tb_error_set(TB_EINPUT,
                            "--size %lld is smaller than the %d ranks: every rank "
                            "needs at least one element",
                            (long long)n, nranks);
    return TB_OK;
}

static tb_work nstream_work(const tb_params *p)
{
    double n = (double)p->value[NSTREAM_P_N];
    tb_work w = {
        3.0 * n,
        4.0 * sizeof(double) * n,
        "3 * n (a += b + s*c: one multiply, two adds per element)",
        "4 * 8 * n: a, b, c read and a written once per element (the PRK nstream count; "
        "STREAM's own triad a = b + s*c counts 3 * 8 * n)",
    };
    return w;
}

static double nstream_bytes_per_rank(const tb_params *p, int nranks, int nthreads)
{
    (void)nthreads;
    double per_rank = ceil((double)p->value[NSTREAM_P_N] / nranks);
    return 3.0 * sizeof(double) * per_rank + 3.0 * TB_ALIGN;
}

/* ---- The performance model (common/tb_model.h) ---- */

void nstream_band(int64_t count, int nthreads, int t, int64_t *begin, int64_t *end)
{
    const int64_t line = TB_ALIGN / (int64_t)sizeof(double);
    int64_t lines = (count + line - 1) / line, l0, l1;
    tb_split(lines, nthreads, t, &l0, &l1);
    *begin = l0 * line < count ? l0 * line : count;
    *end = l1 * line < count ? l1 * line : count;
}

static void nstream_inputs(const tb_params *p, const tb_shape *s, tb_model_inputs *m)
{
    const int64_t n = p->value[NSTREAM_P_N];
    const int ranks = tb_model_has_mpi(s) ? s->ranks : 1;
    for (int r = 0; r < ranks; r++) {
        int64_t r0, r1;
        tb_split(n, ranks, r, &r0, &r1);
        for (int t = 0; t < s->threads; t++) {
            int64_t b0 = 0, b1 = r1 - r0;
            if (tb_model_has_team(s)) nstream_band(r1 - r0, s->threads, t, &b0, &b1);
            tb_model_pe(m, 3.0 * (double)(b1 - b0), 4.0 * sizeof(double) * (double)(b1 - b0));
        }
    }
    if (tb_model_has_mpi(s)) tb_model_collective(m, TB_OP_BARRIER, 0.0, 1.0);
    if (tb_model_has_team(s)) m->barriers = 2;
}

static const tb_model nstream_model = {
    nstream_inputs,
    {
        {"flops 3 * n, bytes 4 * 8 * n", "none", "none", "none"},
        {"flops 3, bytes 4 * 8 per element of the thread's band (whole cache lines of n)", "none",
         "none", "2 barriers (closing the iteration, around the master's no-op)"},
        {"flops 3, bytes 4 * 8 per element of the rank's tb_split share of n", "none",
         "1 barrier (closing the iteration)", "none"},
        {"flops 3, bytes 4 * 8 per element of the thread's band (whole cache lines) of the "
         "rank's share of n",
         "none", "1 barrier (the master's, closing the iteration)",
         "2 barriers (around the master's MPI barrier)"},
    },
    NULL,
};

/* The driver is the backend's: defined in serial/, openmp/, mpi/, hybrid/. */
tb_status nstream_run(tb_run *run);

const tb_kernel nstream_kernel = {
    .name = "nstream",
    .summary = "STREAM triad, PRK form a += b + s*c on 3 arrays of n doubles; "
               "GB/s counting 4*8*n bytes per iteration",
    .rate_unit = "GB/s",
    .rate_scale = 1e9,
    .rate_uses_bytes = 1,
    .params = nstream_params,
    .nparams = (int)(sizeof nstream_params / sizeof nstream_params[0]),
    .size_param = NSTREAM_P_N,
    .check = nstream_check,
    .work = nstream_work,
    .bytes_per_rank = nstream_bytes_per_rank,
    .run = nstream_run,
    .weak = {TB_WEAK_POWER, 1.0}, /* arrays of n: work ~ n */
    .memory_bound = 1,
    .sweep_params = (const char *const[]){NULL},
    .model = &nstream_model,
};

tb_status nstream_alloc(nstream_arrays *x, int64_t count)
{
    x->count = count;
    x->a = tb_alloc_huge((size_t)count, sizeof(double));
    x->b = tb_alloc_huge((size_t)count, sizeof(double));
    x->c = tb_alloc_huge((size_t)count, sizeof(double));
    if (x->a && x->b && x->c) return TB_OK;
    nstream_free(x);
    return tb_error_set(TB_ERUNTIME, "out of memory for three arrays of %lld doubles",
                        (long long)count);
}

void nstream_free(nstream_arrays *x)
{
    tb_free(x->a);
    tb_free(x->b);
    tb_free(x->c);
    x->a = x->b = x->c = NULL;
}

void nstream_init(const nstream_arrays *x, int64_t begin, int64_t end)
{
    double *restrict a = x->a, *restrict b = x->b, *restrict c = x->c;
    for (int64_t i = begin; i < end; i++) {
        a[i] = NSTREAM_A0;
        b[i] = NSTREAM_B0;
        c[i] = NSTREAM_C0;
    }
}

void nstream_triad(const nstream_arrays *x, int64_t begin, int64_t end)
{
    double *restrict a = x->a;
    const double *restrict b = x->b, *restrict c = x->c;
    const double s = NSTREAM_SCALAR;
    for (int64_t i = begin; i < end; i++) a[i] += b[i] + s * c[i];
}

void nstream_acc_init(double acc[3])
{
    acc[0] = 0.0;
    acc[1] = INFINITY;
    acc[2] = -INFINITY;
}

void nstream_accumulate(const nstream_arrays *x, int64_t begin, int64_t end, double acc[3])
{
    double sum = 0.0, lo = acc[1], hi = acc[2];
    for (int64_t i = begin; i < end; i++) {
        double v = x->a[i];
        sum += v;
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    acc[0] += sum;
    acc[1] = lo;
    acc[2] = hi;
}

void nstream_acc_merge(double into[3], const double from[3])
{
    into[0] += from[0];
    if (from[1] < into[1]) into[1] = from[1];
    if (from[2] > into[2]) into[2] = from[2];
}

void nstream_verify(tb_run *run, double acc[3], int64_t iterations)
{
    double sum = acc[0], extremes[2] = {-acc[1], acc[2]};
    tb_comm_sum_doubles(&sum, 1);
    tb_comm_max_doubles(extremes, 2);
    /* The scalar replay of the recurrence every element follows. */
    double aj = NSTREAM_A0;
    for (int64_t it = 0; it < iterations; it++) aj += NSTREAM_B0 + NSTREAM_SCALAR * NSTREAM_C0;
    const double n = (double)run->params->value[NSTREAM_P_N], tol = 1e-12;
    tb_run_verify(run, "mean a", sum / n, aj, tol);
    tb_run_verify(run, "min a", -extremes[0], aj, tol);
    tb_run_verify(run, "max a", extremes[1], aj, tol);
    run->max_abs_error = fmax(fabs(-extremes[0] - aj), fabs(extremes[1] - aj));
}

tb_status nstream_run_single(tb_run *run, int64_t count)
{
    nstream_arrays x;
    tb_status st = tb_comm_worst(nstream_alloc(&x, count));
    if (st != TB_OK) {
        nstream_free(&x);
        return st;
    }
    nstream_init(&x, 0, count);
    tb_comm_barrier();
    for (int it = 0; it < run->warmup + run->iters; it++) {
        double t0 = tb_now();
        nstream_triad(&x, 0, count);
        double t1 = tb_now();
        tb_comm_barrier();
        double t2 = tb_now();
        if (tb_run_record(run, it, t2 - t0)) {
            run->breakdown.compute += t1 - t0;
            run->breakdown.sync += t2 - t1;
        }
    }
    double acc[3];
    nstream_acc_init(acc);
    nstream_accumulate(&x, 0, count, acc);
    nstream_verify(run, acc, run->warmup + run->iters);
    nstream_free(&x);
    return TB_OK;
}
