#include "halo_grid.h"

#include "tb_arena.h"
#include "tb_comm.h"

void tb_halo_grid_exchange(tb_halo_grid *c, uint64_t r)
{
    halo_stamp(&c->view, r);
    tb_grid2d_exchange(&c->g, c->view.origin);
    c->stale += halo_stale(&c->view, r);
    c->stamps += c->view.has[0] + c->view.has[1] + c->view.has[2] + c->view.has[3];
}

tb_status tb_halo_grid_run(tb_run *run, micro_batch_fn batch, int how)
{
    tb_halo_grid c = {.nthreads = run->nthreads};
    tb_grid2d *g = &c.g;
    tb_status st =
        tb_grid2d_create(g, run->params->value[HALO_P_N], (int)run->params->value[HALO_P_RADIUS]);
    if (st == TB_EINPUT) return st; /* the same on every rank */
    tb_arena mem = {0};
    double *array = tb_arena_alloc(&mem, (size_t)tb_grid2d_points(g), sizeof(double));
    c.edges = tb_arena_alloc(&mem, (size_t)c.nthreads, sizeof *c.edges);
    if (st == TB_OK)
        st = tb_arena_check(&mem, "a %lld x %lld block", (long long)g->rows, (long long)g->cols);
    st = tb_comm_worst(st);
    if (st == TB_OK) {
        c.view = (halo_view){tb_grid2d_origin(g, array),
                             g->ld,
                             g->rows,
                             g->cols,
                             g->row0,
                             g->col0,
                             {g->north != MPI_PROC_NULL, g->south != MPI_PROC_NULL,
                              g->west != MPI_PROC_NULL, g->east != MPI_PROC_NULL}};
        halo_fill(c.view.origin, g->ld, g->rows, g->cols, g->halo, g->row0, g->col0);
        for (int t = 0; t < c.nthreads; t++) c.edges[t].stamp[0] = c.edges[t].stamp[1] = 0.0;
        micro_method m = {micro_target(run, HALO_P_TARGET), 1.0, 0.0, &run->breakdown.comm};
        micro_measure(run, batch, &c, &m);
        /* Stamps each exchange checks: one per neighbour rank, and two per
         * pair of neighbour threads. */
        const int *has = c.view.has;
        double v[4] = {0.0, 0.0, c.stale, c.stamps};
        double mine[2] = {has[0] + has[1] + has[2] + has[3], 2.0 * (c.nthreads - 1)};
        tb_comm_sum_doubles(mine, 2);
        halo_unstamp(&c.view);
        tb_grid2d_exchange(g, c.view.origin);
        halo_check(c.view.origin, g->ld, g->rows, g->cols, g->halo, g->row0, g->col0, c.view.has,
                   v);
        const double bytes = halo_bytes(run->params->value[HALO_P_N], g->halo, g->dims);
        halo_verify(run, v, bytes, (double)c.round * (mine[0] + mine[1]));
        halo_set_exchange(run, mine[0], bytes, mine[1], how);
    }
    tb_arena_free(&mem);
    tb_grid2d_free(g);
    return st;
}
