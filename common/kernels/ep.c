#include "ep.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "npb_random.h"
#include "tb_checkpoint.h"
#include "tb_comm.h"
#include "tb_error.h"
#include "tb_model.h"
#include "tb_split.h"

#define EP_SEED  271828183.0
#define EP_MIN_M EP_BATCH_LOG2
#define EP_MAX_M 40

/* The NPB classes. sx, sy and the number of accepted pairs are NPB 3.4.2's
 * verification values (EP/verify.f90). The counts by annulus are what the
 * NPB 3.4.2 reference EP prints for the class (its "Counts:" table, from
 * the binaries in /work/refs for S, W, A; B and C built from the same
 * sources with the same flags outside the repository; class A's are also
 * the table of RNR-94-007); NPB itself checks only their sum. None are
 * known to us for D and E, whose counts are then checked through their sum
 * only. */
typedef struct ep_class {
    const char *name;
    int m;
    double sx, sy, pairs;
    int has_counts;
    double q[EP_NQ];
} ep_class;

static const ep_class ep_classes[] = {
    {"S",
     24,
     1.051299420395306e+07,
     1.051517131857535e+07,
     13176389.0,
     1,
     {6140517, 5865300, 1100361, 68546, 1648, 17, 0, 0, 0, 0}},
    {"W",
     25,
     2.102505525182392e+07,
     2.103162209578822e+07,
     26354769.0,
     1,
     {12281576, 11729692, 2202726, 137368, 3371, 36, 0, 0, 0, 0}},
    {"A",
     28,
     1.682235632304711e+08,
     1.682195123368299e+08,
     210832767.0,
     1,
     {98257395, 93827014, 17611549, 1110028, 26536, 245, 0, 0, 0, 0}},
    {"B",
     30,
     6.728927543423024e+08,
     6.728951822504275e+08,
     843345606.0,
     1,
     {393058470, 375280898, 70460742, 4438852, 105691, 948, 5, 0, 0, 0}},
    {"C",
     32,
     2.691444083862931e+09,
     2.691519118724585e+09,
     3373275903.0,
     1,
     {1572172634, 1501108549, 281805648, 17761221, 424017, 3821, 13, 0, 0, 0}},
    {"D", 36, 4.306350280812112e+10, 4.306347571859157e+10, 53972171957.0, 0, {0}},
    {"E", 40, 6.890169663167274e+11, 6.890164670688535e+11, 863554308186.0, 0, {0}},
};
#define EP_NCLASSES ((int)(sizeof ep_classes / sizeof ep_classes[0]))

static const char *const ep_m_names[] = {"S=24", "W=25", "A=28", "B=30",
                                         "C=32", "D=36", "E=40", NULL};
static const char *const ep_class_choices[] = {"S", "W", "A", "B", "C", "D", "E", "none", NULL};
#define EP_CLASS_NONE EP_NCLASSES
static const char *const ep_schedules[] = {"static", "dynamic", NULL};

static const tb_param_def ep_params[] = {
    {"m", TB_PARAM_INT, 24, EP_MIN_M, EP_MAX_M, ep_m_names,
     "log2 of the number of pairs (2^m pairs, 2^(m+1) random numbers)"},
    {"class", TB_PARAM_CHOICE, 0, 0, 0, ep_class_choices,
     "NPB class: sets m (none: m is not a class)"},
    {"schedule", TB_PARAM_CHOICE, EP_STATIC, 0, 0, ep_schedules,
     "static: equal blocks of batches per PE; dynamic: chunks on demand (MPI: master-worker)"},
    {"chunk", TB_PARAM_INT, 4, 1, INT64_C(1) << 24, NULL,
     "batches of 2^16 pairs per task of the dynamic schedule"},
};

static const ep_class *class_of_m(int64_t m)
{
    for (int c = 0; c < EP_NCLASSES; c++)
        if (ep_classes[c].m == m) return &ep_classes[c];
    return NULL;
}

/* --class sets m; without it the class follows from m. */
static tb_status ep_resolve(tb_params *p)
{
    int64_t c = p->value[EP_P_CLASS];
    if (p->set[EP_P_CLASS] && c != EP_CLASS_NONE) {
        int64_t m = ep_classes[c].m;
        if (p->set[EP_P_M] && p->value[EP_P_M] != m)
            return tb_error_set(TB_EINPUT,
                                "--class %s means m = %lld, but m = %lld was given (--m or "
                                "--size): give one of them",
                                ep_classes[c].name, (long long)m, (long long)p->value[EP_P_M]);
        p->value[EP_P_M] = m;
        return TB_OK;
    }
    const ep_class *k = class_of_m(p->value[EP_P_M]);
    p->value[EP_P_CLASS] = k ? k - ep_classes : EP_CLASS_NONE;
    return TB_OK;
}

static tb_work ep_work(const tb_params *p)
{
    tb_work w = {
        ldexp(1.0, (int)p->value[EP_P_M] + 1),
        0.0,
        "2^(m+1) random numbers generated: NPB's operation count for EP (Mop/s), not "
        "floating-point operations",
        "0: no array traffic (each batch lives in registers)",
    };
    return w;
}

int64_t ep_nbatches(const tb_params *p) { return INT64_C(1) << (p->value[EP_P_M] - EP_BATCH_LOG2); }

int64_t ep_ntasks(const tb_params *p)
{
    int64_t chunk = p->value[EP_P_CHUNK];
    return (ep_nbatches(p) + chunk - 1) / chunk;
}

void ep_task_batches(const tb_params *p, int64_t task, int64_t *first, int64_t *count)
{
    int64_t chunk = p->value[EP_P_CHUNK], nb = ep_nbatches(p);
    *first = task * chunk;
    *count = *first + chunk <= nb ? chunk : nb - *first;
}

static double ep_bytes_per_rank(const tb_params *p, int nranks, int nthreads)
{
    (void)nranks;
    /* Per-thread results, and the master's one byte of state per task. */
    return 65536.0 + 256.0 * nthreads + (double)ep_ntasks(p);
}

int ep_needs_reference(const tb_params *p) { return class_of_m(p->value[EP_P_M]) == NULL; }

/* ---- The performance model (common/tb_model.h) ---- */

/* Requests a worker of mpi/task_farm.c keeps open (its TB_FARM_DEPTH). */
#define EP_FARM_DEPTH 2

static void ep_inputs(const tb_params *p, const tb_shape *s, tb_model_inputs *m)
{
    const int64_t nb = ep_nbatches(p);
    const double per_batch = ldexp(1.0, EP_BATCH_LOG2 + 1); /* NPB's count: 2 per pair */
    const int dynamic = p->value[EP_P_SCHEDULE] == EP_DYNAMIC;
    const int ranks = tb_model_has_mpi(s) ? s->ranks : 1;
    /* Dynamic schedules hand out batches on demand: an even share is
     * assumed (exact: false). */
    if (dynamic && (ranks > 1 || s->threads > 1)) m->exact = 0;
    for (int r = 0; r < ranks; r++) {
        int64_t r0, r1;
        tb_split(nb, ranks, r, &r0, &r1);
        for (int t = 0; t < s->threads; t++) {
            int64_t t0, t1;
            tb_split(r1 - r0, s->threads, t, &t0, &t1);
            tb_model_pe(m, per_batch * (double)(t1 - t0), 0.0);
        }
    }
    const double result = sizeof(ep_result);
    if (tb_model_has_mpi(s)) {
        tb_model_untimed(m, TB_OP_BARRIER, 0.0, 1.0); /* "start together", before the clock */
        if (!dynamic) {
            tb_model_collective(m, TB_OP_ALLREDUCE, EP_RESULT_DOUBLES * sizeof(double), 1.0);
        } else if (ranks > 1) {
            /* A worker: its open requests, then one result (task number
             * and partial result) per task; rank 0 answers with task
             * numbers and finally broadcasts the sum. */
            const double tasks = ceil((double)ep_ntasks(p) / ranks);
            tb_model_sends worker = {0};
            tb_model_send(&worker, 0.0, EP_FARM_DEPTH);
            tb_model_send(&worker, sizeof(int64_t) + result, tasks);
            tb_model_rank(m, &worker);
            tb_model_collective(m, TB_OP_BCAST, result, 1.0);
        }
    }
    if (s->model == TB_MODEL_OMP) {
        m->barriers = 2; /* the barrier, the single's */
        m->reductions = 1;
    }
    if (s->model == TB_MODEL_HYBRID && !dynamic) {
        m->barriers = 2; /* around the master's sum */
        m->reductions = 1;
    }
    if (s->model == TB_MODEL_HYBRID && dynamic) {
        /* Per task: a barrier after the master takes it, one after the
         * team computed it (then the master's sum); two to end. */
        const double tasks = ceil((double)ep_ntasks(p) / ranks);
        m->barriers = 2.0 * tasks + 2.0;
        m->reductions = tasks;
    }
}

static const tb_model ep_model = {
    ep_inputs,
    {
        {"flops 2^(m+1) (NPB's count of random numbers), bytes 0", "none", "none", "none"},
        {"flops 2^17 per batch of the thread's share of the 2^(m-16) batches, bytes 0", "none",
         "none", "2 barriers, 1 reduction (the single's sum of the threads' results)"},
        {"flops 2^17 per batch of the rank's tb_split share of the batches, bytes 0",
         "static: none; dynamic: a worker sends 2 requests of 0 bytes and one message of 8 + "
         "sizeof(ep_result) bytes per task (an even share of the tasks assumed)",
         "static: 1 allreduce of 8 * (3 + 10) bytes; dynamic: 1 bcast of the result; untimed: "
         "1 barrier before each iteration",
         "none"},
        {"flops 2^17 per batch of the thread's share of the rank's share, bytes 0",
         "as mpi (the master thread sends)", "as mpi (the master thread calls)",
         "static: 2 barriers, 1 reduction (the master's sum of the threads' results); "
         "dynamic: per task of the rank 2 barriers and 1 reduction, + 2 barriers"},
    },
    "dynamic schedule (--schedule dynamic): each PE's share of the batches and the task "
    "farm's messages assume an even share of the tasks",
};

/* The driver is the backend's: defined in serial/, openmp/, mpi/, hybrid/. */
tb_status ep_run(tb_run *run);

const tb_kernel ep_kernel = {
    .name = "ep",
    .summary = "NPB EP: 2^m Gaussian pairs from the NPB generator, sums and annulus counts",
    .rate_unit = "Mop/s",
    .rate_scale = 1e6,
    .rate_uses_bytes = 0,
    .params = ep_params,
    .nparams = (int)(sizeof ep_params / sizeof ep_params[0]),
    .size_param = EP_P_M,
    .check = NULL,
    .work = ep_work,
    .bytes_per_rank = ep_bytes_per_rank,
    .run = ep_run,
    .resolve = ep_resolve,
    .default_iters = 1,             /* NPB times one EP computation ... */
    .default_warmup = TB_NO_WARMUP, /* ... and runs none untimed */
    .weak = {TB_WEAK_LOG2, 1.0},    /* 2^m pairs: work ~ 2^m */
    .sweep_params = (const char *const[]){"schedule", "chunk", NULL},
    .ext = &tb_fault_extension,
    /* a pool of tasks: --inject-fault, --ft, --checkpoint */ .model = &ep_model,
};

tb_status ep_ckpt_open(tb_run *run, struct tb_ckpt **ck)
{
    char identity[TB_CKPT_IDENTITY_MAX];
    snprintf(identity, sizeof identity, "ep m=%lld chunk=%lld",
             (long long)run->params->value[EP_P_M], (long long)run->params->value[EP_P_CHUNK]);
    tb_ft_of(run)->log.tasks_total = ep_ntasks(run->params);
    return tb_ckpt_open(ck, &tb_ft_of(run)->opts, identity, ep_ntasks(run->params),
                        sizeof(ep_result));
}

tb_status ep_ckpt_close(tb_run *run, struct tb_ckpt *ck, const ep_result *r)
{
    tb_status st = tb_ckpt_finish(ck, r);
    tb_ft_of(run)->log.from_checkpoint = tb_ckpt_loaded(ck);
    tb_ft_of(run)->log.checkpoint_saves = tb_ckpt_saves(ck);
    tb_ckpt_close(ck);
    return st;
}

void ep_result_zero(ep_result *r) { memset(r, 0, sizeof *r); }

void ep_result_add(ep_result *into, const ep_result *from)
{
    into->sx += from->sx;
    into->sy += from->sy;
    for (int l = 0; l < EP_NQ; l++) into->q[l] += from->q[l];
    into->batches += from->batches;
}

void ep_result_combine_all(ep_result *r)
{
    double v[EP_RESULT_DOUBLES];
    v[0] = r->sx;
    v[1] = r->sy;
    memcpy(v + 2, r->q, sizeof r->q);
    v[2 + EP_NQ] = r->batches;
    tb_comm_sum_doubles(v, EP_RESULT_DOUBLES);
    r->sx = v[0];
    r->sy = v[1];
    memcpy(r->q, v + 2, sizeof r->q);
    r->batches = v[2 + EP_NQ];
}

/* ------------------------------------------------------------------------
 * The block compute. Four pairs at a time in 256-bit vectors (GCC/Clang
 * vector extensions: AVX2 here, SSE2 or scalar code elsewhere), in three
 * stages over blocks of 256 pairs kept in L1, so that each stage's loop has
 * a short chain of dependent operations and the core overlaps iterations:
 *  1. the generator runs as 16 interleaved streams in two chains: lane j of
 *     `xa` holds number 2j+1 of the current group of 8 and lane j of `xb`
 *     number 2j+2, so (xa, xb) are 4 pairs; (ya, yb) are the next 4; each
 *     step multiplies all by a^16;
 *  2. t = x^2 + y^2, the acceptance mask and f = sqrt(-2 ln t / t), the log
 *     computed in the vector (a series, below) instead of one call to the C
 *     library per pair, rejection a mask instead of a branch;
 *  3. X, Y, the sums, and the counts tallied as "max(X, Y) >= l" per lane
 *     (q[l] is the difference of two of those; l >= 6, about one pair in
 *     10^9, is counted one lane at a time).
 * Batches are contiguous in the stream, so a range of batches is one run of
 * the generator after a single skip-ahead. */

typedef double v4d __attribute__((vector_size(32)));
typedef int64_t v4i __attribute__((vector_size(32)));
typedef uint64_t v4u __attribute__((vector_size(32)));

static inline v4d as_v4d(v4i x)
{
    v4d d;
    memcpy(&d, &x, sizeof d);
    return d;
}

static inline v4i as_v4i(v4d x)
{
    v4i i;
    memcpy(&i, &x, sizeof i);
    return i;
}

/* 2 (x / 2^46) - 1 = (x - 2^45) / 2^45 for x < 2^46, exactly: 2^52 + x is
 * the double whose mantissa bits are x. */
static inline v4d centred_uniform(v4u x)
{
    v4d big = as_v4d((v4i)x | INT64_C(0x4330000000000000)); /* 2^52 + x */
    return big * 0x1p-45 - (0x1p7 + 1.0);                   /* one exact FMA */
}

/* Natural log of t, 0 < t <= 1 (normal numbers), within 2 ulp (1.74 ulp the
 * worst of 8e7 arguments against long double logl).
 * t = 2^e m with m in [sqrt(1/2), sqrt(2)); with f = m - 1 and
 * s = f / (2 + f), ln m = ln((1 + s)/(1 - s)) = 2 (s + s^3/3 + s^5/5 + ...)
 * (the series of atanh). |s| <= 0.1716, so s^2 <= 0.0295 and the terms up
 * to s^19/19 leave out less than 2^-54 of the value. ln 2 is split in a
 * high part whose product with e is exact and a low part. */
static inline v4d log_v4d(v4d t)
{
    v4i bits = as_v4i(t);
    v4d m = as_v4d((bits & INT64_C(0x000fffffffffffff)) | INT64_C(0x3ff0000000000000));
    v4i big = m > 1.4142135623730951; /* -1 in lanes where m >= sqrt(2): halve m */
    m = as_v4d(as_v4i(m) + (big & INT64_C(0x0010000000000000)) * -1);
    /* e = the biased exponent E - 1023 as a double, exactly: 2^52 + E - 2^52 - 1023 */
    v4d e = as_v4d((v4i)((v4u)bits >> 52) | INT64_C(0x4330000000000000)) - (0x1p52 + 1023.0);
    e += as_v4d(big & as_v4i((v4d){1.0, 1.0, 1.0, 1.0}));
    v4d f = m - 1.0;
    v4d s = f / (2.0 + f);
    v4d z = s * s, z2 = z * z, z4 = z2 * z2;
    v4d p01 = z * (1.0 / 5) + 1.0 / 3, p23 = z * (1.0 / 9) + 1.0 / 7;
    v4d p45 = z * (1.0 / 13) + 1.0 / 11, p67 = z * (1.0 / 17) + 1.0 / 15;
    v4d poly = (p01 + z2 * p23) + z4 * ((p45 + z2 * p67) + z4 * (1.0 / 19));
    const double ln2_hi = 0x1.62e42fee00000p-1;  /* ln 2 to 32 bits: e * ln2_hi is exact */
    const double ln2_lo = 0x1.a39ef35793c76p-33; /* ln 2 - ln2_hi */
    v4d two_s = s + s;
    return e * ln2_hi + ((two_s * z * poly + e * ln2_lo) + two_s);
}

/* Lane-wise sqrt; compiled to one vector instruction (ep.c is built with
 * -fno-math-errno, so sqrt need not set errno). */
static inline v4d sqrt_v4d(v4d x)
{
    v4d r;
    for (int i = 0; i < 4; i++) r[i] = __builtin_sqrt(x[i]);
    return r;
}

static inline double lane_sum(v4d v) { return (v[0] + v[1]) + (v[2] + v[3]); }

/* The rare annuli l >= 6 (a pair in about 10^8.5), counted one lane at a
 * time. max(X, Y) cannot exceed sqrt(-2 ln 2^-90) < 12 with this
 * generator; NPB assumes < 10, and so does the last annulus here. */
static void count_far(v4d mx, v4i ok, double q[EP_NQ])
{
    for (int i = 0; i < 4; i++)
        if (ok[i] && mx[i] >= 6.0) {
            int l = (int)mx[i];
            q[l < EP_NQ ? l : EP_NQ - 1] += 1.0;
        }
}

void ep_batches(int64_t first, int64_t count, ep_result *acc)
{
    if (count <= 0) return;
    /* The state before the first number of batch `first`. */
    uint64_t x = npb_mul((uint64_t)EP_SEED,
                         npb_pow(npb_pow(NPB_A, UINT64_C(2) << EP_BATCH_LOG2), (uint64_t)first));
    uint64_t ak = 1;
    v4u xa, xb;
    for (int j = 0; j < 4; j++) {
        ak = npb_mul(ak, NPB_A);
        xa[j] = npb_mul(x, ak); /* number 2j+1 */
        ak = npb_mul(ak, NPB_A);
        xb[j] = npb_mul(x, ak); /* number 2j+2 */
    }
    const uint64_t a8 = ak, a16 = npb_mul(a8, a8);
    v4u ya = (xa * a8) & NPB_MASK, yb = (xb * a8) & NPB_MASK; /* the next 8 numbers */
    const v4i abs_mask = {INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX};
    double far_q[EP_NQ] = {0};
    v4i c[6] = {{0}}; /* c[0]: accepted; c[l]: accepted with max >= l, l = 1..5 */

    enum { BLOCK = 64 }; /* steps of 4 pairs per stage */
    v4d bx1[BLOCK], bx2[BLOCK], bf[BLOCK];
    for (int64_t b = 0; b < count; b++) {
        v4d sx = {0, 0, 0, 0}, sy = {0, 0, 0, 0};
        for (int blk = 0; blk < (1 << EP_BATCH_LOG2); blk += 4 * BLOCK) {
            for (int i = 0; i < BLOCK; i += 2) { /* two chains of multiplications */
                bx1[i] = centred_uniform(xa);
                bx2[i] = centred_uniform(xb);
                bx1[i + 1] = centred_uniform(ya);
                bx2[i + 1] = centred_uniform(yb);
                xa = (xa * a16) & NPB_MASK;
                xb = (xb * a16) & NPB_MASK;
                ya = (ya * a16) & NPB_MASK;
                yb = (yb * a16) & NPB_MASK;
            }
            for (int i = 0; i < BLOCK; i++) {
                v4d t = bx1[i] * bx1[i] + bx2[i] * bx2[i];
                v4i ok = t <= 1.0;
                c[0] += ok;
                bf[i] = as_v4d(as_v4i(sqrt_v4d(log_v4d(t) * (-2.0 / t))) & ok);
            }
            for (int i = 0; i < BLOCK; i++) {
                v4d X = as_v4d(as_v4i(bx1[i] * bf[i]) & abs_mask);
                v4d Y = as_v4d(as_v4i(bx2[i] * bf[i]) & abs_mask);
                sx += X;
                sy += Y;
                v4i xbig = X > Y;
                v4d mx = as_v4d((xbig & as_v4i(X)) | (~xbig & as_v4i(Y)));
                c[1] += mx >= 1.0;
                c[2] += mx >= 2.0;
                c[3] += mx >= 3.0;
                c[4] += mx >= 4.0;
                v4i ge5 = mx >= 5.0;
                c[5] += ge5;
                if (__builtin_expect((ge5[0] | ge5[1] | ge5[2] | ge5[3]) != 0, 0))
                    count_far(mx, ge5, far_q);
            }
        }
        acc->sx += lane_sum(sx);
        acc->sy += lane_sum(sy);
    }
    /* Lanes count -1 per true comparison. ge[l] = pairs with max >= l. */
    double ge[7];
    for (int l = 0; l <= 5; l++) ge[l] = -(double)(c[l][0] + c[l][1] + c[l][2] + c[l][3]);
    ge[6] = 0.0;
    for (int l = 6; l < EP_NQ; l++) ge[6] += far_q[l];
    for (int l = 0; l < 5; l++) acc->q[l] += ge[l] - ge[l + 1];
    acc->q[5] += ge[5] - ge[6];
    for (int l = 6; l < EP_NQ; l++) acc->q[l] += far_q[l];
    acc->batches += (double)count;
}

/* ------------------------------------------------------------------------
 * The independent computation, as RNR-94-007 describes it. */

/* x = a x mod 2^46 in double precision: a and x split into 23-bit halves
 * so that every product is exact; returns x 2^-46. */
static double randlc_double(double *x, double a)
{
    const double t23 = 0x1p23, r23 = 0x1p-23, t46 = 0x1p46, r46 = 0x1p-46;
    double a1 = floor(r23 * a), a2 = a - t23 * a1;
    double x1 = floor(r23 * *x), x2 = *x - t23 * x1;
    double t1 = a1 * x2 + a2 * x1;
    double t2 = floor(r23 * t1);
    double z = t1 - t23 * t2;
    double t3 = t23 * z + a2 * x2;
    double t4 = floor(r46 * t3);
    *x = t3 - t46 * t4;
    return r46 * *x;
}

void ep_batches_reference(int64_t first, int64_t count, ep_result *acc)
{
    const double a = 1220703125.0;
    /* an = a^(2^17) by 17 squarings; seed = s an^first by binary powering. */
    double an = a;
    for (int i = 0; i <= EP_BATCH_LOG2; i++) randlc_double(&an, an);
    double x = EP_SEED, power = an;
    for (int64_t k = first; k > 0; k >>= 1) {
        if (k & 1) randlc_double(&x, power);
        randlc_double(&power, power);
    }
    for (int64_t b = 0; b < count; b++) {
        double sx = 0.0, sy = 0.0; /* per batch, then added up: less rounding */
        for (int i = 0; i < 1 << EP_BATCH_LOG2; i++) {
            double x1 = 2.0 * randlc_double(&x, a) - 1.0;
            double x2 = 2.0 * randlc_double(&x, a) - 1.0;
            double t = x1 * x1 + x2 * x2;
            if (t <= 1.0) {
                double f = sqrt(-2.0 * log(t) / t);
                double X = fabs(x1 * f), Y = fabs(x2 * f);
                int l = (int)fmax(X, Y);
                acc->q[l < EP_NQ ? l : EP_NQ - 1] += 1.0;
                sx += X;
                sy += Y;
            }
        }
        acc->sx += sx;
        acc->sy += sy;
    }
    acc->batches += (double)count;
}

/* ------------------------------------------------------------------------
 * Verification. */

static const char *const q_npb[EP_NQ] = {
    "q[0] vs NPB 3.4.2", "q[1] vs NPB 3.4.2", "q[2] vs NPB 3.4.2", "q[3] vs NPB 3.4.2",
    "q[4] vs NPB 3.4.2", "q[5] vs NPB 3.4.2", "q[6] vs NPB 3.4.2", "q[7] vs NPB 3.4.2",
    "q[8] vs NPB 3.4.2", "q[9] vs NPB 3.4.2"};
static const char *const q_rec[EP_NQ] = {"q[0] vs recomputation", "q[1] vs recomputation",
                                         "q[2] vs recomputation", "q[3] vs recomputation",
                                         "q[4] vs recomputation", "q[5] vs recomputation",
                                         "q[6] vs recomputation", "q[7] vs recomputation",
                                         "q[8] vs recomputation", "q[9] vs recomputation"};

void ep_verify(tb_run *run, const ep_result *r, const ep_result *reference)
{
    const tb_params *p = run->params;
    double pairs = 0.0;
    for (int l = 0; l < EP_NQ; l++) pairs += r->q[l];
    /* Every batch exactly once: a lost or repeated task shows here first. */
    tb_run_verify(run, "batches", r->batches, (double)ep_nbatches(p), 0.0);
    const ep_class *k = class_of_m(p->value[EP_P_M]);
    if (k) {
        const double tol = 1e-8; /* NPB's epsilon for EP */
        tb_run_verify(run, "sx vs NPB 3.4.2", r->sx, k->sx, tol);
        tb_run_verify(run, "sy vs NPB 3.4.2", r->sy, k->sy, tol);
        tb_run_verify(run, "accepted pairs vs NPB 3.4.2", pairs, k->pairs, tol);
        if (k->has_counts)
            for (int l = 0; l < EP_NQ; l++) tb_run_verify(run, q_npb[l], r->q[l], k->q[l], 0.0);
        return;
    }
    /* The same numbers, so the counts agree exactly and the sums but for
     * rounding (another log, another order of summation: about 1e-14 here,
     * at most 2e-9 in theory at m = 40). A single batch wrong or missing
     * would move a sum by at least 1/2^(m-16), 6e-8 at m = 40. */
    const double tol = 1e-9;
    double ref_pairs = 0.0;
    for (int l = 0; l < EP_NQ; l++) ref_pairs += reference->q[l];
    tb_run_verify(run, "sx vs recomputation", r->sx, reference->sx, tol);
    tb_run_verify(run, "sy vs recomputation", r->sy, reference->sy, tol);
    tb_run_verify(run, "accepted pairs vs recomputation", pairs, ref_pairs, 0.0);
    for (int l = 0; l < EP_NQ; l++) tb_run_verify(run, q_rec[l], r->q[l], reference->q[l], 0.0);
}
