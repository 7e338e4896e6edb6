/* Halo, OpenMP: one block per thread in the decomposition MPI would use
 * for as many PEs, each thread owning (allocating, first-touching) its
 * block; an exchange is a barrier, each thread copying its four strips
 * from its neighbours' blocks (halo_pull), and a barrier. */
#include <omp.h>

#include "kernels/halo.h"
#include "kernels/micro.h"
#include "team.h"
#include "tb_error.h"
#include "tb_mem.h"

typedef struct halo_ctx {
    halo_layout layout;
    double **array, **origin; /* [nthreads] */
    int nthreads;
} halo_ctx;

static void body(void *arg, int t, int nthreads, int64_t count)
{
    (void)nthreads;
    const halo_ctx *c = arg;
    for (int64_t k = 0; k < count; k++) {
#pragma omp barrier
        halo_pull(&c->layout, c->origin, t);
#pragma omp barrier
    }
}

static double exchange_batch(void *arg, int64_t count)
{
    const halo_ctx *c = arg;
    return tb_team_batch(c->nthreads, body, arg, count);
}

tb_status halo_run(tb_run *run)
{
    const int nthreads = run->nthreads;
    halo_ctx c = {.nthreads = nthreads};
    tb_status st = halo_layout_init(&c.layout, run->params->value[HALO_P_N],
                                    (int)run->params->value[HALO_P_RADIUS], nthreads, "threads");
    if (st != TB_OK) return st;
    const int h = c.layout.halo;
    c.array = tb_alloc((size_t)nthreads, sizeof(double *));
    c.origin = tb_alloc((size_t)nthreads, sizeof(double *));
    int ok = c.array && c.origin;
    double v[2] = {0.0, 0.0};
    for (int t = 0; ok && t < nthreads; t++) c.array[t] = NULL;
    if (ok) {
#pragma omp parallel num_threads(nthreads) reduction(&& : ok)
        {
            const int t = omp_get_thread_num();
            int64_t ld, row0, rows, col0, cols;
            c.array[t] = tb_alloc((size_t)halo_points(&c.layout, t, &ld), sizeof(double));
            ok = c.array[t] != NULL;
            halo_block(&c.layout, t, &row0, &rows, &col0, &cols);
            c.origin[t] = ok ? c.array[t] + h * ld + h : NULL;
            if (ok) halo_fill(c.origin[t], ld, rows, cols, h, row0, col0);
        }
    }
    if (ok) {
        micro_method m = {micro_target(run, HALO_P_TARGET), 1.0, 0.0, &run->breakdown.comm};
        micro_measure(run, exchange_batch, &c, &m);
#pragma omp parallel num_threads(nthreads) reduction(+ : v[:2])
        {
            const int t = omp_get_thread_num(), bi = t / c.layout.dims[1], bj = t % c.layout.dims[1];
            int64_t ld, row0, rows, col0, cols;
            halo_points(&c.layout, t, &ld);
            halo_block(&c.layout, t, &row0, &rows, &col0, &cols);
            const int has[4] = {bi > 0, bi < c.layout.dims[0] - 1, bj > 0, bj < c.layout.dims[1] - 1};
            halo_check(c.origin[t], ld, rows, cols, h, row0, col0, has, v);
        }
        halo_verify(run, v, halo_bytes(c.layout.n, h, c.layout.dims));
    } else {
        st = tb_error_set(TB_ERUNTIME, "out of memory for %d blocks", nthreads);
    }
    for (int t = 0; c.array && c.origin && t < nthreads; t++) tb_free(c.array[t]);
    tb_free(c.array);
    tb_free(c.origin);
    return st;
}
