#include "allreduce.h"

#include "micro.h"
#include "tb_comm.h"
#include "tb_error.h"
#include "tb_mem.h"
#include "tb_timer.h"

static const tb_param_def allreduce_params[] = {
    {"bytes", TB_PARAM_INT, 8, 8, 1048576, NULL, "bytes reduced (a power of two; 8 = one double)"},
    MICRO_PARAM_DELAY,
    MICRO_PARAM_TARGET,
};

static tb_work allreduce_work(const tb_params *p)
{
    tb_work w = {0.0, (double)p->value[ALLREDUCE_P_BYTES], "0 (the rate counts bytes)",
                 "the array size: the rate is bytes / time per allreduce"};
    return w;
}

static double allreduce_bytes_per_rank(const tb_params *p, int nranks, int nthreads)
{
    (void)nranks;
    return (double)p->value[ALLREDUCE_P_BYTES] * (nthreads + 2.0);
}

tb_status allreduce_run(tb_run *run);

const tb_kernel allreduce_kernel = {
    .name = "allreduce",
    .summary = "sum of an array of doubles over every PE, to every PE, per size",
    .rate_unit = "MB/s",
    .rate_scale = 1e6,
    .rate_uses_bytes = 1,
    .params = allreduce_params,
    .nparams = (int)(sizeof allreduce_params / sizeof allreduce_params[0]),
    .size_param = ALLREDUCE_P_BYTES,
    .work = allreduce_work,
    .bytes_per_rank = allreduce_bytes_per_rank,
    .run = allreduce_run,
    .series = "bytes",
    .kind = TB_KIND_MICRO,
    .sweep_params = (const char *const[]){NULL},
};

/* Small integers: every partial sum is exact in any order. */
static double contribution(int64_t i, int pe) { return (double)((pe + 1) * (i % 13 + 1)); }

void allreduce_fill(double *x, int64_t n, int pe)
{
    for (int64_t i = 0; i < n; i++) x[i] = contribution(i, pe);
}

void allreduce_sum(double *result, const double *const *parts, int nparts, int64_t i0,
                   int64_t i1)
{
    const double *a = parts[0], *b = nparts > 1 ? parts[1] : NULL;
    for (int64_t i = i0; i < i1; i++) result[i] = b ? a[i] + b[i] : a[i];
    for (int p = 2; p < nparts; p++)
        for (int64_t i = i0; i < i1; i++) result[i] += parts[p][i];
}

void allreduce_spoil(double *result, int64_t n)
{
    for (int64_t i = 0; i < n; i++) result[i] = -1.0;
}

void allreduce_verify(tb_run *run, const double *result, int64_t n, int npes)
{
    double v[2] = {0.0, (double)n};
    const double pes_sum = 0.5 * npes * (npes + 1.0);
    for (int64_t i = 0; i < n; i++) v[0] += result[i] != pes_sum * (double)(i % 13 + 1);
    tb_comm_sum_doubles(v, 2);
    tb_run_verify(run, "result elements wrong", v[0], 0.0, 0.0);
    tb_run_verify(run, "result elements checked", v[1], (double)n * run->nranks, 0.0);
}

typedef struct single_ctx {
    int64_t length, n;
    const double *part;
    double *result;
    void (*reduce)(const double *part, double *result, int64_t n);
} single_ctx;

static double single_batch(void *arg, int64_t count)
{
    const single_ctx *c = arg;
    double t0 = tb_now();
    for (int64_t k = 0; k < count; k++) {
        micro_delay(c->length);
        c->reduce(c->part, c->result, c->n);
    }
    return tb_now() - t0;
}

tb_status allreduce_run_single(tb_run *run, void (*reduce)(const double *part, double *result,
                                                           int64_t n), double *account)
{
    const int64_t n = allreduce_count(run);
    double *part = tb_alloc((size_t)n, sizeof(double)), *result = tb_alloc((size_t)n, sizeof(double));
    tb_status st = part && result ? TB_OK
                                  : tb_error_set(TB_ERUNTIME, "out of memory for two arrays of "
                                                 "%lld doubles", (long long)n);
    st = tb_comm_worst(st);
    if (st == TB_OK) {
        allreduce_fill(part, n, run->rank);
        allreduce_spoil(result, n);
        single_ctx c = {0, n, part, result, reduce};
        micro_measure_delayed(run, single_batch, &c, run->params->value[ALLREDUCE_P_DELAY],
                              &c.length, micro_target(run, ALLREDUCE_P_TARGET), account);
        allreduce_verify(run, result, n, run->nranks);
    }
    tb_free(part); tb_free(result);
    return st;
}
