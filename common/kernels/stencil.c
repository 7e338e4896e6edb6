#include "stencil.h"

#include <math.h>
#include <stdio.h>

#include "tb_comm.h"
#include "tb_error.h"
#include "tb_model.h"
#include "tb_split.h"

static const tb_param_def stencil_params[] = {
    {"n", TB_PARAM_INT, 1000, 1, 1000000000, NULL, "grid points per side (n x n grid)"},
    {"radius", TB_PARAM_INT, 2, 1, STENCIL_MAX_RADIUS, NULL,
     "stencil radius R (star of 4R+1 points)"},
};

static tb_status stencil_check(const tb_params *p, int nranks)
{
    (void)nranks; /* the decomposition is checked by the distributed drivers */
    int64_t n = p->value[STENCIL_P_N], r = p->value[STENCIL_P_RADIUS];
    if (n <= 2 * r)
        return tb_error_set(TB_EINPUT,
                            "--size %lld is too small for radius %lld: n must exceed "
                            "2*radius = %lld",
                            (long long)n, (long long)r, (long long)(2 * r));
    return TB_OK;
}

static tb_work stencil_work(const tb_params *p)
{
    double n = (double)p->value[STENCIL_P_N], r = (double)p->value[STENCIL_P_RADIUS];
    double active = (n - 2 * r) * (n - 2 * r);
    tb_work w = {
        (2.0 * (4.0 * r + 1.0) + 1.0) * active,
        (3.0 * active + 2.0 * n * n) * sizeof(double),
        "(2*(4R+1)+1) * (n-2R)^2, as the Parallel Research Kernels count it",
        "8 * (3*(n-2R)^2 + 2*n^2): out read and written and in read once per interior point, "
        "in read and written once by the increment (compulsory traffic)",
    };
    return w;
}

static double stencil_bytes_per_rank(const tb_params *p, int nranks, int nthreads)
{
    (void)nthreads;
    double n = (double)p->value[STENCIL_P_N], r = (double)p->value[STENCIL_P_RADIUS];
    /* Two arrays; a block with halos is at most this large. */
    double side = n / sqrt((double)nranks) + 1.0 + 2.0 * r;
    if (nranks == 1) side = n;
    return 2.0 * sizeof(double) * (side * side + 2.0 * n);
}

/* ---- The performance model (common/tb_model.h) ---- */

/* The length of [a0, a1) within [b0, b1). */
static double overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1)
{
    int64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? (double)(hi - lo) : 0.0;
}

void stencil_block_of(int64_t n, const int dims[2], int rank, int64_t *row0, int64_t *row1,
                      int64_t *col0, int64_t *col1)
{
    /* MPI_Cart_create without reordering numbers the grid row-major. */
    tb_split(n, dims[0], rank / dims[1], row0, row1);
    tb_split(n, dims[1], rank % dims[1], col0, col1);
}

double stencil_exchange_sends(int64_t n, int halo, const int dims[2], int rank, tb_model_sends *s)
{
    int64_t r0, r1, c0, c1;
    stencil_block_of(n, dims, rank, &r0, &r1, &c0, &c1);
    const int pr = rank / dims[1], pc = rank % dims[1];
    const double rows = (double)(r1 - r0), ld = (double)(c1 - c0 + 2 * halo);
    const double strip = sizeof(double) * halo * ld, column = sizeof(double) * rows * halo;
    const int ns = (pr > 0) + (pr < dims[0] - 1), we = (pc > 0) + (pc < dims[1] - 1);
    tb_model_send(s, strip, ns);
    tb_model_send(s, column, we);
    /* West and east columns are packed before and unpacked after: each a
     * read and a write of the column. */
    return 4.0 * column * we;
}

/* The sweep's counts for the PE owning global rows [r0, r1) and columns
 * [c0, c1), plus `copies` bytes of its own. */
static void sweep_pe(tb_model_inputs *m, int64_t n, int64_t R, int64_t r0, int64_t r1, int64_t c0,
                     int64_t c1, double copies)
{
    const double active = overlap(r0, r1, R, n - R) * overlap(c0, c1, R, n - R);
    const double points = (double)(r1 - r0) * (double)(c1 - c0);
    tb_model_pe(m, (2.0 * (4.0 * R + 1.0) + 1.0) * active,
                sizeof(double) * (3.0 * active + 2.0 * points) + copies);
}

static void stencil_inputs(const tb_params *p, const tb_shape *s, tb_model_inputs *m)
{
    const int64_t n = p->value[STENCIL_P_N], R = p->value[STENCIL_P_RADIUS];
    const int ranks = tb_model_has_mpi(s) ? s->ranks : 1;
    for (int r = 0; r < ranks; r++) {
        int64_t r0 = 0, r1 = n, c0 = 0, c1 = n;
        double copies = 0.0;
        if (tb_model_has_mpi(s)) {
            tb_model_sends sends = {0};
            copies = stencil_exchange_sends(n, (int)R, s->dims, r, &sends);
            tb_model_rank(m, &sends);
            stencil_block_of(n, s->dims, r, &r0, &r1, &c0, &c1);
        }
        for (int t = 0; t < s->threads; t++) { /* thread bands of the block's rows */
            int64_t b0, b1;
            tb_split(r1 - r0, s->threads, t, &b0, &b1);
            sweep_pe(m, n, R, r0 + b0, r0 + b1, c0, c1, t == 0 ? copies : 0.0);
        }
    }
    if (s->model == TB_MODEL_OMP) m->barriers = 2;
    if (s->model == TB_MODEL_HYBRID) m->barriers = 3;
}

static const tb_model stencil_model = {
    stencil_inputs,
    {
        {"flops (2(4R+1)+1) * interior points, bytes 8 * (3 * interior + 2 * all points) of "
         "the one grid",
         "none", "none", "none"},
        {"flops (2(4R+1)+1) * interior points, bytes 8 * (3 * interior + 2 * all points) of "
         "the thread's band of rows (tb_split of n)",
         "none", "none", "2 barriers (after the sweep, after the increment)"},
        {"as serial over the rank's block of the MPI_Dims_create grid (tb_split of rows and "
         "columns), + 4 * 8 * rows * R per west/east neighbour (packing)",
         "per neighbour: north/south 8 * R * (cols + 2R) bytes, west/east 8 * rows * R bytes",
         "none", "none"},
        {"as mpi, the rank's block split by rows over its threads (tb_split); the packing on "
         "thread 0",
         "as mpi (the master thread sends)", "none",
         "3 barriers (after the exchange, the sweep, the increment)"},
    },
    NULL,
};

/* The driver is the backend's: defined in serial/, openmp/, mpi/, hybrid/. */
tb_status stencil_run(tb_run *run);

const tb_kernel stencil_kernel = {
    .name = "stencil",
    .summary = "2-D star stencil of radius R on an n x n grid",
    .rate_unit = "MFLOP/s",
    .rate_scale = 1e6,
    .rate_uses_bytes = 0,
    .params = stencil_params,
    .nparams = (int)(sizeof stencil_params / sizeof stencil_params[0]),
    .size_param = STENCIL_P_N,
    .check = stencil_check,
    .work = stencil_work,
    .bytes_per_rank = stencil_bytes_per_rank,
    .run = stencil_run,
    .weak = {TB_WEAK_POWER, 0.5}, /* an n x n grid: work ~ n^2 */
    .memory_bound = 1,
    .sweep_params = (const char *const[]){"radius", NULL},
    .model = &stencil_model,
};

void stencil_weights(int radius, double w[STENCIL_MAX_RADIUS + 1])
{
    w[0] = 0.0;
    for (int k = 1; k <= radius; k++) w[k] = 1.0 / (2.0 * k * radius);
}

void stencil_init(double *in, double *out, int64_t ld, int64_t rows, int64_t cols, int64_t gi,
                  int64_t gj)
{
    for (int64_t i = 0; i < rows; i++)
        for (int64_t j = 0; j < cols; j++) {
            in[i * ld + j] = (double)(gi + i + gj + j);
            out[i * ld + j] = 0.0;
        }
}

/* The radius is a compile-time constant inside each instance so that the
 * k loop unrolls and the j loop vectorises. */
static inline __attribute__((always_inline)) void
apply_radius(const double *restrict in, double *restrict out, int64_t ld, const int R,
             const double *restrict w, int64_t i0, int64_t i1, int64_t j0, int64_t j1)
{
    for (int64_t i = i0; i < i1; i++) {
        const double *restrict c = in + i * ld;
        double *restrict o = out + i * ld;
        for (int64_t j = j0; j < j1; j++) {
            double s = 0.0;
            for (int k = 1; k <= R; k++)
                s += w[k] * ((c[j + k] - c[j - k]) + (c[j + k * ld] - c[j - k * ld]));
            o[j] += s;
        }
    }
}

void stencil_apply(const double *in, double *out, int64_t ld, int radius,
                   const double w[STENCIL_MAX_RADIUS + 1], int64_t i0, int64_t i1, int64_t j0,
                   int64_t j1)
{
    switch (radius) {
    case 1: apply_radius(in, out, ld, 1, w, i0, i1, j0, j1); break;
    case 2: apply_radius(in, out, ld, 2, w, i0, i1, j0, j1); break;
    case 3: apply_radius(in, out, ld, 3, w, i0, i1, j0, j1); break;
    case 4: apply_radius(in, out, ld, 4, w, i0, i1, j0, j1); break;
    default: apply_radius(in, out, ld, radius, w, i0, i1, j0, j1); break;
    }
}

void stencil_increment(double *in, int64_t ld, int64_t i0, int64_t i1, int64_t j0, int64_t j1)
{
    for (int64_t i = i0; i < i1; i++)
        for (int64_t j = j0; j < j1; j++) in[i * ld + j] += 1.0;
}

void stencil_acc_init(double acc[3])
{
    acc[0] = 0.0;
    acc[1] = INFINITY;
    acc[2] = -INFINITY;
}

void stencil_accumulate(const double *out, int64_t ld, int64_t i0, int64_t i1, int64_t j0,
                        int64_t j1, double acc[3])
{
    for (int64_t i = i0; i < i1; i++)
        for (int64_t j = j0; j < j1; j++) {
            double v = out[i * ld + j];
            acc[0] += fabs(v);
            if (v < acc[1]) acc[1] = v;
            if (v > acc[2]) acc[2] = v;
        }
}

void stencil_accumulate_in(const double *in, int64_t ld, int64_t i0, int64_t i1, int64_t j0,
                           int64_t j1, int64_t gi, int64_t gj, double acc[3])
{
    for (int64_t i = i0; i < i1; i++)
        for (int64_t j = j0; j < j1; j++) {
            double v = in[i * ld + j] - (double)(gi + i + gj + j);
            acc[0] += v;
            if (v < acc[1]) acc[1] = v;
            if (v > acc[2]) acc[2] = v;
        }
}

void stencil_acc_merge(double into[3], const double from[3])
{
    into[0] += from[0];
    if (from[1] < into[1]) into[1] = from[1];
    if (from[2] > into[2]) into[2] = from[2];
}

void stencil_verify(tb_run *run, double out_acc[3], double in_acc[3], int64_t sweeps)
{
    int64_t n = run->params->value[STENCIL_P_N], r = run->params->value[STENCIL_P_RADIUS];
    double sums[2] = {out_acc[0], in_acc[0]};
    double extremes[4] = {-out_acc[1], out_acc[2], -in_acc[1], in_acc[2]};
    tb_comm_sum_doubles(sums, 2);
    tb_comm_max_doubles(extremes, 4);
    double active = (double)(n - 2 * r) * (double)(n - 2 * r);
    double expected = 2.0 * (double)sweeps;
    const double tol = 1e-8;
    tb_run_verify(run, "mean |out| over interior", sums[0] / active, expected, tol);
    tb_run_verify(run, "min out", -extremes[0], expected, tol);
    tb_run_verify(run, "max out", extremes[1], expected, tol);
    /* in holds small integers: every increment is exact. */
    tb_run_verify(run, "mean increments of in", sums[1] / ((double)n * (double)n), (double)sweeps,
                  0.0);
    tb_run_verify(run, "min increments of in", -extremes[2], (double)sweeps, 0.0);
    tb_run_verify(run, "max increments of in", extremes[3], (double)sweeps, 0.0);
    double worst = fmax(fabs(-extremes[0] - expected), fabs(extremes[1] - expected));
    worst = fmax(worst, fmax(fabs(-extremes[2] - sweeps), fabs(extremes[3] - sweeps)));
    run->max_abs_error = worst;
}

void stencil_verify_parts(tb_run *run, const double *parts, int nparts, int64_t sweeps)
{
    double out_acc[3], in_acc[3];
    stencil_acc_init(out_acc);
    stencil_acc_init(in_acc);
    for (int p = 0; p < nparts; p++) {
        stencil_acc_merge(out_acc, parts + STENCIL_PART * p);
        stencil_acc_merge(in_acc, parts + STENCIL_PART * p + 3);
    }
    stencil_verify(run, out_acc, in_acc, sweeps);
}

void stencil_interior(int64_t n, int radius, int64_t g0, int64_t g1, int64_t *l0, int64_t *l1)
{
    int64_t lo = g0 > radius ? g0 : radius;
    int64_t hi = g1 < n - radius ? g1 : n - radius;
    if (hi < lo) hi = lo;
    *l0 = lo - g0;
    *l1 = hi - g0;
}
