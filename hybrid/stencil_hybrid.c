/* The stencil, hybrid: the MPI decomposition of mpi/stencil_mpi.c, and
 * inside each rank an OpenMP team that splits the block's rows as
 * openmp/stencil_omp.c splits the grid. MPI_THREAD_FUNNELED: the master
 * thread exchanges the halo while the others wait at the barrier. */
#include <omp.h>
#include <string.h>

#include "stencil_block.h"
#include "tb_comm.h"
#include "team_timing.h"
#include "tb_split.h"
#include "tb_timer.h"

tb_status stencil_run(tb_run *run)
{
    const int nthreads = run->nthreads;
    tb_arena mem = {0};
    tb_thread_times *times = tb_arena_alloc(&mem, (size_t)nthreads, sizeof *times);
    double *acc = tb_arena_alloc(&mem, (size_t)nthreads * STENCIL_PART, sizeof(double));
    stencil_block b;
    tb_status st = stencil_block_create(&b, run->params, &mem);
    if (st != TB_OK) return st;
    const tb_grid2d *g = &b.g;
    double *in_blk = b.in_blk, *out_blk = b.out_blk;
    const int radius = b.radius;
    const int64_t i0 = b.i0, i1 = b.i1, j0 = b.j0, j1 = b.j1;
    const size_t halo_rows_bytes = sizeof(double) * (size_t)(g->halo * g->ld);

#pragma omp parallel num_threads(nthreads)
    {
        const int t = omp_get_thread_num();
        int64_t r0, r1;
        tb_split(g->rows, nthreads, t, &r0, &r1);
        const int64_t c0 = r0 > i0 ? r0 : i0, c1 = r1 < i1 ? r1 : i1; /* my interior rows */
        /* First touch: my rows, halo columns included. */
        memset(in_blk + r0 * g->ld - g->halo, 0, sizeof(double) * (size_t)((r1 - r0) * g->ld));
        memset(out_blk + r0 * g->ld - g->halo, 0, sizeof(double) * (size_t)((r1 - r0) * g->ld));
        stencil_init(in_blk + r0 * g->ld, out_blk + r0 * g->ld, g->ld, r1 - r0, g->cols,
                     g->row0 + r0, g->col0);
#pragma omp master
        {
            memset(b.in, 0, halo_rows_bytes);
            memset(in_blk + g->rows * g->ld - g->halo, 0, halo_rows_bytes);
        }
        tb_thread_times mine = {0};
#pragma omp barrier
        for (int it = 0; it < run->warmup + run->iters; it++) {
            if (it == run->warmup) { /* start the timed iterations together (mpi/stencil_mpi.c) */
#pragma omp master
                tb_comm_barrier();
#pragma omp barrier
            }
            double t0 = tb_now();
#pragma omp master
            tb_grid2d_exchange(&b.g, in_blk);
            double t1 = tb_now();
#pragma omp barrier
            double t2 = tb_now();
            if (c1 > c0) stencil_apply(in_blk, out_blk, g->ld, radius, b.w, c0, c1, j0, j1);
            double t3 = tb_now();
#pragma omp barrier
            double t4 = tb_now();
            stencil_increment(in_blk, g->ld, r0, r1, 0, g->cols);
            double t5 = tb_now();
#pragma omp barrier
            double t6 = tb_now();
            /* comm: non-zero on the master only */
            tb_team_account(run, &mine, t, it, (t3 - t2) + (t5 - t4), t1 - t0,
                            (t2 - t1) + (t4 - t3) + (t6 - t5), t6 - t0);
        }
        times[t] = mine;
        stencil_acc_init(acc + STENCIL_PART * t);
        stencil_acc_init(acc + STENCIL_PART * t + 3);
        stencil_accumulate_in(in_blk, g->ld, r0, r1, 0, g->cols, g->row0, g->col0,
                              acc + STENCIL_PART * t + 3);
        if (c1 > c0) stencil_accumulate(out_blk, g->ld, c0, c1, j0, j1, acc + STENCIL_PART * t);
    }

    tb_team_breakdown(run, times, nthreads);
    stencil_verify_parts(run, acc, nthreads, run->warmup + run->iters);
    tb_arena_free(&mem);
    stencil_block_free(&b);
    return TB_OK;
}
