/* nstream, hybrid: each rank owns its block of the arrays (as in
 * mpi/nstream_mpi.c) and its OpenMP team streams it in bands (as in
 * openmp/nstream_omp.c); the master thread joins the barrier over ranks
 * that closes each iteration (MPI_THREAD_FUNNELED). */
#include "kernels/nstream.h"
#include "nstream_team.h"
#include "tb_split.h"

tb_status nstream_run(tb_run *run)
{
    int64_t begin, end;
    tb_split(run->params->value[NSTREAM_P_N], run->nranks, run->rank, &begin, &end);
    return nstream_team_run(run, end - begin);
}
