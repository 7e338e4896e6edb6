/* Allreduce, hybrid: the team's reduction into the rank's shared result
 * (openmp/team.c), then the master's MPI_Allreduce in place across ranks
 * (MPI_THREAD_FUNNELED), then a team barrier. */
#include <mpi.h>

#include "kernels/allreduce.h"
#include "team.h"

static void mpi_allreduce(double *result, int64_t n)
{
    MPI_Allreduce(MPI_IN_PLACE, result, (int)n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}

tb_status allreduce_run(tb_run *run) { return tb_team_allreduce_run(run, mpi_allreduce); }
