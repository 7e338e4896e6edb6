/* peak, serial: one thread does all n FMAs of each iteration (the loop and
 * the check are peak_run_process in common/kernels/peak.c). */
#include "kernels/peak.h"

tb_status peak_run(tb_run *run)
{
    return peak_run_process(run, run->params->value[PEAK_P_N], peak_alone);
}
