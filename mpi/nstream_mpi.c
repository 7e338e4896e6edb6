/* nstream, MPI: each rank owns its block of the three arrays (tb_split of
 * n) and streams it; no data moves between ranks. The only communication in
 * the timed loop is the barrier closing each iteration (counted as sync), so
 * that the ranks stream concurrently; the reductions of the check come after. */
#include "kernels/nstream.h"
#include "tb_split.h"

tb_status nstream_run(tb_run *run)
{
    int64_t begin, end;
    tb_split(run->params->value[NSTREAM_P_N], run->nranks, run->rank, &begin, &end);
    return nstream_run_single(run, end - begin);
}
