#include "team.h"

#include <omp.h>

#include "kernels/allreduce.h"
#include "kernels/barrier.h"
#include "kernels/micro.h"
#include "tb_error.h"
#include "tb_mem.h"
#include "tb_split.h"
#include "tb_timer.h"

double tb_team_batch(int nthreads, tb_team_body body, void *ctx, int64_t count)
{
    double t0 = 0.0, t1 = 0.0;
#pragma omp parallel num_threads(nthreads)
    {
#pragma omp barrier
#pragma omp master
        t0 = tb_now();
        body(ctx, omp_get_thread_num(), omp_get_num_threads(), count);
#pragma omp barrier
#pragma omp master
        t1 = tb_now();
    }
    return t1 - t0;
}

/* A per-thread count on a cache line of its own. */
typedef struct padded {
    double value;
    char pad[64 - sizeof(double)];
} __attribute__((aligned(64))) padded;

typedef struct team_barriers {
    barrier_ctx *c;
    void (*across)(void);
    padded *passed;
    int nthreads;
} team_barriers;

static void barrier_body(void *arg, int t, int nthreads, int64_t count)
{
    (void)nthreads;
    const team_barriers *x = arg;
    const int64_t length = x->c->length;
    for (int64_t k = 0; k < count; k++) {
        micro_delay(length);
#pragma omp barrier
        if (x->across) {
#pragma omp master
            x->across();
#pragma omp barrier
        }
    }
    x->passed[t].value += (double)count;
}

static double barrier_batch(void *arg, int64_t count)
{
    barrier_ctx *c = arg;
    const team_barriers *x = c->backend;
    double t = tb_team_batch(x->nthreads, barrier_body, c->backend, count);
    c->passed = 0.0;
    for (int i = 0; i < x->nthreads; i++) c->passed += x->passed[i].value;
    return t;
}

tb_status tb_team_barrier_run(tb_run *run, void (*across)(void))
{
    barrier_ctx c = {0};
    team_barriers x = {&c, across, tb_alloc((size_t)run->nthreads, sizeof(padded)), run->nthreads};
    tb_status st = tb_comm_worst(x.passed ? TB_OK : tb_error_set(TB_ERUNTIME, "out of memory"));
    if (st == TB_OK) {
        for (int i = 0; i < run->nthreads; i++) x.passed[i].value = 0.0;
        c.backend = &x;
        st = barrier_measure(run, barrier_batch, &c, &run->breakdown.sync);
    }
    tb_free(x.passed);
    return st;
}

typedef struct team_reduce {
    int64_t length, n;
    double **part;     /* [nthreads], each thread's own contribution */
    double *result[3]; /* the rank's shared results, used in turn */
    void (*across)(double *result, int64_t n);
    int nthreads, pe0, npes; /* pe0: the PE number of thread 0; npes: all PEs */
    allreduce_tally tally;
} team_reduce;

/* Operation k reduces into result[k % 3] while each thread zeroes its slice
 * of result[(k + 1) % 3]: the last operation to use that one (k - 2) ended
 * before the barrier of operation k - 1, and the next (k + 1) starts after
 * the barrier of this one. The reduction's barrier is the only one. */
/* One team reduction into r. A function of its own, never inlined: GCC
 * gives each thread its private copy of r[:n] on the stack (alloca), freed
 * only when the enclosing function returns; inside reduce_body's loop the
 * copies of every operation piled up (count x n doubles) until a 1 MiB
 * series overflowed the main thread's 8 MiB stack. */
static __attribute__((noinline)) void reduce_once(const team_reduce *x, double *r, int nthreads)
{
    const int64_t n = x->n;
#pragma omp for schedule(static) reduction(+ : r[:n])
    for (int p = 0; p < nthreads; p++)
        for (int64_t i = 0; i < n; i++) r[i] += x->part[p][i];
}

static void reduce_body(void *arg, int t, int nthreads, int64_t count)
{
    const team_reduce *x = arg;
    const int64_t n = x->n;
    int64_t i0, i1;
    tb_split(n, nthreads, t, &i0, &i1);
    for (int64_t k = 0; k < count; k++) {
        double *r = x->result[k % 3], *next = x->result[(k + 1) % 3];
        micro_delay(x->length);
        for (int64_t i = i0; i < i1; i++) next[i] = 0.0;
        reduce_once(x, r, nthreads);
        if (x->across) {
#pragma omp master
            x->across(r, n);
#pragma omp barrier
        }
    }
}

/* Fresh contributions, the first result zeroed and the others spoiled
 * before the timed part; the last result checked after it. */
static void refill(void *arg, int t, int nthreads, int64_t batch)
{
    (void)nthreads;
    team_reduce *x = arg;
    allreduce_fill(x->part[t], x->n, x->pe0 + t, batch);
}

static double reduce_batch(void *arg, int64_t count)
{
    team_reduce *x = arg;
    tb_team_batch(x->nthreads, refill, x, x->tally.batch);
    for (int i = 0; i < 3; i++) allreduce_spoil(x->result[i], x->n);
    for (int64_t i = 0; i < x->n; i++) x->result[0][i] = 0.0;
    double t = tb_team_batch(x->nthreads, reduce_body, arg, count);
    allreduce_check(&x->tally, x->result[(count - 1) % 3], x->n, x->npes);
    return t;
}

tb_status tb_team_allreduce_run(tb_run *run, void (*across)(double *result, int64_t n))
{
    const int nthreads = run->nthreads;
    const int64_t n = allreduce_count(run);
    team_reduce x = {0,
                     n,
                     tb_alloc((size_t)nthreads, sizeof(double *)),
                     {NULL, NULL, NULL},
                     across,
                     nthreads,
                     run->rank * nthreads,
                     run->nranks * nthreads,
                     {0, 0.0, 0.0}};
    int ok = x.part != NULL;
    for (int t = 0; ok && t < nthreads; t++) x.part[t] = NULL;
    for (int i = 0; ok && i < 3; i++)
        ok = (x.result[i] = tb_alloc((size_t)n, sizeof(double))) != NULL;
    /* Each thread first-touches its contribution. */
    if (ok) {
#pragma omp parallel num_threads(nthreads) reduction(&& : ok)
        {
            const int t = omp_get_thread_num();
            x.part[t] = tb_alloc((size_t)n, sizeof(double));
            ok = x.part[t] != NULL;
        }
    }
    tb_status st = tb_comm_worst(ok ? TB_OK
                                    : tb_error_set(TB_ERUNTIME,
                                                   "out of memory for "
                                                   "%d arrays of %lld doubles",
                                                   nthreads + 3, (long long)n));
    if (st == TB_OK) {
        micro_measure_delayed(run, reduce_batch, &x, run->params->value[ALLREDUCE_P_DELAY],
                              &x.length, micro_target(run, ALLREDUCE_P_TARGET),
                              &run->breakdown.comm);
        allreduce_verify(run, &x.tally, n);
    }
    for (int t = 0; x.part && t < nthreads; t++) tb_free(x.part[t]);
    tb_free(x.part);
    for (int i = 0; i < 3; i++) tb_free(x.result[i]);
    return st;
}
