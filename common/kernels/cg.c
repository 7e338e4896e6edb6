#include "cg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "npb_random.h"
#include "tb_error.h"
#include "tb_model.h"
#include "tb_split.h"

#define CG_RCOND 0.1       /* NPB's rcond */
#define CG_INNER 25        /* CG iterations per outer iteration (cgitmax) */
#define CG_SEED  314159265 /* makea's stream (tran) */

/* NPB 3.4.2's classes and zeta values (CG/cg.f90). */
static const cg_class cg_classes[] = {
    {"S", 1400, 7, 15, 10.0, 8.5971775078648},     {"W", 7000, 8, 15, 12.0, 10.362595087124},
    {"A", 14000, 11, 15, 20.0, 17.130235054029},   {"B", 75000, 13, 75, 60.0, 22.712745482631},
    {"C", 150000, 15, 75, 110.0, 28.973605592845},
};
static const char *const cg_class_names[] = {"S", "W", "A", "B", "C", NULL};

static const tb_param_def cg_params[] = {
    {"class", TB_PARAM_CHOICE, 0, 0, 0, cg_class_names,
     "NPB class (S: n=1400, W: 7000, A: 14000, B: 75000, C: 150000)"},
};

const cg_class *cg_class_of(const tb_params *p) { return &cg_classes[p->value[CG_P_CLASS]]; }

static tb_work cg_work(const tb_params *p)
{
    const cg_class *c = cg_class_of(p);
    double nz = (double)c->nonzer * (c->nonzer + 1);
    tb_work w = {
        2.0 * c->niter * (double)c->n * (3.0 + nz + 25.0 * (5.0 + nz) + 3.0),
        0.0,
        "2 * niter * n * (3 + nonzer(nonzer+1) + 25 (5 + nonzer(nonzer+1)) + 3): NPB's operation "
        "count for CG (Mop/s), for all niter outer iterations",
        "not counted (the matrix's nonzeros are 12 bytes each per product)",
    };
    return w;
}

/* Triples (before duplicates merge) in a row: about (nonzer+1)^2, the
 * size NPB allocates per row; a block of rows stays within 5% of it. */
static double cg_bytes_per_rank(const tb_params *p, int nranks, int nthreads)
{
    const cg_class *c = cg_class_of(p);
    double n = (double)c->n, rows = ceil(n / nranks);
    double triples = 1.05 * rows * (c->nonzer + 1) * (c->nonzer + 1) + 64.0;
    return triples * (sizeof(double) + sizeof(int32_t)) + (rows + 1) * 16.0 /* rowptr, counts */
           + 2.0 * n * sizeof(double) + 3.0 * rows * sizeof(double) /* z, p whole; x, r, q */
           + nthreads * (2.0 * n * sizeof(int32_t) + 65536.0);      /* builders' marks */
}

/* ---- The performance model (common/tb_model.h) ---- */

/* Per outer iteration (cg_solve): conj_grad's 1 + 2 x 25 + 1 sums of one
 * value and cg_solve's sum of two, and its 1 + 25 + 1 shares (p, z). */
#define CG_SUMS1  (2 * CG_INNER + 2)
#define CG_SHARES (CG_INNER + 2)

/* Memory bytes per row of a PE per outer iteration: 26 products with the
 * matrix (12 bytes per nonzero), then the vector updates of conj_grad and
 * cg_solve (8 bytes per double read or written: 88 per CG step, 96 outside
 * the steps). The nonzeros per row are estimated by (nonzer + 1)^2, the
 * size NPB allocates per row (an upper bound: duplicates merge). */
static double cg_row_bytes(const cg_class *c)
{
    const double nnz = (double)(c->nonzer + 1) * (c->nonzer + 1);
    return (CG_INNER + 1) * 12.0 * nnz + CG_INNER * 88.0 + 96.0;
}

static void cg_inputs(const tb_params *p, const tb_shape *s, tb_model_inputs *m)
{
    const cg_class *c = cg_class_of(p);
    const double flops_per_row = cg_work(p).flops / (double)c->n;
    const int ranks = tb_model_has_mpi(s) ? s->ranks : 1;
    const double niter = c->niter;
    m->exact = 0; /* the bytes are estimated */
    for (int r = 0; r < ranks; r++) {
        int64_t r0, r1;
        tb_split(c->n, ranks, r, &r0, &r1);
        /* Each share writes the other ranks' rows of a whole vector. */
        const double gathered =
            tb_model_has_mpi(s) ? niter * CG_SHARES * sizeof(double) * (double)(c->n - (r1 - r0))
                                : 0.0;
        for (int t = 0; t < s->threads; t++) {
            int64_t t0, t1;
            tb_split(r1 - r0, s->threads, t, &t0, &t1);
            const double rows = (double)(t1 - t0);
            tb_model_pe(m, flops_per_row * rows,
                        niter * cg_row_bytes(c) * rows + (t == 0 ? gathered : 0.0));
        }
    }
    /* mpi, and hybrid over more than one rank: the sums are all-reduced
     * and the shares all-gathered (rank 0's part: the most rows). */
    const int collectives = s->model == TB_MODEL_MPI || (s->model == TB_MODEL_HYBRID && ranks > 1);
    if (collectives) {
        int64_t r0, r1;
        tb_split(c->n, ranks, 0, &r0, &r1);
        tb_model_collective(m, TB_OP_ALLREDUCE, sizeof(double), niter * CG_SUMS1);
        tb_model_collective(m, TB_OP_ALLREDUCE, 2 * sizeof(double), niter);
        tb_model_collective(m, TB_OP_ALLGATHER, sizeof(double) * (double)(r1 - r0),
                            niter * CG_SHARES);
    }
    if (tb_model_has_mpi(s)) tb_model_untimed(m, TB_OP_BARRIER, 0.0, 1.0); /* before each solve */
    if (tb_model_has_team(s)) {
        /* A team sum is one barrier, a share one; over ranks each has a
         * second barrier after the master's collective. */
        m->reductions = niter * (CG_SUMS1 + 1);
        m->barriers = niter * (CG_SUMS1 + 1 + CG_SHARES) * (collectives ? 2 : 1);
    }
}

static const tb_model cg_model = {
    cg_inputs,
    {
        {"flops: NPB's count (work.flops); bytes per row and outer iteration: 26 * 12 * "
         "(nonzer+1)^2 + 25 * 88 + 96, times niter",
         "none", "none", "none"},
        {"as serial, for the thread's rows (tb_split of n)", "none", "none",
         "per outer iteration (niter per timed iteration): 53 reductions of one barrier each "
         "and 27 barriers (sharing p and z)"},
        {"as serial, for the rank's rows (tb_split of n), + 27 * 8 * (n - rows) bytes per "
         "outer iteration (the gathered vectors)",
         "none",
         "per outer iteration: 52 allreduce of 8 bytes, 1 of 16, 27 allgather of 8 * rows "
         "(rank 0's rows); untimed: 1 barrier before each solve",
         "none"},
        {"as mpi, the rank's rows split over its threads (tb_split); the gathered vectors on "
         "thread 0",
         "none",
         "as mpi (the master thread calls them); one rank: none (untimed: 1 barrier before "
         "each solve)",
         "per outer iteration: 53 reductions, and 2 barriers per reduction and per share (1 "
         "with one rank: as omp)"},
    },
    "per_pe.bytes: the nonzeros per row are taken as NPB's allocation, (nonzer+1)^2, an "
    "upper bound of what the matrix holds after duplicates merge",
};

/* The driver is the backend's: defined in serial/, openmp/, mpi/, hybrid/. */
tb_status cg_run(tb_run *run);

const tb_kernel cg_kernel = {
    .name = "cg",
    .summary = "NPB CG: inverse power method with conjugate gradient on NPB's random sparse matrix",
    .rate_unit = "Mop/s",
    .rate_scale = 1e6,
    .rate_uses_bytes = 0,
    .params = cg_params,
    .nparams = (int)(sizeof cg_params / sizeof cg_params[0]),
    .size_param = CG_P_CLASS,
    .check = NULL,
    .work = cg_work,
    .bytes_per_rank = cg_bytes_per_rank,
    .run = cg_run,
    .default_iters = 1,  /* one timed run of all niter outer iterations, as NPB ... */
    .default_warmup = 1, /* ... after an untimed one (NPB: one outer iteration) */
    .sweep_params = (const char *const[]){NULL},
    /* the class fixes the problem */ .model = &cg_model,
};

/* ------------------------------------------------------------------------
 * makea: the matrix is the sum over i = 1..n of size_i * v_i v_i^T, plus
 * (rcond - shift) on the diagonal, where v_i is a sparse random vector
 * (sprnvc: nonzer distinct random positions with random values, then
 * vecset: position i set to 0.5) and size_i = rcond^((i-1)/n). The numbers
 * come in one sequential stream, so every PE runs all of it. */

typedef struct makea_stream {
    uint64_t x;
    int64_t n, nn1;
    int nonzer;
} makea_stream;

static void stream_start(makea_stream *s, const cg_class *c)
{
    s->x = CG_SEED;
    s->n = c->n;
    s->nonzer = c->nonzer;
    for (s->nn1 = 2; s->nn1 < c->n; s->nn1 *= 2) {
    }                      /* smallest power of 2 >= n */
    (void)npb_next(&s->x); /* NPB draws one number before makea */
}

/* Vector i (from 0): its positions (0-based) and values; returns how many
 * (nonzer, or nonzer + 1 when position i was not among the random ones). */
static int stream_vector(makea_stream *s, int64_t i, int32_t *pos, double *val)
{
    int nz = 0;
    while (nz < s->nonzer) {
        double value = npb_next(&s->x);
        int64_t at = (int64_t)((double)s->nn1 * npb_next(&s->x)); /* 0-based */
        if (at >= s->n) continue;
        int seen = 0;
        for (int k = 0; k < nz && !seen; k++) seen = pos[k] == at;
        if (seen) continue;
        pos[nz] = (int32_t)at;
        val[nz++] = value;
    }
    for (int k = 0; k < nz; k++)
        if (pos[k] == i) {
            val[k] = 0.5;
            return nz;
        }
    pos[nz] = (int32_t)i;
    val[nz++] = 0.5;
    return nz;
}

void cg_block_free(cg_block *b)
{
    free(b->rowptr);
    free(b->col);
    free(b->val);
    memset(b, 0, sizeof *b);
}

/* Sort a row's (col, val) by column; rows are short (about (nonzer+1)^2). */
static void sort_row(int32_t *col, double *val, int64_t len)
{
    for (int64_t k = 1; k < len; k++) {
        int32_t c = col[k];
        double v = val[k];
        int64_t j = k;
        for (; j > 0 && col[j - 1] > c; j--) {
            col[j] = col[j - 1];
            val[j] = val[j - 1];
        }
        col[j] = c;
        val[j] = v;
    }
}

/* Sum each row's duplicate columns in the order they came (increasing i,
 * as NPB's sparse does), sort the columns, and pack the rows. */
static tb_status merge_rows(cg_block *b, int64_t n)
{
    const int64_t rows = b->row1 - b->row0;
    int64_t longest = 0;
    for (int64_t r = 0; r < rows; r++)
        if (b->rowptr[r + 1] - b->rowptr[r] > longest) longest = b->rowptr[r + 1] - b->rowptr[r];
    int32_t *mark = malloc(sizeof(int32_t) * (size_t)n);  /* row that last saw a column */
    int32_t *where = malloc(sizeof(int32_t) * (size_t)n); /* its place in the row */
    int32_t *ucol = malloc(sizeof(int32_t) * (size_t)(longest + 1));
    double *uval = malloc(sizeof(double) * (size_t)(longest + 1));
    if (!mark || !where || !ucol || !uval) {
        free(mark);
        free(where);
        free(ucol);
        free(uval);
        return tb_error_set(TB_ERUNTIME, "out of memory while assembling the CG matrix");
    }
    for (int64_t c = 0; c < n; c++) mark[c] = -1;
    int64_t out = 0, start = 0;
    for (int64_t r = 0; r < rows; r++) {
        const int64_t end = b->rowptr[r + 1];
        int32_t u = 0;
        for (int64_t k = start; k < end; k++) {
            int32_t c = b->col[k];
            if (mark[c] != (int32_t)r) {
                mark[c] = (int32_t)r;
                where[c] = u;
                ucol[u] = c;
                uval[u++] = b->val[k];
            } else {
                uval[where[c]] += b->val[k];
            }
        }
        sort_row(ucol, uval, u);
        memcpy(b->col + out, ucol, sizeof(int32_t) * (size_t)u);
        memcpy(b->val + out, uval, sizeof(double) * (size_t)u);
        b->rowptr[r] = out;
        out += u;
        start = end;
    }
    b->rowptr[rows] = out;
    free(mark);
    free(where);
    free(ucol);
    free(uval);
    /* Give back the room the duplicates took. */
    int32_t *col = realloc(b->col, sizeof(int32_t) * (size_t)(out > 0 ? out : 1));
    double *val = realloc(b->val, sizeof(double) * (size_t)(out > 0 ? out : 1));
    if (col) b->col = col;
    if (val) b->val = val;
    return TB_OK;
}

tb_status cg_block_build(cg_block *b, const cg_class *c, int64_t row0, int64_t row1)
{
    memset(b, 0, sizeof *b);
    b->row0 = row0;
    b->row1 = row1;
    const int64_t rows = row1 - row0, n = c->n;
    int32_t pos[64];
    double v[64];
    int64_t *fill = calloc((size_t)rows + 1, sizeof(int64_t));
    b->rowptr = calloc((size_t)rows + 1, sizeof(int64_t));
    if (!fill || !b->rowptr) goto oom;

    /* Pass 1: how many triples each of my rows receives. */
    makea_stream s;
    stream_start(&s, c);
    for (int64_t i = 0; i < n; i++) {
        int nz = stream_vector(&s, i, pos, v);
        for (int k = 0; k < nz; k++)
            if (pos[k] >= row0 && pos[k] < row1) fill[pos[k] - row0] += nz;
    }
    for (int64_t r = 0; r < rows; r++) b->rowptr[r + 1] = b->rowptr[r] + fill[r];
    const int64_t triples = b->rowptr[rows];
    b->col = malloc(sizeof(int32_t) * (size_t)(triples > 0 ? triples : 1));
    b->val = malloc(sizeof(double) * (size_t)(triples > 0 ? triples : 1));
    if (!b->col || !b->val) goto oom;

    /* Pass 2: the triples themselves, in the stream's order. */
    memcpy(fill, b->rowptr, sizeof(int64_t) * (size_t)rows);
    const double ratio = pow(CG_RCOND, 1.0 / (double)n);
    double size = 1.0;
    stream_start(&s, c);
    for (int64_t i = 0; i < n; i++) {
        int nz = stream_vector(&s, i, pos, v);
        for (int k = 0; k < nz; k++) {
            const int64_t j = pos[k];
            if (j < row0 || j >= row1) continue;
            const double scale = size * v[k];
            for (int m = 0; m < nz; m++) {
                double va = v[m] * scale;
                if (pos[m] == j && j == i) va = va + CG_RCOND - c->shift;
                const int64_t slot = fill[j - row0]++;
                b->col[slot] = pos[m];
                b->val[slot] = va;
            }
        }
        size *= ratio;
    }
    free(fill);
    fill = NULL;
    tb_status st = merge_rows(b, n);
    if (st != TB_OK) cg_block_free(b);
    return st;
oom:
    free(fill);
    cg_block_free(b);
    return tb_error_set(TB_ERUNTIME, "out of memory for rows %lld..%lld of the CG matrix",
                        (long long)row0, (long long)row1 - 1);
}

/* ------------------------------------------------------------------------
 * The solver. */

/* out = A v on my rows (v whole); returns sum_i dot[i] * out[i]. Four
 * partial sums per row break the chain of dependent additions. */
static double spmv_dot(const cg_block *A, const double *restrict v, double *restrict out,
                       const double *restrict dot)
{
    const int64_t rows = A->row1 - A->row0;
    const int64_t *restrict rowptr = A->rowptr;
    const int32_t *restrict col = A->col;
    const double *restrict val = A->val;
    double d = 0.0;
    for (int64_t i = 0; i < rows; i++) {
        int64_t k = rowptr[i];
        const int64_t end = rowptr[i + 1];
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        for (; k + 4 <= end; k += 4) {
            s0 += val[k] * v[col[k]];
            s1 += val[k + 1] * v[col[k + 1]];
            s2 += val[k + 2] * v[col[k + 2]];
            s3 += val[k + 3] * v[col[k + 3]];
        }
        for (; k < end; k++) s0 += val[k] * v[col[k]];
        const double s = (s0 + s1) + (s2 + s3);
        out[i] = s;
        d += dot[i] * s;
    }
    return d;
}

void cg_start(const cg_block *A, cg_vectors *v)
{
    for (int64_t i = 0; i < A->row1 - A->row0; i++) v->x[i] = 1.0;
}

/* conj_grad: 25 iterations of CG on A z = x from z = 0; returns ||x - A z||. */
static double conj_grad(const cg_block *A, cg_vectors *v, const cg_ops *ops)
{
    const int64_t rows = A->row1 - A->row0;
    double *restrict x = v->x, *restrict r = v->r, *restrict q = v->q;
    double *restrict z = v->z + A->row0, *restrict p = v->p + A->row0; /* my rows */
    double rho = 0.0;
    for (int64_t i = 0; i < rows; i++) {
        z[i] = 0.0;
        r[i] = x[i];
        p[i] = r[i];
        rho += r[i] * r[i];
    }
    ops->sum(ops->ctx, &rho, 1);
    ops->share(ops->ctx, v->p);
    for (int it = 0; it < CG_INNER; it++) {
        double d = spmv_dot(A, v->p, q, p); /* q = A p, d = p . q */
        ops->sum(ops->ctx, &d, 1);
        const double alpha = rho / d, rho0 = rho;
        rho = 0.0;
        for (int64_t i = 0; i < rows; i++) {
            z[i] += alpha * p[i];
            r[i] -= alpha * q[i];
            rho += r[i] * r[i];
        }
        ops->sum(ops->ctx, &rho, 1);
        const double beta = rho / rho0;
        for (int64_t i = 0; i < rows; i++) p[i] = r[i] + beta * p[i];
        ops->share(ops->ctx, v->p);
        v->steps++;
    }
    ops->share(ops->ctx, v->z);
    spmv_dot(A, v->z, r, x); /* r = A z */
    double sum = 0.0;
    for (int64_t i = 0; i < rows; i++) sum += (x[i] - r[i]) * (x[i] - r[i]);
    ops->sum(ops->ctx, &sum, 1);
    return sqrt(sum);
}

double cg_solve(const cg_block *A, const cg_class *c, cg_vectors *v, const cg_ops *ops,
                double *rnorm)
{
    const int64_t rows = A->row1 - A->row0;
    const double *z = v->z + A->row0;
    double zeta = 0.0;
    for (int it = 0; it < c->niter; it++) {
        *rnorm = conj_grad(A, v, ops);
        double norms[2] = {0.0, 0.0}; /* x . z, z . z */
        for (int64_t i = 0; i < rows; i++) {
            norms[0] += v->x[i] * z[i];
            norms[1] += z[i] * z[i];
        }
        ops->sum(ops->ctx, norms, 2);
        zeta = c->shift + 1.0 / norms[0];
        const double scale = 1.0 / sqrt(norms[1]);
        for (int64_t i = 0; i < rows; i++) v->x[i] = scale * z[i];
    }
    return zeta;
}

double cg_worst_zeta(const tb_params *p, double worst_so_far, double zeta)
{
    const double ref = cg_class_of(p)->zeta;
    return !(fabs(zeta - ref) <= fabs(worst_so_far - ref)) ? zeta : worst_so_far;
}

void cg_verify(tb_run *run, double zeta, int64_t steps)
{
    const cg_class *c = cg_class_of(run->params);
    tb_run_verify(run, "zeta vs NPB 3.4.2", zeta, c->zeta, 1e-10);
    tb_run_verify(run, "CG steps (niter x 25 per solve)", (double)steps,
                  (double)(run->warmup + run->iters) * c->niter * CG_INNER, 0.0);
}
