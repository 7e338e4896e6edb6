#include "peak.h"

#include <math.h>

#include "tb_comm.h"
#include "tb_error.h"
#include "tb_mem.h"
#include "tb_split.h"
#include "tb_timer.h"
#include "tb_model.h"

/* The vector form this build can run, chosen by the compiler's target
 * (-march=native by default). Chains: enough independent FMAs in flight to
 * cover latency x throughput (4-5 cycles x 2 per cycle on current x86
 * cores), and few enough that they, a and b stay in registers (32 zmm with
 * AVX-512, 16 ymm with AVX2). The intrinsics make the FMA explicit, so it
 * does not depend on the compiler contracting a*x + b. */
#if defined(__AVX512F__)
#include <immintrin.h>
typedef __m512d peak_vec;
#define PEAK_WIDTH        8
#define PEAK_CHAINS       16
#define PEAK_SET1(v)      _mm512_set1_pd(v)
#define PEAK_LOAD(p)      _mm512_load_pd(p)
#define PEAK_STORE(p, x)  _mm512_store_pd((p), (x))
#define PEAK_FMA(x, a, b) _mm512_fmadd_pd((x), (a), (b))
#define PEAK_FORM         "vfmadd on zmm registers (AVX-512): 16 chains of 8 doubles"
#elif defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
typedef __m256d peak_vec;
#define PEAK_WIDTH        4
#define PEAK_CHAINS       12
#define PEAK_SET1(v)      _mm256_set1_pd(v)
#define PEAK_LOAD(p)      _mm256_load_pd(p)
#define PEAK_STORE(p, x)  _mm256_store_pd((p), (x))
#define PEAK_FMA(x, a, b) _mm256_fmadd_pd((x), (a), (b))
#define PEAK_FORM         "vfmadd on ymm registers (AVX2 + FMA): 12 chains of 4 doubles"
#else
/* A portable build: 16-byte vectors (SSE2 on x86-64, NEON on AArch64), as
 * a multiply and an add unless the target has FMA and the compiler fuses. */
typedef double peak_vec __attribute__((vector_size(16)));
#define PEAK_WIDTH        2
#define PEAK_CHAINS       12
#define PEAK_SET1(v)      ((peak_vec){(v), (v)})
#define PEAK_LOAD(p)      (*(const peak_vec *)(p))
#define PEAK_STORE(p, x)  (*(peak_vec *)(p) = (x))
#define PEAK_FMA(x, a, b) ((x) * (a) + (b))
#define PEAK_FORM         "a*x + b on 16-byte vectors (no FMA target): 12 chains of 2 doubles"
#endif

/* One thread's lanes: whole cache lines (128, 48 or 24 doubles). */
#define PEAK_LANES (PEAK_WIDTH * PEAK_CHAINS)

/* a and b come from memory at run time, so the compiler can neither fold
 * the chains nor replace them by their closed form. */
static volatile double peak_a = 1.0, peak_b = 1.0;

static const tb_param_def peak_params[] = {
    {"n", TB_PARAM_INT, INT64_C(1) << 28, 1, INT64_C(1) << 40, NULL,
     "FMAs per iteration, all PEs together (x = a*x + b on one double each)"},
};

static tb_status peak_check(const tb_params *p, int nranks)
{
    int64_t n = p->value[PEAK_P_N];
    if (n < nranks)
        return tb_error_set(TB_EINPUT,
                            "--size %lld is smaller than the %d ranks: every rank "
                            "needs at least one FMA",
                            (long long)n, nranks);
    return TB_OK;
}

static tb_work peak_work(const tb_params *p)
{
    tb_work w = {
        2.0 * (double)p->value[PEAK_P_N],
        0.0,
        "2 * n: one FMA (a multiply and an add) per lane update; this build: " PEAK_FORM,
        "0: each thread loads and stores its lanes once per iteration, nothing is streamed",
    };
    return w;
}

static double peak_bytes_per_rank(const tb_params *p, int nranks, int nthreads)
{
    (void)p;
    (void)nranks;
    return (double)nthreads * (PEAK_LANES * sizeof(double) + TB_ALIGN) + 2.0 * TB_ALIGN;
}

/* ---- The performance model (common/tb_model.h) ---- */

static void peak_inputs(const tb_params *p, const tb_shape *s, tb_model_inputs *m)
{
    const int64_t n = p->value[PEAK_P_N];
    const int ranks = tb_model_has_mpi(s) ? s->ranks : 1;
    for (int r = 0; r < ranks; r++) {
        int64_t r0, r1;
        tb_split(n, ranks, r, &r0, &r1);
        for (int t = 0; t < s->threads; t++) {
            int64_t t0, t1;
            tb_split(r1 - r0, s->threads, t, &t0, &t1);
            tb_model_pe(m, 2.0 * (double)(t1 - t0), 0.0);
        }
    }
    if (tb_model_has_mpi(s)) tb_model_collective(m, TB_OP_BARRIER, 0.0, 1.0);
    if (tb_model_has_team(s)) m->barriers = 3;
}

static const tb_model peak_model = {
    peak_inputs,
    {
        {"flops 2 * n, bytes 0", "none", "none", "none"},
        {"flops 2 per FMA of the thread's tb_split share of n, bytes 0", "none", "none",
         "3 barriers (tb_team_batch: two explicit, the parallel region's end)"},
        {"flops 2 per FMA of the rank's tb_split share of n, bytes 0", "none",
         "1 barrier (closing the iteration)", "none"},
        {"flops 2 per FMA of the thread's share of the rank's share of n, bytes 0", "none",
         "1 barrier (the master's, between parallel regions)",
         "3 barriers (tb_team_batch: two explicit, the parallel region's end)"},
    },
    NULL,
};

/* The driver is the backend's: defined in serial/, openmp/, mpi/, hybrid/. */
tb_status peak_run(tb_run *run);

const tb_kernel peak_kernel = {
    .name = "peak",
    .summary = "FMA-throughput probe: n updates x = a*x + b per iteration in independent "
               "chains held in vector registers; GFLOP/s counting 2 flops per FMA",
    .rate_unit = "GFLOP/s",
    .rate_scale = 1e9,
    .rate_uses_bytes = 0,
    .params = peak_params,
    .nparams = (int)(sizeof peak_params / sizeof peak_params[0]),
    .size_param = PEAK_P_N,
    .check = peak_check,
    .work = peak_work,
    .bytes_per_rank = peak_bytes_per_rank,
    .run = peak_run,
    .kind = TB_KIND_PROBE, /* calibration: the roofline's compute ceiling */
    /* n grows with the PEs, so each PE keeps its FMA count: ideal weak
     * scaling is a flat time (what falls off is the clock of busier cores). */
    .weak = {TB_WEAK_POWER, 1.0},
    .sweep_params = (const char *const[]){NULL},
    .model = &peak_model,
};

/* `fmas` updates of lanes[0 .. PEAK_LANES): whole rounds (one FMA on every
 * lane) in registers, then the remainder on the first lanes. */
static void peak_block(double *lanes, int64_t fmas, double a, double b)
{
    const int64_t rounds = fmas / PEAK_LANES;
    const int rest = (int)(fmas % PEAK_LANES);
    const peak_vec va = PEAK_SET1(a), vb = PEAK_SET1(b);
    peak_vec x[PEAK_CHAINS];
    for (int c = 0; c < PEAK_CHAINS; c++) x[c] = PEAK_LOAD(lanes + c * PEAK_WIDTH);
    for (int64_t r = 0; r < rounds; r++) {
#pragma GCC unroll 16
        for (int c = 0; c < PEAK_CHAINS; c++) x[c] = PEAK_FMA(x[c], va, vb);
    }
    for (int c = 0; c < PEAK_CHAINS; c++) PEAK_STORE(lanes + c * PEAK_WIDTH, x[c]);
    for (int j = 0; j < rest; j++) lanes[j] = a * lanes[j] + b;
}

/* A thread's compute seconds on a cache line of its own. */
typedef struct peak_slot {
    double compute;
    char pad[TB_ALIGN - sizeof(double)];
} __attribute__((aligned(TB_ALIGN))) peak_slot;

typedef struct peak_ctx {
    double *lanes;   /* PEAK_LANES per thread */
    peak_slot *slot; /* per thread */
    int timed;       /* the current iteration is a timed one */
} peak_ctx;

/* Thread t's share (tb_split of the process's count) of one iteration. */
static void peak_share(void *arg, int t, int nthreads, int64_t count)
{
    peak_ctx *c = arg;
    int64_t begin, end;
    tb_split(count, nthreads, t, &begin, &end);
    double t0 = tb_now();
    peak_block(c->lanes + (size_t)t * PEAK_LANES, end - begin, peak_a, peak_b);
    if (c->timed) c->slot[t].compute += tb_now() - t0;
}

double peak_alone(int nthreads, peak_body body, void *ctx, int64_t count)
{
    (void)nthreads;
    double t0 = tb_now();
    body(ctx, 0, 1, count);
    return tb_now() - t0;
}

/* Lane j of every thread starts at j and gains exactly one per FMA (a = b =
 * 1): compare each lane with its start plus the FMAs its thread's share
 * gave it over `iterations`, and all lanes' gains with n per iteration. */
static void peak_verify(tb_run *run, const peak_ctx *c, int64_t count, int64_t iterations)
{
    long done = 0;
    double worst = 0.0;
    for (int t = 0; t < run->nthreads; t++) {
        int64_t begin, end;
        tb_split(count, run->nthreads, t, &begin, &end);
        const int64_t rounds = (end - begin) / PEAK_LANES, rest = (end - begin) % PEAK_LANES;
        for (int j = 0; j < PEAK_LANES; j++) {
            const double x = c->lanes[(size_t)t * PEAK_LANES + j], gain = x - j;
            const double expected = (double)(iterations * (rounds + (j < rest)));
            const double err = fabs(gain - expected);
            if (!(err <= worst)) worst = err; /* NaN counts as the worst */
            if (gain >= 0.0 && gain < 0x1p53) done += (long)gain;
        }
    }
    tb_comm_sum_longs(&done, 1);
    tb_comm_max_doubles(&worst, 1);
    const double n = (double)run->params->value[PEAK_P_N];
    tb_run_verify(run, "FMAs counted by all lanes", (double)done, n * (double)iterations, 0.0);
    tb_run_verify(run, "largest lane error", worst, 0.0, 0.0);
    run->max_abs_error = worst;
}

tb_status peak_run_process(tb_run *run, int64_t count, peak_team team)
{
    const int nthreads = run->nthreads;
    peak_ctx c = {tb_alloc((size_t)nthreads * PEAK_LANES, sizeof(double)),
                  tb_alloc((size_t)nthreads, sizeof(peak_slot)), 0};
    tb_status st = c.lanes && c.slot
                       ? TB_OK
                       : tb_error_set(TB_ERUNTIME, "out of memory for %d threads' lanes", nthreads);
    st = tb_comm_worst(st);
    if (st == TB_OK) {
        for (int t = 0; t < nthreads; t++) {
            c.slot[t].compute = 0.0;
            for (int j = 0; j < PEAK_LANES; j++) c.lanes[(size_t)t * PEAK_LANES + j] = j;
        }
        tb_comm_barrier();
        double total = 0.0;
        for (int it = 0; it < run->warmup + run->iters; it++) {
            c.timed = it >= run->warmup;
            double t0 = tb_now();
            team(nthreads, peak_share, &c, count);
            tb_comm_barrier();
            double t1 = tb_now();
            if (tb_run_record(run, it, t1 - t0)) total += t1 - t0;
        }
        /* compute: the mean thread's FMAs; sync: the rest of the iteration
         * (waiting for the slowest thread and rank, forking the team). */
        double compute = 0.0;
        for (int t = 0; t < nthreads; t++) compute += c.slot[t].compute / nthreads;
        run->breakdown.compute += compute;
        run->breakdown.sync += total > compute ? total - compute : 0.0;
        peak_verify(run, &c, count, run->warmup + run->iters);
    }
    tb_free(c.lanes);
    tb_free(c.slot);
    return st;
}
