/* The stencil, OpenMP: one shared grid; each thread owns a band of rows,
 * touches it first (so its pages are local to the thread) and computes it.
 * Synchronisation: a barrier after the sweep (the increment must not change
 * rows a neighbour is still reading) and one after the increment. */
#include <omp.h>

#include "kernels/stencil.h"
#include "team_timing.h"
#include "tb_arena.h"
#include "tb_error.h"
#include "tb_mem.h"
#include "tb_split.h"
#include "tb_timer.h"

tb_status stencil_run(tb_run *run)
{
    const int64_t n = run->params->value[STENCIL_P_N];
    const int radius = (int)run->params->value[STENCIL_P_RADIUS];
    const int nthreads = run->nthreads;
    tb_arena mem = {0};
    double *in = tb_arena_alloc(&mem, (size_t)(n * n), sizeof(double));
    double *out = tb_arena_alloc(&mem, (size_t)(n * n), sizeof(double));
    tb_thread_times *times = tb_arena_alloc(&mem, (size_t)nthreads, sizeof *times);
    double *acc = tb_arena_alloc(&mem, (size_t)nthreads * STENCIL_PART, sizeof(double));
    tb_status st = tb_arena_check(&mem, "two %lld x %lld grids", (long long)n, (long long)n);
    if (st != TB_OK) return st;
    double w[STENCIL_MAX_RADIUS + 1];
    stencil_weights(radius, w);
    int64_t l0, l1;
    stencil_interior(n, radius, 0, n, &l0, &l1);

#pragma omp parallel num_threads(nthreads)
    {
        const int t = omp_get_thread_num();
        int64_t r0, r1;
        tb_split(n, nthreads, t, &r0, &r1);
        const int64_t c0 = r0 > l0 ? r0 : l0, c1 = r1 < l1 ? r1 : l1; /* my interior rows */
        stencil_init(in + r0 * n, out + r0 * n, n, r1 - r0, n, r0, 0);
        tb_thread_times mine = {0};
#pragma omp barrier
        for (int it = 0; it < run->warmup + run->iters; it++) {
            double t0 = tb_now();
            if (c1 > c0) stencil_apply(in, out, n, radius, w, c0, c1, l0, l1);
            double t1 = tb_now();
#pragma omp barrier
            double t2 = tb_now();
            stencil_increment(in, n, r0, r1, 0, n);
            double t3 = tb_now();
#pragma omp barrier
            double t4 = tb_now();
            tb_team_account(run, &mine, t, it, (t1 - t0) + (t3 - t2), 0.0, (t2 - t1) + (t4 - t3),
                            t4 - t0);
        }
        times[t] = mine;
        stencil_acc_init(acc + STENCIL_PART * t);
        stencil_acc_init(acc + STENCIL_PART * t + 3);
        stencil_accumulate_in(in, n, r0, r1, 0, n, 0, 0, acc + STENCIL_PART * t + 3);
        if (c1 > c0) stencil_accumulate(out, n, c0, c1, l0, l1, acc + STENCIL_PART * t);
    }

    tb_team_breakdown(run, times, nthreads);
    stencil_verify_parts(run, acc, nthreads, run->warmup + run->iters);
    tb_arena_free(&mem);
    return TB_OK;
}
