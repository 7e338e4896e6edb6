/* peak, OpenMP: one process; its team shares the n FMAs of each iteration
 * (each thread its tb_split share, in its own registers). tb_team_batch
 * starts the team and joins it at a barrier, so an iteration lasts until
 * the slowest thread is done. */
#include "kernels/peak.h"
#include "team.h"

tb_status peak_run(tb_run *run)
{
    return peak_run_process(run, run->params->value[PEAK_P_N], tb_team_batch);
}
