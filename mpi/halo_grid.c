#include "halo_grid.h"

#include "kernels/halo.h"
#include "tb_comm.h"
#include "tb_error.h"
#include "tb_mem.h"

tb_status tb_halo_grid_run(tb_run *run, micro_batch_fn batch)
{
    tb_halo_grid c = {.nthreads = run->nthreads};
    tb_grid2d *g = &c.g;
    tb_status st = tb_grid2d_create(g, run->params->value[HALO_P_N],
                                    (int)run->params->value[HALO_P_RADIUS]);
    if (st == TB_EINPUT) return st; /* the same on every rank */
    double *array = tb_alloc((size_t)tb_grid2d_points(g), sizeof(double));
    if (st == TB_OK && !array)
        st = tb_error_set(TB_ERUNTIME, "out of memory for a %lld x %lld block", (long long)g->rows,
                          (long long)g->cols);
    st = tb_comm_worst(st);
    if (st == TB_OK) {
        c.block = tb_grid2d_origin(g, array);
        halo_fill(c.block, g->ld, g->rows, g->cols, g->halo, g->row0, g->col0);
        micro_method m = {micro_target(run, HALO_P_TARGET), 1.0, 0.0, &run->breakdown.comm};
        micro_measure(run, batch, &c, &m);
        const int has[4] = {g->north != MPI_PROC_NULL, g->south != MPI_PROC_NULL,
                            g->west != MPI_PROC_NULL, g->east != MPI_PROC_NULL};
        double v[2] = {0.0, 0.0};
        halo_check(c.block, g->ld, g->rows, g->cols, g->halo, g->row0, g->col0, has, v);
        halo_verify(run, v, halo_bytes(run->params->value[HALO_P_N], g->halo, g->dims));
    }
    tb_free(array);
    tb_grid2d_free(g);
    return st;
}
