/* Per-thread time accounts for OpenMP drivers, one cache line each so that
 * threads never share a line while they update their own. */
#ifndef TB_TEAM_TIMING_H
#define TB_TEAM_TIMING_H

#include "tb_kernel.h"

typedef struct tb_thread_times {
    double compute, comm, sync;
    char pad[64 - 3 * sizeof(double)];
} __attribute__((aligned(64))) tb_thread_times;

/* Add the team's accounts to run->breakdown: compute and sync as means over
 * threads; comm as the sum, since only the threads that communicate (the
 * master, in MPI_THREAD_FUNNELED) record any. */
static inline void tb_team_breakdown(tb_run *run, const tb_thread_times *t, int nthreads)
{
    for (int i = 0; i < nthreads; i++) {
        run->breakdown.compute += t[i].compute / nthreads;
        run->breakdown.comm += t[i].comm;
        run->breakdown.sync += t[i].sync / nthreads;
    }
}

#endif
