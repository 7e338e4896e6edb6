/* Halo, hybrid: the hybrid stencil's exchange alone, the MPI decomposition
 * of mpi/grid2d.c with the master thread exchanging (MPI_THREAD_FUNNELED)
 * while the team waits at the barrier; after it each thread checks its
 * neighbour threads' band stamps, the rows it would read in place. */
#include "halo_grid.h"
#include "team.h"

static void body(void *arg, int t, int nthreads, int64_t count)
{
    tb_halo_grid *c = arg;
    const uint64_t first = c->round;
    int stale = 0, stamps = 0;
    for (int64_t k = 0; k < count; k++) {
        const uint64_t r = first + (uint64_t)k;
        halo_edge_stamp(c->edges, t, r);
#pragma omp master
        tb_halo_grid_exchange(c, r);
#pragma omp barrier
        stale += halo_edge_stale(c->edges, t, nthreads, r);
        stamps += (t > 0) + (t < nthreads - 1);
    }
#pragma omp critical
    {
        c->stale += stale;
        c->stamps += stamps;
    }
}

static double exchange_batch(void *arg, int64_t count)
{
    tb_halo_grid *c = arg;
    double t = tb_team_batch(c->nthreads, body, arg, count);
    c->round += (uint64_t)count;
    return t;
}

tb_status halo_run(tb_run *run)
{
    return tb_halo_grid_run(run, exchange_batch, HALO_HOW_MPI_IN_PLACE);
}
