#include "allreduce.h"

#include "micro.h"
#include "tb_comm.h"
#include "tb_error.h"
#include "tb_mem.h"
#include "tb_timer.h"
#include "tb_model.h"

static const tb_param_def allreduce_params[] = {
    {"bytes", TB_PARAM_INT, 8, 8, 1048576, NULL, "bytes reduced (a power of two; 8 = one double)"},
    MICRO_PARAM_DELAY,
    MICRO_PARAM_TARGET,
};

static tb_work allreduce_work(const tb_params *p)
{
    tb_work w = {0.0, (double)p->value[ALLREDUCE_P_BYTES], "0",
                 "the array size (the figure is the overhead of one allreduce, in us)"};
    return w;
}

static double allreduce_bytes_per_rank(const tb_params *p, int nranks, int nthreads)
{
    (void)nranks;
    return (double)p->value[ALLREDUCE_P_BYTES] * (nthreads + 2.0);
}

/* ---- The performance model (common/tb_model.h) ---- */

/* One operation: one sum of `bytes` / 8 doubles over all PEs (after the
 * delay loop, whose time is subtracted). */
static void allreduce_inputs(const tb_params *p, const tb_shape *s, tb_model_inputs *m)
{
    const double bytes = (double)p->value[ALLREDUCE_P_BYTES], n = bytes / sizeof(double);
    if (s->model == TB_MODEL_SERIAL) tb_model_pe(m, 0.0, 2.0 * bytes); /* the copy */
    if (tb_model_has_team(s)) {
        /* openmp/team.c: an `omp for reduction` with one iteration per
         * thread: each thread adds its contribution into a private copy,
         * which the runtime then adds into the result, and zeroes its
         * slice of the next result. How the runtime combines is its own:
         * an estimate. */
        m->exact = 0;
        tb_model_pe(m, 2.0 * n, sizeof(double) * (5.0 * n + n / s->threads));
        m->reductions = 1;
        m->barriers = s->model == TB_MODEL_HYBRID ? 2 : 1;
    }
    if (tb_model_has_mpi(s)) tb_model_collective(m, TB_OP_ALLREDUCE, bytes, 1.0);
}

static const tb_model allreduce_model = {
    allreduce_inputs,
    {
        {"bytes 2 * bytes (the contribution copied into the result)", "none", "none", "none"},
        {"per thread: flops 2 * n (n = bytes / 8), bytes 8 * (5n + n / threads) (estimate)", "none",
         "none", "1 reduction, 1 barrier (the worksharing loop's)"},
        {"0 (the library's)", "none", "1 allreduce of `bytes`", "none"},
        {"as omp", "none", "1 allreduce of `bytes` (the master's, in place)",
         "1 reduction, 2 barriers (the loop's, after the master's allreduce)"},
    },
    "omp and hybrid: the flops and bytes of the team's reduction (how the OpenMP runtime "
    "combines the threads' copies is its own)",
};

tb_status allreduce_run(tb_run *run);

const tb_kernel allreduce_kernel = {
    .name = "allreduce",
    .summary = "sum of an array of doubles over every PE, to every PE, per size",
    .rate_unit = "us",
    .rate_scale = 1e-6,
    .rate_uses_bytes = TB_RATE_TIME,
    .params = allreduce_params,
    .nparams = (int)(sizeof allreduce_params / sizeof allreduce_params[0]),
    .size_param = ALLREDUCE_P_BYTES,
    .work = allreduce_work,
    .bytes_per_rank = allreduce_bytes_per_rank,
    .run = allreduce_run,
    .series = "bytes",
    .kind = TB_KIND_MICRO,
    .sweep_params = (const char *const[]){NULL},
    .model = &allreduce_model,
};

/* Small integers: every partial sum is exact in any order. */
static double contribution(int64_t i, int pe, int64_t batch)
{
    return (double)((pe + 1) * (i % 13 + 1) + batch % 4096);
}

void allreduce_fill(double *x, int64_t n, int pe, int64_t batch)
{
    for (int64_t i = 0; i < n; i++) x[i] = contribution(i, pe, batch);
}

void allreduce_spoil(double *result, int64_t n)
{
    for (int64_t i = 0; i < n; i++) result[i] = -1.0;
}

void allreduce_check(allreduce_tally *a, const double *result, int64_t n, int npes)
{
    const double pes_sum = 0.5 * npes * (npes + 1.0), shift = (double)npes * (a->batch % 4096);
    for (int64_t i = 0; i < n; i++) a->wrong += result[i] != pes_sum * (double)(i % 13 + 1) + shift;
    a->checked += (double)n;
    a->batch++;
}

void allreduce_verify(tb_run *run, const allreduce_tally *a, int64_t n)
{
    double v[2] = {a->wrong, a->checked};
    tb_comm_sum_doubles(v, 2);
    tb_run_verify(run, "result elements wrong, every batch", v[0], 0.0, 0.0);
    tb_run_verify(run, "result elements checked", v[1], (double)n * run->nranks * a->batch, 0.0);
}

typedef struct single_ctx {
    int64_t length, n;
    double *part, *result;
    int pe, npes;
    allreduce_tally tally;
    void (*reduce)(const double *part, double *result, int64_t n);
} single_ctx;

/* A fresh contribution and a spoiled result before the timed part, the
 * check after it. */
static double single_batch(void *arg, int64_t count)
{
    single_ctx *c = arg;
    allreduce_fill(c->part, c->n, c->pe, c->tally.batch);
    allreduce_spoil(c->result, c->n);
    double t0 = tb_now();
    for (int64_t k = 0; k < count; k++) {
        micro_delay(c->length);
        c->reduce(c->part, c->result, c->n);
    }
    double t = tb_now() - t0;
    allreduce_check(&c->tally, c->result, c->n, c->npes);
    return t;
}

tb_status allreduce_run_single(tb_run *run,
                               void (*reduce)(const double *part, double *result, int64_t n),
                               double *account)
{
    const int64_t n = allreduce_count(run);
    double *part = tb_alloc((size_t)n, sizeof(double)),
           *result = tb_alloc((size_t)n, sizeof(double));
    tb_status st = part && result ? TB_OK
                                  : tb_error_set(TB_ERUNTIME,
                                                 "out of memory for two arrays of "
                                                 "%lld doubles",
                                                 (long long)n);
    st = tb_comm_worst(st);
    if (st == TB_OK) {
        single_ctx c = {0, n, part, result, run->rank, run->nranks, {0, 0.0, 0.0}, reduce};
        micro_measure_delayed(run, single_batch, &c, run->params->value[ALLREDUCE_P_DELAY],
                              &c.length, micro_target(run, ALLREDUCE_P_TARGET), account);
        allreduce_verify(run, &c.tally, n);
    }
    tb_free(part);
    tb_free(result);
    return st;
}
