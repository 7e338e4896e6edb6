/* NPB CG, MPI: a block of consecutive rows per rank (any rank count). Each
 * rank generates only its rows of A (running makea's whole random stream,
 * which is short, and keeping its rows) and holds its rows of x, r, q and
 * whole copies of z and p, since its rows reach every column. After each
 * update of p (and of z, once per outer iteration) the ranks' rows are
 * gathered everywhere (MPI_Allgatherv: comm); dot products are
 * all-reduced (sync). */
#include <math.h>

#include "kernels/cg.h"
#include "rowblock.h"
#include "tb_comm.h"
#include "tb_arena.h"
#include "tb_error.h"
#include "tb_mem.h"
#include "tb_timer.h"

static void rank_sum(void *ctx, double *values, int count) { tb_rowblock_sum(ctx, values, count); }
static void rank_share(void *ctx, double *full) { tb_rowblock_gather(ctx, full); }

tb_status cg_run(tb_run *run)
{
    const cg_class *c = cg_class_of(run->params);
    const int64_t n = c->n;
    tb_rowblock rb;
    cg_block A = {0};
    tb_arena arena = {0};
    double *mem = NULL;
    tb_status st = tb_rowblock_create(&rb, n, 1);
    if (st == TB_OK) st = cg_block_build(&A, c, rb.row0, rb.row1);
    const int64_t rows = rb.row1 - rb.row0;
    if (st == TB_OK) {
        mem = tb_arena_alloc(&arena, (size_t)(2 * n + 3 * rows + 3), sizeof(double));
        st = tb_arena_check(&arena, "the CG vectors");
    }
    st = tb_comm_worst(st);
    if (st != TB_OK) {
        tb_arena_free(&arena);
        cg_block_free(&A);
        tb_rowblock_free(&rb);
        return st;
    }
    cg_vectors v = {
        mem + 2 * n, mem + 2 * n + rows + 1, mem + 2 * n + 2 * (rows + 1), mem, mem + n, 0};
    const cg_ops ops = {rank_sum, rank_share, &rb};
    double worst = NAN, rnorm;
    for (int it = 0; it < run->warmup + run->iters; it++) {
        cg_start(&A, &v);
        tb_comm_barrier();
        rb.comm = rb.sync = 0.0;
        double t0 = tb_now();
        double zeta = cg_solve(&A, c, &v, &ops, &rnorm);
        double t = tb_now() - t0;
        if (tb_run_record(run, it, t)) {
            run->breakdown.compute += t - rb.comm - rb.sync;
            run->breakdown.comm += rb.comm;
            run->breakdown.sync += rb.sync;
        }
        worst = cg_worst_zeta(run->params, worst, zeta);
    }
    cg_verify(run, worst, v.steps);
    tb_arena_free(&arena);
    cg_block_free(&A);
    tb_rowblock_free(&rb);
    return TB_OK;
}
