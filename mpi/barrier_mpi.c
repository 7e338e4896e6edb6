/* Barrier, MPI: MPI_Barrier over every rank. */
#include <mpi.h>

#include "kernels/barrier.h"

static void mpi_barrier(void) { MPI_Barrier(MPI_COMM_WORLD); }

tb_status barrier_run(tb_run *run)
{
    return barrier_run_single(run, mpi_barrier, &run->breakdown.sync);
}
