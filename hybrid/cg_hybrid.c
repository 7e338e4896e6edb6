/* NPB CG, hybrid: the row blocks of mpi/cg_mpi.c over ranks, and inside
 * each rank the threads of openmp/cg_omp.c, each generating and owning a
 * sub-block of the rank's rows. A sum is a team sum (barrier) followed by
 * the master thread's MPI_Allreduce and a barrier; sharing p or z is a
 * barrier, the master thread's MPI_Allgatherv of the rank's rows
 * (MPI_THREAD_FUNNELED), and a barrier. With one rank the team does as
 * openmp/cg_omp.c: one barrier per sum and per share. */
#include <math.h>
#include <omp.h>
#include <string.h>

#include "kernels/cg.h"
#include "rowblock.h"
#include "team_reduce.h"
#include "team_timing.h"
#include "tb_comm.h"
#include "tb_error.h"
#include "tb_split.h"
#include "tb_timer.h"

typedef struct thread_ctx {
    tb_team_reducer reducer;
    tb_rowblock *rb; /* the rank's, used by the master thread */
    double *totals;  /* the rank's: the master's all-reduced values */
    int alone;       /* one rank: the team's sums are the totals, nothing to gather */
    double in_ops;   /* seconds in sum and share */
} thread_ctx;

static void hybrid_sum(void *ctx, double *values, int count)
{
    thread_ctx *c = ctx;
    double t0 = tb_now();
    tb_team_sum(&c->reducer, values, count);
    if (c->alone) {
        c->in_ops += tb_now() - t0;
        return;
    }
#pragma omp master
    {
        tb_rowblock_sum(c->rb, values, count);
        for (int k = 0; k < count; k++) c->totals[k] = values[k];
    }
#pragma omp barrier
    for (int k = 0; k < count; k++) values[k] = c->totals[k];
    c->in_ops += tb_now() - t0;
}

static void hybrid_share(void *ctx, double *full)
{
    thread_ctx *c = ctx;
    double t0 = tb_now();
#pragma omp barrier
    if (!c->alone) {
#pragma omp master
        tb_rowblock_gather(c->rb, full);
#pragma omp barrier
    }
    c->in_ops += tb_now() - t0;
}

/* The rank's blocks (the first nblocks built or freeable), the arena and
 * the row distribution. */
static void free_all(cg_block *blocks, int nblocks, tb_arena *arena, tb_rowblock *rb)
{
    for (int t = 0; t < nblocks; t++) cg_block_free(&blocks[t]);
    tb_arena_free(arena);
    tb_rowblock_free(rb);
}

tb_status cg_run(tb_run *run)
{
    const cg_class *c = cg_class_of(run->params);
    const int64_t n = c->n;
    const int nthreads = run->nthreads;
    tb_rowblock rb;
    tb_status st = tb_rowblock_create(&rb, n, nthreads);
    const int64_t rows = rb.row1 - rb.row0;
    tb_arena arena = {0};
    double *mem =
        tb_arena_alloc(&arena, (size_t)(2 * n + 3 * rows + TB_TEAM_REDUCE_MAX), sizeof(double));
    cg_block *blocks = tb_arena_alloc(&arena, (size_t)nthreads, sizeof *blocks);
    tb_thread_times *times = tb_arena_alloc(&arena, (size_t)nthreads, sizeof *times);
    tb_team_reduce reduce;
    tb_team_reduce_init(&reduce, nthreads, &arena);
    if (st == TB_OK) st = tb_arena_check(&arena, "the CG vectors");
    const int nblocks = st == TB_OK ? nthreads : 0; /* built, or left freeable */
    if (st == TB_OK) {
        memset(blocks, 0, sizeof *blocks * (size_t)nthreads);
        int failed = 0;
#pragma omp parallel num_threads(nthreads)
        {
            const int t = omp_get_thread_num();
            int64_t a, b;
            tb_split(rows, nthreads, t, &a, &b);
            if (cg_block_build(&blocks[t], c, rb.row0 + a, rb.row0 + b) != TB_OK) {
#pragma omp atomic write
                failed = 1;
            }
        }
        if (failed) st = TB_ERUNTIME; /* cg_block_build set the message */
    }
    st = tb_comm_worst(st);
    if (st != TB_OK) {
        free_all(blocks, nblocks, &arena, &rb);
        return st;
    }
    double *X = mem + 2 * n, *R = X + rows, *Q = R + rows, *totals = Q + rows;
    double worst = NAN;
    int64_t steps = 0; /* thread 0's CG steps */

#pragma omp parallel num_threads(nthreads)
    {
        const int t = omp_get_thread_num();
        const cg_block *A = &blocks[t];
        const int64_t off = A->row0 - rb.row0;
        cg_vectors v = {X + off, R + off, Q + off, mem, mem + n, 0};
        thread_ctx ctx = {{&reduce, t, 0}, &rb, totals, run->nranks == 1, 0.0};
        const cg_ops ops = {hybrid_sum, hybrid_share, &ctx};
        tb_thread_times mine = {0};
        double rnorm;
        for (int it = 0; it < run->warmup + run->iters; it++) {
            cg_start(A, &v);
            ctx.in_ops = 0.0;
#pragma omp master
            {
                tb_comm_barrier();
                rb.comm = rb.sync = 0.0;
            }
#pragma omp barrier
            double t0 = tb_now();
            double zeta = cg_solve(A, c, &v, &ops, &rnorm);
            double elapsed = tb_now() - t0;
            const double comm = t == 0 ? rb.comm : 0.0;
            tb_team_account(run, &mine, t, it, elapsed - ctx.in_ops, comm, ctx.in_ops - comm,
                            elapsed);
            if (t == 0) worst = cg_worst_zeta(run->params, worst, zeta);
        }
        times[t] = mine;
        if (t == 0) steps = v.steps;
    }

    tb_team_breakdown(run, times, nthreads);
    cg_verify(run, worst, steps);
    free_all(blocks, nthreads, &arena, &rb);
    return TB_OK;
}
