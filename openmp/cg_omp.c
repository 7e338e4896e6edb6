/* NPB CG, OpenMP: each thread generates and owns a block of rows of A
 * (first touch puts them in its memory) and the same rows of the vectors,
 * which are shared arrays. The dot products are team sums (one barrier
 * each, openmp/team_reduce.c); "sharing" p or z is a barrier, after which
 * every thread reads the rows the others wrote. Comm is 0: threads read
 * shared memory directly; the barriers are sync. */
#include <math.h>
#include <omp.h>

#include "kernels/cg.h"
#include "team_reduce.h"
#include "team_timing.h"
#include "tb_arena.h"
#include "tb_split.h"
#include "tb_timer.h"

typedef struct thread_ctx {
    tb_team_reducer reducer;
    double sync;
} thread_ctx;

static void team_sum(void *ctx, double *values, int count)
{
    thread_ctx *c = ctx;
    double t0 = tb_now();
    tb_team_sum(&c->reducer, values, count);
    c->sync += tb_now() - t0;
}

static void team_share(void *ctx, double *full)
{
    (void)full;
    thread_ctx *c = ctx;
    double t0 = tb_now();
#pragma omp barrier
    c->sync += tb_now() - t0;
}

tb_status cg_run(tb_run *run)
{
    const cg_class *c = cg_class_of(run->params);
    const int64_t n = c->n;
    const int nthreads = run->nthreads;
    tb_arena arena = {0};
    double *mem = tb_arena_alloc(&arena, (size_t)(5 * n), sizeof(double));
    tb_thread_times *times = tb_arena_alloc(&arena, (size_t)nthreads, sizeof *times);
    tb_team_reduce reduce;
    tb_team_reduce_init(&reduce, nthreads, &arena);
    tb_status st = tb_arena_check(&arena, "5 vectors of %lld", (long long)n);
    if (st != TB_OK) return st;
    double *X = mem, *R = mem + n, *Q = mem + 2 * n, *Z = mem + 3 * n, *P = mem + 4 * n;
    int failed = 0;
    double worst = NAN;
    int64_t steps = 0; /* thread 0's CG steps */

#pragma omp parallel num_threads(nthreads)
    {
        const int t = omp_get_thread_num();
        int64_t r0, r1;
        tb_split(n, nthreads, t, &r0, &r1);
        cg_block A;
        if (cg_block_build(&A, c, r0, r1) != TB_OK) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp barrier
        int ok;
#pragma omp atomic read
        ok = failed;
        ok = !ok;
        if (ok) {
            cg_vectors v = {X + r0, R + r0, Q + r0, Z, P, 0};
            thread_ctx ctx = {{&reduce, t, 0}, 0.0};
            const cg_ops ops = {team_sum, team_share, &ctx};
            tb_thread_times mine = {0};
            double rnorm;
            for (int it = 0; it < run->warmup + run->iters; it++) {
                cg_start(&A, &v);
                ctx.sync = 0.0;
#pragma omp barrier
                double t0 = tb_now();
                double zeta = cg_solve(&A, c, &v, &ops, &rnorm);
                double elapsed = tb_now() - t0;
                tb_team_account(run, &mine, t, it, elapsed - ctx.sync, 0.0, ctx.sync, elapsed);
                if (t == 0) worst = cg_worst_zeta(run->params, worst, zeta);
            }
            times[t] = mine;
            if (t == 0) steps = v.steps;
        }
        cg_block_free(&A);
    }

    if (failed) {
        st = TB_ERUNTIME; /* a thread's cg_block_build set the message */
    } else {
        tb_team_breakdown(run, times, nthreads);
        cg_verify(run, worst, steps);
    }
    tb_arena_free(&arena);
    return st;
}
