/* Allreduce, MPI: MPI_Allreduce of MPI_DOUBLE with MPI_SUM, every rank's
 * result in its own buffer. */
#include <mpi.h>

#include "kernels/allreduce.h"

static void mpi_allreduce(const double *part, double *result, int64_t n)
{
    MPI_Allreduce(part, result, (int)n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}

tb_status allreduce_run(tb_run *run)
{
    return allreduce_run_single(run, mpi_allreduce, &run->breakdown.comm);
}
