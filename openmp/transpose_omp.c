/* transpose, OpenMP: shared matrices; each thread owns a band of B's rows
 * (whole 4-row register blocks), which it first touches with the same rows
 * of A, and transposes the matching columns of A into it, tile by tile.
 * Bands are disjoint in B and in A's columns, so the only synchronisation
 * is the barrier that closes each iteration. */
#include <omp.h>

#include "kernels/transpose.h"
#include "team_timing.h"
#include "tb_arena.h"
#include "tb_error.h"
#include "tb_mem.h"
#include "tb_timer.h"

tb_status transpose_run(tb_run *run)
{
    const int64_t n = run->params->value[TRANSPOSE_P_N];
    const int64_t tile = run->params->value[TRANSPOSE_P_TILE];
    const int nthreads = run->nthreads;
    tb_arena mem = {0};
    double *a = tb_arena_alloc_huge(&mem, (size_t)(n * n), sizeof(double));
    double *b = tb_arena_alloc_huge(&mem, (size_t)(n * n), sizeof(double));
    tb_thread_times *times = tb_arena_alloc(&mem, (size_t)nthreads, sizeof *times);
    double *acc = tb_arena_alloc(&mem, (size_t)nthreads * 2, sizeof(double));
    tb_status st = tb_arena_check(&mem, "two %lld x %lld matrices", (long long)n, (long long)n);
    if (st != TB_OK) return st;

#pragma omp parallel num_threads(nthreads)
    {
        const int t = omp_get_thread_num();
        int64_t r0, r1;
        transpose_band(n, t, nthreads, &r0, &r1);
        transpose_init(a + r0 * n, b + r0 * n, n, r1 - r0, n, n, r0, 0);
        tb_thread_times mine = {0};
#pragma omp barrier
        for (int it = 0; it < run->warmup + run->iters; it++) {
            double t0 = tb_now();
            transpose_block(a, n, b, n, r0, r1, n, tile, 1);
            double t1 = tb_now();
#pragma omp barrier
            double t2 = tb_now();
            tb_team_iteration(run, &mine, t, it, t0, t1, t2);
        }
        times[t] = mine;
        acc[2 * t] = acc[2 * t + 1] = 0.0;
        transpose_accumulate(b, n, r0, r1, n, 0, 0, n, run->warmup + run->iters, acc + 2 * t);
    }

    tb_team_breakdown(run, times, nthreads);
    double total[2] = {0.0, 0.0};
    for (int t = 0; t < nthreads; t++) transpose_acc_merge(total, acc + 2 * t);
    transpose_verify(run, total, run->warmup + run->iters);
    tb_arena_free(&mem);
    return TB_OK;
}
