#include "barrier.h"

#include "micro.h"
#include "tb_comm.h"
#include "tb_timer.h"
#include "tb_model.h"

static const tb_param_def barrier_params[] = {
    MICRO_PARAM_DELAY,
    MICRO_PARAM_TARGET,
};

static tb_work barrier_work(const tb_params *p)
{
    (void)p;
    tb_work w = {0.0, 0.0, "0: the figure is the overhead of one barrier, in us", "0"};
    return w;
}

static double barrier_bytes_per_rank(const tb_params *p, int nranks, int nthreads)
{
    (void)p;
    (void)nranks;
    return 64.0 * nthreads;
}

/* ---- The performance model (common/tb_model.h) ---- */

/* One operation: one barrier (after the delay loop, whose time is
 * subtracted). */
static void barrier_inputs(const tb_params *p, const tb_shape *s, tb_model_inputs *m)
{
    (void)p;
    if (tb_model_has_mpi(s)) tb_model_collective(m, TB_OP_BARRIER, 0.0, 1.0);
    if (s->model == TB_MODEL_OMP) m->barriers = 1;
    if (s->model == TB_MODEL_HYBRID) m->barriers = 2; /* around the master's MPI_Barrier */
}

static const tb_model barrier_model = {
    barrier_inputs,
    {
        {"0 (a memory fence)", "none", "none", "none"},
        {"0", "none", "none", "1 barrier"},
        {"0", "none", "1 barrier", "none"},
        {"0", "none", "1 barrier (the master's)", "2 barriers (around the master's)"},
    },
    NULL,
};

tb_status barrier_run(tb_run *run);

const tb_kernel barrier_kernel = {
    .name = "barrier",
    .summary = "overhead of a barrier over every PE (EPCC method)",
    .rate_unit = "us",
    .rate_scale = 1e-6,
    .rate_uses_bytes = TB_RATE_TIME,
    .params = barrier_params,
    .nparams = (int)(sizeof barrier_params / sizeof barrier_params[0]),
    .size_param = BARRIER_P_DELAY,
    .work = barrier_work,
    .bytes_per_rank = barrier_bytes_per_rank,
    .run = barrier_run,
    .kind = TB_KIND_MICRO,
    .sweep_params = (const char *const[]){"delay", NULL},
    .model = &barrier_model,
};

typedef struct counted {
    double (*batch)(void *ctx, int64_t count);
    barrier_ctx *ctx;
} counted;

static double counted_batch(void *arg, int64_t count)
{
    counted *c = arg;
    c->ctx->ran += count;
    return c->batch(c->ctx, count);
}

tb_status barrier_measure(tb_run *run, double (*batch)(void *ctx, int64_t count), barrier_ctx *ctx,
                          double *account)
{
    counted c = {batch, ctx};
    micro_measure_delayed(run, counted_batch, &c, run->params->value[BARRIER_P_DELAY], &ctx->length,
                          micro_target(run, BARRIER_P_TARGET), account);
    double v[2] = {ctx->passed, (double)ctx->ran * run->nthreads};
    tb_comm_sum_doubles(v, 2);
    tb_run_verify(run, "barriers passed, all PEs", v[0], v[1], 0.0);
    return TB_OK;
}

static double single_batch(void *arg, int64_t count)
{
    barrier_ctx *c = arg;
    double t0 = tb_now();
    for (int64_t k = 0; k < count; k++) {
        micro_delay(c->length);
        c->barrier();
    }
    double t = tb_now() - t0;
    c->passed += (double)count;
    return t;
}

tb_status barrier_run_single(tb_run *run, void (*barrier)(void), double *account)
{
    barrier_ctx c = {.barrier = barrier};
    return barrier_measure(run, single_batch, &c, account);
}
