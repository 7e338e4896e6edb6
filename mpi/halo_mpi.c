/* Halo, MPI: the stencil's decomposition and exchange (mpi/grid2d.c), and
 * nothing else. */
#include "halo_grid.h"
#include "tb_timer.h"

static double exchange_batch(void *arg, int64_t count)
{
    tb_halo_grid *c = arg;
    double t0 = tb_now();
    for (int64_t k = 0; k < count; k++) tb_halo_grid_exchange(c, c->round + (uint64_t)k);
    double t = tb_now() - t0;
    c->round += (uint64_t)count;
    return t;
}

tb_status halo_run(tb_run *run) { return tb_halo_grid_run(run, exchange_batch, HALO_HOW_MPI); }
