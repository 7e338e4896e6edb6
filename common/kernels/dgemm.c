#include "dgemm.h"

#include <math.h>
#include <string.h>

#include "tb_comm.h"
#include "tb_error.h"
#include "tb_mem.h"
#include "tb_model.h"
#include "tb_split.h"

#define MR              DGEMM_MR
#define NR              DGEMM_NR
#define DGEMM_MAX_PANEL 2048
#define A_BLOCK_DOUBLES 32768  /* MC x kb block of A: 256 KiB, half a Zen L2 */
#define B_BLOCK_DOUBLES 524288 /* kb x NC block of B: 4 MiB, in the L3 */

static const tb_param_def dgemm_params[] = {
    {"n", TB_PARAM_INT, 2000, 1, 1000000, NULL, "matrix order (n x n matrices A, B, C)"},
    {"panel", TB_PARAM_INT, 256, 1, DGEMM_MAX_PANEL, NULL,
     "depth kb of each rank-kb update: the k-blocking of the packed multiply, and SUMMA's "
     "broadcast panel width (larger than n: n)"},
};

/* The pr x pc process grid of mpi/summa.c (MPI_Dims_create's 2-D answer). */
static void grid_shape(int nranks, int *pr, int *pc)
{
    int dims[2];
    tb_grid_dims(nranks, dims);
    *pr = dims[0];
    *pc = dims[1];
}

static tb_status dgemm_check(const tb_params *p, int nranks)
{
    int64_t n = p->value[DGEMM_P_N];
    int pr, pc;
    grid_shape(nranks, &pr, &pc);
    if (n < pr)
        return tb_error_set(TB_EINPUT,
                            "--size %lld over %d ranks (a %dx%d process grid) leaves "
                            "process rows without matrix rows: n must be at least %d",
                            (long long)n, nranks, pr, pc, pr);
    return TB_OK;
}

static tb_work dgemm_work(const tb_params *p)
{
    double n = (double)p->value[DGEMM_P_N];
    tb_work w = {
        2.0 * n * n * n,
        3.0 * sizeof(double) * n * n,
        "2 * n^3 (one multiply and one add per term of every dot product)",
        "3 * 8 * n^2: A and B read, C written once (the compulsory traffic; the blocked "
        "multiply rereads packed panels from cache)",
    };
    return w;
}

static double dgemm_bytes_per_rank(const tb_params *p, int nranks, int nthreads)
{
    double n = (double)p->value[DGEMM_P_N], kb = (double)p->value[DGEMM_P_PANEL];
    int pr, pc;
    grid_shape(nranks, &pr, &pc);
    double rows = ceil(n / pr), cols = ceil(n / pc);
    double panels = nranks > 1 ? kb * (rows + cols) : 0.0; /* SUMMA's receive buffers */
    return sizeof(double) * (3.0 * rows * cols + panels) +
           nthreads * dgemm_ws_bytes(p->value[DGEMM_P_PANEL]);
}

/* ---- The performance model (common/tb_model.h) ---- */

/* [*b, *e) of `part` of `parts` over n, in whole units of `unit`. */
static void split_units(int64_t n, int64_t unit, int parts, int part, int64_t *b, int64_t *e)
{
    int64_t u0, u1;
    tb_split((n + unit - 1) / unit, parts, part, &u0, &u1);
    *b = u0 * unit < n ? u0 * unit : n;
    *e = u1 * unit < n ? u1 * unit : n;
}

void dgemm_thread_block(int t, int nthreads, int64_t m, int64_t n, int64_t *i0, int64_t *i1,
                        int64_t *j0, int64_t *j1)
{
    int grid[2]; /* the most nearly square factorisation, more blocks along the longer side */
    tb_grid_dims(nthreads, grid);
    const int tr = m >= n ? grid[0] : grid[1], tc = nthreads / tr;
    split_units(m, DGEMM_MR, tr, t / tc, i0, i1);
    split_units(n, DGEMM_NR, tc, t % tc, j0, j1);
}

/* SUMMA's broadcasts for rank (0, 0) (mpi/summa.c: panels of at most
 * `panel` that end at every owner's edge), whose blocks are the largest;
 * returns the steps of the k loop. */
static double summa_collectives(tb_model_inputs *m, int64_t n, int64_t panel, const int dims[2])
{
    int64_t r0, rows, c0, cols, k0 = 0;
    tb_split(n, dims[0], 0, &r0, &rows);
    tb_split(n, dims[1], 0, &c0, &cols);
    int qa = 0, pb = 0; /* owners of the current A columns, B rows */
    double steps = 0.0;
    for (; k0 < n; steps++) {
        int64_t ca0, ca1, rb0, rb1;
        tb_split(n, dims[1], qa, &ca0, &ca1);
        tb_split(n, dims[0], pb, &rb0, &rb1);
        int64_t k1 = k0 + panel;
        if (k1 > ca1) k1 = ca1;
        if (k1 > rb1) k1 = rb1;
        const double w = (double)(k1 - k0);
        /* A communicator of one rank broadcasts nothing. */
        if (dims[1] > 1) tb_model_collective(m, TB_OP_BCAST, sizeof(double) * rows * w, 1.0);
        if (dims[0] > 1) tb_model_collective(m, TB_OP_BCAST, sizeof(double) * w * cols, 1.0);
        k0 = k1;
        if (k0 >= ca1) qa++;
        if (k0 >= rb1) pb++;
    }
    return steps;
}

static void dgemm_inputs(const tb_params *p, const tb_shape *s, tb_model_inputs *m)
{
    const int64_t n = p->value[DGEMM_P_N];
    const int64_t panel = p->value[DGEMM_P_PANEL] < n ? p->value[DGEMM_P_PANEL] : n;
    const int one[2] = {1, 1};
    const int *dims = tb_model_has_mpi(s) ? s->dims : one;
    for (int r = 0; r < dims[0] * dims[1]; r++) {
        int64_t r0, r1, c0, c1;
        tb_split(n, dims[0], r / dims[1], &r0, &r1);
        tb_split(n, dims[1], r % dims[1], &c0, &c1);
        for (int t = 0; t < s->threads; t++) {
            int64_t i0 = 0, i1 = r1 - r0, j0 = 0, j1 = c1 - c0;
            if (tb_model_has_team(s))
                dgemm_thread_block(t, s->threads, r1 - r0, c1 - c0, &i0, &i1, &j0, &j1);
            const double area = (double)(i1 - i0) * (double)(j1 - j0);
            tb_model_pe(m, 2.0 * area * (double)n, 3.0 * sizeof(double) * area);
        }
    }
    const double steps = tb_model_has_mpi(s) ? summa_collectives(m, n, panel, dims) : 0.0;
    if (s->model == TB_MODEL_OMP) m->barriers = 1;
    if (s->model == TB_MODEL_HYBRID) m->barriers = dims[0] * dims[1] == 1 ? 1.0 : 2.0 * steps;
}

static const tb_model dgemm_model = {
    dgemm_inputs,
    {
        {"flops 2 * n^3, bytes 3 * 8 * n^2", "none", "none", "none"},
        {"flops 2 * n per element of the thread's block of C (the most nearly square grid of "
         "threads, blocks on 6x8 micro-kernel edges), bytes 3 * 8 per element of it",
         "none", "none", "1 barrier (closing the iteration)"},
        {"flops 2 * n per element of the rank's block of C (MPI_Dims_create grid, tb_split), "
         "bytes 3 * 8 per element of it",
         "none",
         "rank (0,0): per SUMMA step of width w, 1 bcast of 8 * rows * w (A panel, process "
         "row; when there are process columns) and 1 of 8 * w * cols (B panel, process column; "
         "when there are process rows); steps end at panel width and at every owner's edge",
         "none"},
        {"flops 2 * n, bytes 3 * 8 per element of the thread's block of the rank's block of C",
         "none", "as mpi (the master thread broadcasts)",
         "2 barriers per SUMMA step (after the master's broadcasts, after the multiply); one "
         "rank: 1 barrier"},
    },
    NULL,
};

/* The driver is the backend's: defined in serial/, openmp/, mpi/, hybrid/. */
tb_status dgemm_run(tb_run *run);

const tb_kernel dgemm_kernel = {
    .name = "dgemm",
    .summary = "C += A*B on n x n matrices: packed 6x8 register-blocked multiply; SUMMA on a 2-D "
               "process grid; GFLOP/s counting 2*n^3 flops",
    .rate_unit = "GFLOP/s",
    .rate_scale = 1e9,
    .rate_uses_bytes = 0,
    .params = dgemm_params,
    .nparams = (int)(sizeof dgemm_params / sizeof dgemm_params[0]),
    .size_param = DGEMM_P_N,
    .check = dgemm_check,
    .work = dgemm_work,
    .bytes_per_rank = dgemm_bytes_per_rank,
    .run = dgemm_run,
    .weak = {TB_WEAK_POWER, 1.0 / 3.0}, /* work ~ n^3 */
    .sweep_params = (const char *const[]){"panel", NULL},
    .model = &dgemm_model,
};

/* Block sizes for depth kb: MC rows of A (a multiple of MR) and NC columns
 * of B (a multiple of NR) per packed block. */
static void block_sizes(int64_t kb, int64_t *mc, int64_t *nc)
{
    *mc = A_BLOCK_DOUBLES / kb / MR * MR;
    if (*mc < MR) *mc = MR;
    *nc = B_BLOCK_DOUBLES / kb / NR * NR;
    if (*nc < NR) *nc = NR;
}

double dgemm_ws_bytes(int64_t kb)
{
    int64_t mc, nc;
    block_sizes(kb, &mc, &nc);
    return (double)sizeof(double) * (double)kb * (double)(mc + nc) + 2.0 * TB_ALIGN;
}

tb_status dgemm_ws_alloc(dgemm_ws *ws, int64_t kb)
{
    ws->kb = kb;
    block_sizes(kb, &ws->mc, &ws->nc);
    ws->ap = tb_alloc((size_t)(ws->mc * kb), sizeof(double));
    ws->bp = tb_alloc_huge((size_t)(ws->nc * kb), sizeof(double));
    if (ws->ap && ws->bp) return TB_OK;
    dgemm_ws_free(ws);
    return tb_error_set(TB_ERUNTIME, "out of memory for the multiply's packing buffers");
}

void dgemm_ws_free(dgemm_ws *ws)
{
    tb_free(ws->ap);
    tb_free(ws->bp);
    ws->ap = ws->bp = NULL;
}

/* kb x nc of B into NR-column panels, each kb rows of NR contiguous values,
 * the last panel padded with zeros. */
static void pack_b(int64_t kb, int64_t nc, const double *restrict b, int64_t ldb,
                   double *restrict bp)
{
    for (int64_t j = 0; j < nc; j += NR) {
        const int64_t w = nc - j < NR ? nc - j : NR;
        for (int64_t k = 0; k < kb; k++, bp += NR) {
            const double *src = b + k * ldb + j;
            if (w == NR) {
                memcpy(bp, src, sizeof(double) * NR);
            } else {
                for (int64_t q = 0; q < w; q++) bp[q] = src[q];
                for (int64_t q = w; q < NR; q++) bp[q] = 0.0;
            }
        }
    }
}

/* mc x kb of A into MR-row panels, each kb columns of MR contiguous values,
 * the last panel padded with zeros. */
static void pack_a(int64_t mc, int64_t kb, const double *restrict a, int64_t lda,
                   double *restrict ap)
{
    for (int64_t i = 0; i < mc; i += MR) {
        const int64_t h = mc - i < MR ? mc - i : MR;
        const double *src = a + i * lda;
        for (int64_t k = 0; k < kb; k++, ap += MR) {
            for (int64_t r = 0; r < h; r++) ap[r] = src[r * lda + k];
            for (int64_t r = h; r < MR; r++) ap[r] = 0.0;
        }
    }
}

typedef double v4d __attribute__((vector_size(4 * sizeof(double))));

/* c[MR x NR] (ldc) += ap[kb panel] * bp[kb panel]. */
static inline void micro_kernel(int64_t kb, const double *restrict ap, const double *restrict bp,
                                double *restrict c, int64_t ldc)
{
    v4d acc[MR][NR / 4];
    for (int r = 0; r < MR; r++)
        for (int v = 0; v < NR / 4; v++) acc[r][v] = (v4d){0.0, 0.0, 0.0, 0.0};
    for (int64_t k = 0; k < kb; k++, ap += MR, bp += NR) {
        v4d bv[NR / 4];
        for (int v = 0; v < NR / 4; v++) memcpy(&bv[v], bp + 4 * v, sizeof bv[v]);
        for (int r = 0; r < MR; r++) {
            const v4d av = {ap[r], ap[r], ap[r], ap[r]};
            for (int v = 0; v < NR / 4; v++) acc[r][v] += av * bv[v];
        }
    }
    for (int r = 0; r < MR; r++)
        for (int v = 0; v < NR / 4; v++) {
            v4d cv;
            memcpy(&cv, c + r * ldc + 4 * v, sizeof cv);
            cv += acc[r][v];
            memcpy(c + r * ldc + 4 * v, &cv, sizeof cv);
        }
}

/* A ragged edge of C: the full micro-kernel into a scratch tile, then the
 * h x w part that exists added to C. */
static void edge_kernel(int64_t kb, const double *ap, const double *bp, double *c, int64_t ldc,
                        int64_t h, int64_t w)
{
    double tile[MR * NR] __attribute__((aligned(64)));
    memset(tile, 0, sizeof tile);
    micro_kernel(kb, ap, bp, tile, NR);
    for (int64_t r = 0; r < h; r++)
        for (int64_t q = 0; q < w; q++) c[r * ldc + q] += tile[r * NR + q];
}

void dgemm_multiply(int64_t m, int64_t n, int64_t k, const double *a, int64_t lda, const double *b,
                    int64_t ldb, double *c, int64_t ldc, dgemm_ws *ws)
{
    for (int64_t jc = 0; jc < n; jc += ws->nc) {
        const int64_t nc = n - jc < ws->nc ? n - jc : ws->nc;
        for (int64_t pc = 0; pc < k; pc += ws->kb) {
            const int64_t kb = k - pc < ws->kb ? k - pc : ws->kb;
            pack_b(kb, nc, b + pc * ldb + jc, ldb, ws->bp);
            for (int64_t ic = 0; ic < m; ic += ws->mc) {
                const int64_t mc = m - ic < ws->mc ? m - ic : ws->mc;
                pack_a(mc, kb, a + ic * lda + pc, lda, ws->ap);
                for (int64_t jr = 0; jr < nc; jr += NR) {
                    const int64_t w = nc - jr < NR ? nc - jr : NR;
                    for (int64_t ir = 0; ir < mc; ir += MR) {
                        const int64_t h = mc - ir < MR ? mc - ir : MR;
                        double *cij = c + (ic + ir) * ldc + jc + jr;
                        if (h == MR && w == NR)
                            micro_kernel(kb, ws->ap + ir * kb, ws->bp + jr * kb, cij, ldc);
                        else
                            edge_kernel(kb, ws->ap + ir * kb, ws->bp + jr * kb, cij, ldc, h, w);
                    }
                }
            }
        }
    }
}

void dgemm_init_a(double *a, int64_t ld, int64_t rows, int64_t cols, int64_t gi, int64_t gk)
{
    for (int64_t i = 0; i < rows; i++)
        for (int64_t k = 0; k < cols; k++) a[i * ld + k] = (double)(gi + i + gk + k);
}

void dgemm_init_b(double *b, int64_t ld, int64_t rows, int64_t cols, int64_t gk, int64_t gj)
{
    for (int64_t k = 0; k < rows; k++)
        for (int64_t j = 0; j < cols; j++) b[k * ld + j] = (double)(gk + k) - (double)(gj + j);
}

void dgemm_init_c(double *c, int64_t ld, int64_t rows, int64_t cols)
{
    for (int64_t i = 0; i < rows; i++) memset(c + i * ld, 0, sizeof(double) * (size_t)cols);
}

void dgemm_accumulate(const double *c, int64_t ld, int64_t i0, int64_t i1, int64_t cols, int64_t gi,
                      int64_t gj, int64_t n, int64_t multiplies, double acc[3])
{
    const double dn = (double)n, s1 = dn * (dn - 1.0) / 2.0;
    const double s2 = (dn - 1.0) * dn * (2.0 * dn - 1.0) / 6.0, kk = (double)multiplies;
    for (int64_t i = i0; i < i1; i++) {
        const double gi_d = (double)(gi + i);
        double row_sum = 0.0; /* exact for moderate n: integers below 2^53 */
        for (int64_t j = 0; j < cols; j++) {
            const double gj_d = (double)(gj + j);
            const double exact = kk * (-dn * gi_d * gj_d + (gi_d - gj_d) * s1 + s2);
            const double v = c[i * ld + j], err = fabs(v - exact);
            row_sum += v;
            if (err > acc[1] || isnan(err)) acc[1] = err;
            if (fabs(exact) > acc[2]) acc[2] = fabs(exact);
        }
        acc[0] += row_sum;
    }
}

void dgemm_acc_merge(double into[3], const double from[3])
{
    into[0] += from[0];
    if (from[1] > into[1] || isnan(from[1])) into[1] = from[1];
    if (from[2] > into[2]) into[2] = from[2];
}

void dgemm_verify(tb_run *run, double acc[3], int64_t multiplies)
{
    tb_comm_sum_doubles(&acc[0], 1);
    tb_comm_max_doubles(&acc[1], 2);
    const double n = (double)run->params->value[DGEMM_P_N];
    const double checksum = (double)multiplies * n * n * n * (n * n - 1.0) / 12.0;
    tb_run_verify(run, "checksum sum(C)", acc[0], checksum, 1e-10);
    tb_run_verify(run, "max |C - exact| / max |exact|", acc[2] > 0.0 ? acc[1] / acc[2] : acc[1],
                  0.0, 1e-12);
    run->max_abs_error = acc[1];
}
