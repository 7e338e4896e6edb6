/* Halo, hybrid: the hybrid stencil's exchange alone, the MPI decomposition
 * of mpi/grid2d.c with the master thread exchanging (MPI_THREAD_FUNNELED)
 * while the team waits at the barrier; after it each thread checks its
 * neighbour threads' band stamps, the rows it would read in place. */
#include "halo_grid.h"
#include "halo_team.h"

static void exchange(void *arg, uint64_t r) { tb_halo_grid_exchange(arg, r); }

static double exchange_batch(void *arg, int64_t count)
{
    tb_halo_grid *c = arg;
    halo_team h = {c->edges, c->nthreads, c->round, 0.0, 0.0, exchange, c};
    double t = halo_team_batch(&h, count);
    c->round = h.round;
    c->stale += h.stale;
    c->stamps += h.stamps;
    return t;
}

tb_status halo_run(tb_run *run)
{
    return tb_halo_grid_run(run, exchange_batch, HALO_HOW_MPI_IN_PLACE);
}
