/* Halo, hybrid: the hybrid stencil's exchange alone, the MPI decomposition
 * of mpi/grid2d.c with the master thread exchanging (MPI_THREAD_FUNNELED)
 * while the team waits at the barrier. */
#include "halo_grid.h"
#include "team.h"

static void body(void *arg, int t, int nthreads, int64_t count)
{
    (void)t; (void)nthreads;
    tb_halo_grid *c = arg;
    for (int64_t k = 0; k < count; k++) {
#pragma omp master
        tb_grid2d_exchange(&c->g, c->block);
#pragma omp barrier
    }
}

static double exchange_batch(void *arg, int64_t count)
{
    const tb_halo_grid *c = arg;
    return tb_team_batch(c->nthreads, body, arg, count);
}

tb_status halo_run(tb_run *run) { return tb_halo_grid_run(run, exchange_batch); }
