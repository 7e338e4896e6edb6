/* peak, hybrid: each rank takes its tb_split share of the n FMAs (as in
 * mpi/peak_mpi.c) and its OpenMP team shares that (as in
 * openmp/peak_omp.c); between iterations, outside the parallel region, the
 * master joins the barrier over ranks (MPI_THREAD_FUNNELED). */
#include "kernels/peak.h"
#include "tb_split.h"
#include "team.h"

tb_status peak_run(tb_run *run)
{
    int64_t begin, end;
    tb_split(run->params->value[PEAK_P_N], run->nranks, run->rank, &begin, &end);
    return peak_run_process(run, end - begin, tb_team_batch);
}
