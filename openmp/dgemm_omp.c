/* dgemm, OpenMP: shared matrices; threads over blocks of C
 * (openmp/dgemm_team.c), each multiplying its block with its own packing
 * buffers and first touching its block of C and the rows of A it reads.
 * The barrier closing each multiply is the only synchronisation. */
#include <omp.h>

#include "dgemm_team.h"
#include "team_timing.h"
#include "tb_arena.h"
#include "tb_error.h"
#include "tb_mem.h"
#include "tb_split.h"
#include "tb_timer.h"

tb_status dgemm_run(tb_run *run)
{
    const int64_t n = run->params->value[DGEMM_P_N];
    const int nthreads = run->nthreads;
    tb_arena mem = {0};
    double *a = tb_arena_alloc_huge(&mem, (size_t)(n * n), sizeof(double));
    double *b = tb_arena_alloc_huge(&mem, (size_t)(n * n), sizeof(double));
    double *c = tb_arena_alloc_huge(&mem, (size_t)(n * n), sizeof(double));
    dgemm_team team = {0};
    tb_status st = tb_arena_check(&mem, "three %lld x %lld matrices", (long long)n, (long long)n);
    if (st == TB_OK) st = dgemm_team_create(&team, nthreads, run->params->value[DGEMM_P_PANEL]);
    if (st != TB_OK) {
        tb_arena_free(&mem);
        return st;
    }

#pragma omp parallel num_threads(nthreads)
    {
        const int t = omp_get_thread_num();
        int64_t r0, r1, i0, i1, j0, j1;
        tb_split(n, nthreads, t, &r0, &r1);
        dgemm_init_a(a + r0 * n, n, r1 - r0, n, r0, 0);
        dgemm_init_b(b + r0 * n, n, r1 - r0, n, r0, 0);
        dgemm_thread_block(t, nthreads, n, n, &i0, &i1, &j0, &j1);
        dgemm_init_c(c + i0 * n + j0, n, i1 - i0, j1 - j0);
        tb_thread_times mine = {0};
#pragma omp barrier
        for (int it = 0; it < run->warmup + run->iters; it++) {
            double t0 = tb_now();
            dgemm_team_multiply(&team, t, n, n, n, a, n, b, n, c, n);
            double t1 = tb_now();
#pragma omp barrier
            double t2 = tb_now();
            tb_team_iteration(run, &mine, t, it, t0, t1, t2);
        }
        team.times[t] = mine;
        dgemm_accumulate(c + j0, n, i0, i1, j1 - j0, 0, j0, n, run->warmup + run->iters,
                         dgemm_team_acc(&team, t));
    }

    dgemm_team_verify(&team, run, run->warmup + run->iters);
    tb_arena_free(&mem);
    dgemm_team_free(&team);
    return TB_OK;
}
