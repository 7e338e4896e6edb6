/* nstream, OpenMP: one set of arrays, each thread streams (and first
 * touches) its band; a barrier closes each iteration. */
#include "kernels/nstream.h"
#include "nstream_team.h"

tb_status nstream_run(tb_run *run)
{
    return nstream_team_run(run, run->params->value[NSTREAM_P_N]);
}
