/* The stencil, MPI: a 2-D block per rank, the halo exchanged with the four
 * neighbours before every sweep. No rank ever holds more than its block. */
#include <string.h>

#include "grid2d.h"
#include "kernels/stencil.h"
#include "tb_comm.h"
#include "tb_arena.h"
#include "tb_error.h"
#include "tb_mem.h"
#include "tb_timer.h"

tb_status stencil_run(tb_run *run)
{
    const int64_t n = run->params->value[STENCIL_P_N];
    const int radius = (int)run->params->value[STENCIL_P_RADIUS];
    tb_grid2d g;
    tb_status st = tb_grid2d_create(&g, n, radius);
    if (st == TB_EINPUT) return st; /* the same on every rank */
    tb_arena mem = {0};
    double *in = tb_arena_alloc(&mem, (size_t)tb_grid2d_points(&g), sizeof(double));
    double *out = tb_arena_alloc(&mem, (size_t)tb_grid2d_points(&g), sizeof(double));
    if (st == TB_OK)
        st = tb_arena_check(&mem, "two %lld x %lld blocks", (long long)g.rows, (long long)g.cols);
    st = tb_comm_worst(st);
    if (st != TB_OK) {
        tb_arena_free(&mem);
        tb_grid2d_free(&g);
        return st;
    }
    memset(in, 0, sizeof(double) * (size_t)tb_grid2d_points(&g));
    memset(out, 0, sizeof(double) * (size_t)tb_grid2d_points(&g));
    double *in_blk = tb_grid2d_origin(&g, in), *out_blk = tb_grid2d_origin(&g, out);
    stencil_init(in_blk, out_blk, g.ld, g.rows, g.cols, g.row0, g.col0);
    double w[STENCIL_MAX_RADIUS + 1];
    stencil_weights(radius, w);
    int64_t i0, i1, j0, j1;
    stencil_interior(n, radius, g.row0, g.row1, &i0, &i1);
    stencil_interior(n, radius, g.col0, g.col1, &j0, &j1);

    for (int it = 0; it < run->warmup + run->iters; it++) {
        double t0 = tb_now();
        tb_grid2d_exchange(&g, in_blk);
        double t1 = tb_now();
        stencil_apply(in_blk, out_blk, g.ld, radius, w, i0, i1, j0, j1);
        stencil_increment(in_blk, g.ld, 0, g.rows, 0, g.cols);
        double t2 = tb_now();
        if (tb_run_record(run, it, t2 - t0)) {
            run->breakdown.comm += t1 - t0;
            run->breakdown.compute += t2 - t1;
        }
    }

    double acc[3], inc[3];
    stencil_acc_init(acc);
    stencil_acc_init(inc);
    stencil_accumulate(out_blk, g.ld, i0, i1, j0, j1, acc);
    stencil_accumulate_in(in_blk, g.ld, 0, g.rows, 0, g.cols, g.row0, g.col0, inc);
    stencil_verify(run, acc, inc, run->warmup + run->iters);
    tb_arena_free(&mem);
    tb_grid2d_free(&g);
    return TB_OK;
}
