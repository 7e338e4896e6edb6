/* Per-thread time accounts for OpenMP drivers, one cache line each so that
 * threads never share a line while they update their own. */
#ifndef TB_TEAM_TIMING_H
#define TB_TEAM_TIMING_H

#include "tb_kernel.h"

typedef struct tb_thread_times {
    double compute, comm, sync;
    char pad[64 - 3 * sizeof(double)];
} __attribute__((aligned(64))) tb_thread_times;

/* Iteration `it` of thread t spent `compute`, `comm` and `sync` seconds
 * and lasted `elapsed` on thread 0: kept if it is a timed iteration, and
 * thread 0 records its time. */
static inline void tb_team_account(tb_run *run, tb_thread_times *mine, int t, int it,
                                   double compute, double comm, double sync, double elapsed)
{
    if (it < run->warmup) return;
    mine->compute += compute;
    mine->comm += comm;
    mine->sync += sync;
    if (t == 0) tb_run_record(run, it, elapsed);
}

/* One iteration of thread t that computed from t0 to t1 and then waited at
 * the barrier(s) closing the iteration until t2. */
static inline void tb_team_iteration(tb_run *run, tb_thread_times *mine, int t, int it, double t0,
                                     double t1, double t2)
{
    tb_team_account(run, mine, t, it, t1 - t0, 0.0, t2 - t1, t2 - t0);
}

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
