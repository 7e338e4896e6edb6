/* nstream, serial: the whole arrays in one process (the loop is
 * nstream_run_single in common/kernels/nstream.c). */
#include "kernels/nstream.h"

tb_status nstream_run(tb_run *run)
{
    return nstream_run_single(run, run->params->value[NSTREAM_P_N]);
}
