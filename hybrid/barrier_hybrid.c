/* Barrier, hybrid: two levels, a team barrier, the master's MPI_Barrier,
 * a team barrier (openmp/team.c). */
#include <mpi.h>

#include "kernels/barrier.h"
#include "team.h"

static void mpi_barrier(void) { MPI_Barrier(MPI_COMM_WORLD); }

tb_status barrier_run(tb_run *run) { return tb_team_barrier_run(run, mpi_barrier); }
