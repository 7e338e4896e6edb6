#include "dgemm.h"

#include <math.h>
#include <string.h>

#include "tb_comm.h"
#include "tb_error.h"
#include "tb_mem.h"

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

/* MPI_Dims_create's 2-D answer: the most nearly square pr x pc, pr >= pc. */
static void grid_shape(int nranks, int *pr, int *pc)
{
    int c = (int)sqrt((double)nranks);
    while (c > 1 && nranks % c) c--;
    *pc = c;
    *pr = nranks / c;
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
