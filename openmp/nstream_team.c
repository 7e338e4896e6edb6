#include "nstream_team.h"

#include <omp.h>

#include "kernels/nstream.h"
#include "team_timing.h"
#include "tb_comm.h"
#include "tb_arena.h"
#include "tb_error.h"
#include "tb_mem.h"
#include "tb_timer.h"

tb_status nstream_team_run(tb_run *run, int64_t count)
{
    const int nthreads = run->nthreads;
    nstream_arrays x;
    tb_status st = nstream_alloc(&x, count);
    tb_arena mem = {0};
    tb_thread_times *times = tb_arena_alloc(&mem, (size_t)nthreads, sizeof *times);
    double *acc = tb_arena_alloc(&mem, (size_t)nthreads * 3, sizeof(double));
    if (st == TB_OK) st = tb_arena_check(&mem, "%d thread accounts", nthreads);
    st = tb_comm_worst(st);
    if (st != TB_OK) {
        nstream_free(&x);
        tb_arena_free(&mem);
        return st;
    }

#pragma omp parallel num_threads(nthreads)
    {
        const int t = omp_get_thread_num();
        int64_t i0, i1;
        nstream_band(count, nthreads, t, &i0, &i1); /* whole cache lines, the last band ragged */
        nstream_init(&x, i0, i1);
        tb_thread_times mine = {0};
#pragma omp barrier
#pragma omp master
        tb_comm_barrier();
#pragma omp barrier
        for (int it = 0; it < run->warmup + run->iters; it++) {
            double t0 = tb_now();
            nstream_triad(&x, i0, i1);
            double t1 = tb_now();
#pragma omp barrier
#pragma omp master
            tb_comm_barrier();
#pragma omp barrier
            double t2 = tb_now();
            tb_team_iteration(run, &mine, t, it, t0, t1, t2);
        }
        times[t] = mine;
        nstream_acc_init(acc + 3 * t);
        nstream_accumulate(&x, i0, i1, acc + 3 * t);
    }

    tb_team_breakdown(run, times, nthreads);
    double total[3];
    nstream_acc_init(total);
    for (int t = 0; t < nthreads; t++) nstream_acc_merge(total, acc + 3 * t);
    nstream_verify(run, total, run->warmup + run->iters);
    nstream_free(&x);
    tb_arena_free(&mem);
    return TB_OK;
}
