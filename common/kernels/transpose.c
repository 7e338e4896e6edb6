#include "transpose.h"

#include <math.h>
#include <string.h>

#include "tb_comm.h"
#include "tb_error.h"
#include "tb_split.h"
#include "tb_model.h"

#define MICRO 4 /* register block: 4 x 4 doubles */

static const tb_param_def transpose_params[] = {
    {"n", TB_PARAM_INT, 4000, 1, 1000000, NULL, "matrix order (n x n matrices A and B)"},
    {"tile", TB_PARAM_INT, 64, 1, 1000000, NULL,
     "cache tile side in elements (larger than n: one tile, i.e. untiled)"},
};

static tb_status transpose_check(const tb_params *p, int nranks)
{
    int64_t n = p->value[TRANSPOSE_P_N];
    if (n < nranks)
        return tb_error_set(TB_EINPUT,
                            "--size %lld over %d ranks leaves ranks without a row "
                            "block: n must be at least the number of ranks",
                            (long long)n, nranks);
    return TB_OK;
}

static tb_work transpose_work(const tb_params *p)
{
    double n = (double)p->value[TRANSPOSE_P_N];
    tb_work w = {
        2.0 * n * n,
        2.0 * sizeof(double) * n * n,
        "2 * n^2 (B += A^T and A += 1: one add each per element)",
        "2 * 8 * n^2: A read and B written once per element, as the Parallel Research Kernels "
        "count it (the compulsory traffic is 4 * 8 * n^2: A and B are each read and written)",
    };
    return w;
}

static double transpose_bytes_per_rank(const tb_params *p, int nranks, int nthreads)
{
    (void)nthreads;
    double n = (double)p->value[TRANSPOSE_P_N];
    double rows = ceil(n / nranks);
    /* A and B row blocks; with more than one rank, send and receive buffers too. */
    return (nranks > 1 ? 4.0 : 2.0) * sizeof(double) * rows * n;
}

/* ---- The performance model (common/tb_model.h) ---- */

/* One PE of a rank owning rows [r0, r1) of n, thread t of `threads`
 * (mpi/transpose_dist.c: each step split by transpose_band). Flops: 2 per
 * destination element (add and A += 1), split between packing and
 * unpacking for the blocks that travel; bytes: 16 per element (A read, B
 * written), 16 more per element that travels (its buffers). */
static void transpose_pe(tb_model_inputs *m, int64_t n, int ranks, int64_t r0, int64_t r1, int t,
                         int threads)
{
    const int64_t rows = r1 - r0;
    int64_t b0, b1;
    transpose_band(rows, t, threads, &b0, &b1);
    double local = (double)(b1 - b0) * (double)rows, packed = 0.0;
    const double unpacked = (double)(b1 - b0) * (double)(n - rows);
    for (int q = 0; q < ranks; q++) {
        int64_t q0, q1, p0, p1;
        tb_split(n, ranks, q, &q0, &q1);
        if (q0 == r0) continue;
        transpose_band(q1 - q0, t, threads, &p0, &p1);
        packed += (double)(p1 - p0) * (double)rows;
    }
    tb_model_pe(m, 2.0 * local + packed + unpacked,
                2.0 * sizeof(double) * (local + packed + unpacked));
}

static void transpose_inputs(const tb_params *p, const tb_shape *s, tb_model_inputs *m)
{
    const int64_t n = p->value[TRANSPOSE_P_N];
    const int ranks = tb_model_has_mpi(s) ? s->ranks : 1;
    for (int r = 0; r < ranks; r++) {
        int64_t r0, r1;
        tb_split(n, ranks, r, &r0, &r1);
        tb_model_sends sends = {0};
        for (int q = 0; q < ranks; q++) {
            int64_t q0, q1;
            tb_split(n, ranks, q, &q0, &q1);
            if (q != r) tb_model_send(&sends, sizeof(double) * (double)(q1 - q0) * (r1 - r0), 1.0);
        }
        tb_model_rank(m, &sends);
        for (int t = 0; t < s->threads; t++) transpose_pe(m, n, ranks, r0, r1, t, s->threads);
    }
    if (s->model == TB_MODEL_OMP) m->barriers = 1;
    if (s->model == TB_MODEL_HYBRID) m->barriers = ranks > 1 ? 3 : 1;
}

static const tb_model transpose_model = {
    transpose_inputs,
    {
        {"flops 2 * n^2, bytes 2 * 8 * n^2", "none", "none", "none"},
        {"flops 2 * n, bytes 2 * 8 * n per row of the thread's band (transpose_band)", "none",
         "none", "1 barrier (closing the iteration)"},
        {"flops 2, bytes 16 per element of the rank's rows (tb_split of n), + 16 bytes per "
         "element exchanged (packing, unpacking)",
         "to every other rank q: one message of 8 * rows(q) * rows(me) bytes", "none", "none"},
        {"as mpi, each step (pack, local transpose, unpack) split over the threads by "
         "transpose_band",
         "as mpi (the master thread sends)", "none",
         "3 barriers (after packing, after the exchange, closing the iteration); one rank: 1"},
    },
    NULL,
};

/* The driver is the backend's: defined in serial/, openmp/, mpi/, hybrid/. */
tb_status transpose_run(tb_run *run);

const tb_kernel transpose_kernel = {
    .name = "transpose",
    .summary = "B += A^T; A += 1 on n x n matrices, cache-tiled; GB/s counting 2*8*n^2 bytes "
               "per iteration (PRK)",
    .rate_unit = "GB/s",
    .rate_scale = 1e9,
    .rate_uses_bytes = 1,
    .params = transpose_params,
    .nparams = (int)(sizeof transpose_params / sizeof transpose_params[0]),
    .size_param = TRANSPOSE_P_N,
    .check = transpose_check,
    .work = transpose_work,
    .bytes_per_rank = transpose_bytes_per_rank,
    .run = transpose_run,
    .weak = {TB_WEAK_POWER, 0.5}, /* n x n matrices: work ~ n^2 */
    .memory_bound = 1,
    .sweep_params = (const char *const[]){"tile", NULL},
    .model = &transpose_model,
};

void transpose_init(double *a, double *b, int64_t ld, int64_t rows, int64_t cols, int64_t n,
                    int64_t gi, int64_t gj)
{
    for (int64_t i = 0; i < rows; i++)
        for (int64_t j = 0; j < cols; j++) {
            a[i * ld + j] = (double)((gi + i) * n + gj + j);
            b[i * ld + j] = 0.0;
        }
}

void transpose_band(int64_t rows, int part, int parts, int64_t *begin, int64_t *end)
{
    int64_t blocks = (rows + MICRO - 1) / MICRO, b0, b1;
    tb_split(blocks, parts, part, &b0, &b1);
    *begin = b0 * MICRO < rows ? b0 * MICRO : rows;
    *end = b1 * MICRO < rows ? b1 * MICRO : rows;
}

/* GCC vector extensions: four doubles, whatever the target's vector width. */
typedef double v4d __attribute__((vector_size(4 * sizeof(double))));
#if defined(__clang__) || __GNUC__ >= 12
#define SHUFFLE(a, b, i, j, k, l) __builtin_shufflevector(a, b, i, j, k, l)
#else
typedef long long v4i __attribute__((vector_size(4 * sizeof(long long))));
#define SHUFFLE(a, b, i, j, k, l) __builtin_shuffle(a, b, (v4i){i, j, k, l})
#endif

static inline v4d load4(const double *p)
{
    v4d v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void store4(double *p, v4d v) { memcpy(p, &v, sizeof v); }

/* One 4x4 register block: d(i,j) (+)= s(j,i); s += 1. */
static inline __attribute__((always_inline)) void
micro(double *restrict s, int64_t lds, double *restrict d, int64_t ldd, const int accumulate)
{
    const v4d one = {1.0, 1.0, 1.0, 1.0};
    v4d r0 = load4(s), r1 = load4(s + lds), r2 = load4(s + 2 * lds), r3 = load4(s + 3 * lds);
    store4(s, r0 + one);
    store4(s + lds, r1 + one);
    store4(s + 2 * lds, r2 + one);
    store4(s + 3 * lds, r3 + one);
    v4d t0 = SHUFFLE(r0, r1, 0, 4, 2, 6), t1 = SHUFFLE(r0, r1, 1, 5, 3, 7);
    v4d t2 = SHUFFLE(r2, r3, 0, 4, 2, 6), t3 = SHUFFLE(r2, r3, 1, 5, 3, 7);
    v4d c[4] = {SHUFFLE(t0, t2, 0, 1, 4, 5), SHUFFLE(t1, t3, 0, 1, 4, 5),
                SHUFFLE(t0, t2, 2, 3, 6, 7), SHUFFLE(t1, t3, 2, 3, 6, 7)};
    for (int i = 0; i < MICRO; i++)
        store4(d + i * ldd, accumulate ? load4(d + i * ldd) + c[i] : c[i]);
}

static inline __attribute__((always_inline)) void scalar(double *restrict src, int64_t lds,
                                                         double *restrict dst, int64_t ldd,
                                                         int64_t i, int64_t j, const int accumulate)
{
    double v = src[j * lds + i];
    dst[i * ldd + j] = accumulate ? dst[i * ldd + j] + v : v;
    src[j * lds + i] = v + 1.0;
}

static inline __attribute__((always_inline)) void tiled(double *restrict src, int64_t lds,
                                                        double *restrict dst, int64_t ldd,
                                                        int64_t i0, int64_t i1, int64_t cols,
                                                        int64_t tile, const int accumulate)
{
    for (int64_t ib = i0; ib < i1; ib += tile) {
        const int64_t ie = ib + tile < i1 ? ib + tile : i1;
        const int64_t im = ib + (ie - ib) / MICRO * MICRO; /* rows in whole register blocks */
        for (int64_t jb = 0; jb < cols; jb += tile) {
            const int64_t je = jb + tile < cols ? jb + tile : cols;
            const int64_t jm = jb + (je - jb) / MICRO * MICRO;
            for (int64_t i = ib; i < im; i += MICRO) {
                for (int64_t j = jb; j < jm; j += MICRO)
                    micro(src + j * lds + i, lds, dst + i * ldd + j, ldd, accumulate);
                for (int64_t ii = i; ii < i + MICRO; ii++)
                    for (int64_t j = jm; j < je; j++) scalar(src, lds, dst, ldd, ii, j, accumulate);
            }
            for (int64_t i = im; i < ie; i++)
                for (int64_t j = jb; j < je; j++) scalar(src, lds, dst, ldd, i, j, accumulate);
        }
    }
}

void transpose_block(double *src, int64_t lds, double *dst, int64_t ldd, int64_t i0, int64_t i1,
                     int64_t cols, int64_t tile, int accumulate)
{
    if (accumulate)
        tiled(src, lds, dst, ldd, i0, i1, cols, tile, 1);
    else
        tiled(src, lds, dst, ldd, i0, i1, cols, tile, 0);
}

void transpose_add(double *dst, int64_t ldd, const double *src, int64_t lds, int64_t i0, int64_t i1,
                   int64_t cols)
{
    for (int64_t i = i0; i < i1; i++) {
        double *restrict d = dst + i * ldd;
        const double *restrict s = src + i * lds;
        for (int64_t j = 0; j < cols; j++) d[j] += s[j];
    }
}

void transpose_accumulate(const double *b, int64_t ld, int64_t i0, int64_t i1, int64_t cols,
                          int64_t gi, int64_t gj, int64_t n, int64_t iterations, double acc[2])
{
    const double k = (double)iterations, shift = k * (k - 1.0) / 2.0;
    double sum = 0.0, worst = acc[1];
    for (int64_t i = i0; i < i1; i++)
        for (int64_t j = 0; j < cols; j++) {
            double v = b[i * ld + j];
            double exact = k * (double)((gj + j) * n + gi + i) + shift;
            double err = fabs(v - exact);
            sum += v;
            worst = err > worst || isnan(err) ? err : worst;
        }
    acc[0] += sum;
    acc[1] = worst;
}

void transpose_acc_merge(double into[2], const double from[2])
{
    into[0] += from[0];
    if (from[1] > into[1] || isnan(from[1])) into[1] = from[1];
}

void transpose_verify(tb_run *run, double acc[2], int64_t iterations)
{
    tb_comm_sum_doubles(&acc[0], 1);
    tb_comm_max_doubles(&acc[1], 1);
    const double n = (double)run->params->value[TRANSPOSE_P_N], k = (double)iterations;
    const double n2 = n * n;
    /* B(i,j) - K(K-1)/2 runs over K * {0, ..., n^2 - 1}. */
    const double mean = k * (n2 - 1.0) / 2.0 + k * (k - 1.0) / 2.0;
    const double largest = k * (n2 - 1.0) + k * (k - 1.0) / 2.0;
    tb_run_verify(run, "mean B", acc[0] / n2, mean, 1e-12);
    tb_run_verify(run, "max |B - exact| / max |exact|", largest > 0 ? acc[1] / largest : acc[1],
                  0.0, 1e-12);
    run->max_abs_error = acc[1];
}
