/* Barrier, OpenMP: #pragma omp barrier in one parallel region, EPCC's
 * BARRIER test (openmp/team.c). */
#include "kernels/barrier.h"
#include "team.h"

tb_status barrier_run(tb_run *run) { return tb_team_barrier_run(run, NULL); }
