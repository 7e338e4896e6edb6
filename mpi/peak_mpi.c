/* peak, MPI: each rank does its tb_split share of the n FMAs of each
 * iteration on one thread. Nothing moves between ranks; the barrier that
 * closes each iteration (sync) makes the ranks compute at the same time, as
 * they would in an application, and the check's reductions come after. */
#include "kernels/peak.h"
#include "tb_split.h"

tb_status peak_run(tb_run *run)
{
    int64_t begin, end;
    tb_split(run->params->value[PEAK_P_N], run->nranks, run->rank, &begin, &end);
    return peak_run_process(run, end - begin, peak_alone);
}
