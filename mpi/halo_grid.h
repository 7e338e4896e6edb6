/* The halo benchmark on the stencil's MPI decomposition (mpi/grid2d.c),
 * shared by triobench-mpi and triobench-hybrid: they differ only in who
 * calls the exchange, which their batch function says. */
#ifndef TB_HALO_GRID_H
#define TB_HALO_GRID_H

#include "grid2d.h"
#include "kernels/halo.h"
#include "kernels/micro.h"

typedef struct tb_halo_grid {
    tb_grid2d g;
    halo_view view;   /* this rank's block */
    halo_edge *edges; /* [nthreads]: the threads' band edges (hybrid) */
    int nthreads;
    uint64_t round;       /* exchanges so far */
    double stale, stamps; /* stale stamps seen, stamps checked (this rank) */
} tb_halo_grid;

/* One exchange of round r by the calling thread (the only one, or the
 * master): stamp, exchange, check the stamps. A batch adds its count to
 * c->round. */
void tb_halo_grid_exchange(tb_halo_grid *c, uint64_t r);

/* Decompose, fill, measure with batch(ctx = the tb_halo_grid), check
 * (collective). `how` says what an exchange is (HALO_HOW_*). */
tb_status tb_halo_grid_run(tb_run *run, micro_batch_fn batch, int how);

#endif
