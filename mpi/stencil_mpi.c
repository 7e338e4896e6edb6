/* The stencil, MPI: a 2-D block per rank (mpi/stencil_block.c), the halo
 * exchanged with the four neighbours before every sweep. No rank ever holds
 * more than its block. */
#include <string.h>

#include "stencil_block.h"
#include "tb_comm.h"
#include "tb_timer.h"

tb_status stencil_run(tb_run *run)
{
    tb_arena mem = {0};
    stencil_block b;
    tb_status st = stencil_block_create(&b, run->params, &mem);
    if (st != TB_OK) return st;
    tb_grid2d *g = &b.g;
    memset(b.in, 0, sizeof(double) * (size_t)tb_grid2d_points(g));
    memset(b.out, 0, sizeof(double) * (size_t)tb_grid2d_points(g));
    double *in_blk = b.in_blk, *out_blk = b.out_blk;
    stencil_init(in_blk, out_blk, g->ld, g->rows, g->cols, g->row0, g->col0);

    for (int it = 0; it < run->warmup + run->iters; it++) {
        /* The timed iterations start together (as PRK's stencil does): a
         * rank that finished its set-up late (first touch of its block)
         * would otherwise delay its neighbours, theirs one iteration later,
         * and so on across the grid, counted as halo waits of the timed
         * iterations (docs/results-schema.md, What is timed). */
        if (it == run->warmup) tb_comm_barrier();
        double t0 = tb_now();
        tb_grid2d_exchange(g, in_blk);
        double t1 = tb_now();
        stencil_apply(in_blk, out_blk, g->ld, b.radius, b.w, b.i0, b.i1, b.j0, b.j1);
        stencil_increment(in_blk, g->ld, 0, g->rows, 0, g->cols);
        double t2 = tb_now();
        if (tb_run_record(run, it, t2 - t0)) {
            run->breakdown.comm += t1 - t0;
            run->breakdown.compute += t2 - t1;
        }
    }

    double acc[3], inc[3];
    stencil_acc_init(acc);
    stencil_acc_init(inc);
    stencil_accumulate(out_blk, g->ld, b.i0, b.i1, b.j0, b.j1, acc);
    stencil_accumulate_in(in_blk, g->ld, 0, g->rows, 0, g->cols, g->row0, g->col0, inc);
    stencil_verify(run, acc, inc, run->warmup + run->iters);
    tb_arena_free(&mem);
    stencil_block_free(&b);
    return TB_OK;
}
