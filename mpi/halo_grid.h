/* The halo benchmark on the stencil's MPI decomposition (mpi/grid2d.c),
 * shared by triobench-mpi and triobench-hybrid: they differ only in who
 * calls the exchange, which their batch function says. */
#ifndef TB_HALO_GRID_H
#define TB_HALO_GRID_H

#include "grid2d.h"
#include "kernels/micro.h"

typedef struct tb_halo_grid {
    tb_grid2d g;
    double *block;  /* origin of this rank's block */
    int nthreads;
} tb_halo_grid;

/* Decompose, fill, measure with batch(ctx = the tb_halo_grid), check
 * (collective). */
tb_status tb_halo_grid_run(tb_run *run, micro_batch_fn batch);

#endif
