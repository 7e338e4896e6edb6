/* NPB CG, serial: the whole matrix in one block; the sums and the
 * exchanges have nothing to do. */
#include <math.h>

#include "kernels/cg.h"
#include "tb_arena.h"
#include "tb_error.h"
#include "tb_mem.h"
#include "tb_timer.h"

static void nothing_to_sum(void *ctx, double *values, int count)
{
    (void)ctx;
    (void)values;
    (void)count;
}

static void nothing_to_share(void *ctx, double *full)
{
    (void)ctx;
    (void)full;
}

tb_status cg_run(tb_run *run)
{
    const cg_class *c = cg_class_of(run->params);
    cg_block A;
    tb_status st = cg_block_build(&A, c, 0, c->n);
    if (st != TB_OK) return st;
    tb_arena arena = {0};
    double *mem = tb_arena_alloc(&arena, (size_t)(5 * c->n), sizeof(double));
    st = tb_arena_check(&arena, "5 vectors of %lld", (long long)c->n);
    if (st != TB_OK) {
        cg_block_free(&A);
        return st;
    }
    cg_vectors v = {mem, mem + c->n, mem + 2 * c->n, mem + 3 * c->n, mem + 4 * c->n, 0};
    const cg_ops ops = {nothing_to_sum, nothing_to_share, NULL};
    double worst = NAN, rnorm;
    for (int it = 0; it < run->warmup + run->iters; it++) {
        cg_start(&A, &v);
        double t0 = tb_now();
        double zeta = cg_solve(&A, c, &v, &ops, &rnorm);
        double t = tb_now() - t0;
        if (tb_run_record(run, it, t)) run->breakdown.compute += t;
        worst = cg_worst_zeta(run->params, worst, zeta);
    }
    cg_verify(run, worst, v.steps);
    tb_arena_free(&arena);
    cg_block_free(&A);
    return TB_OK;
}
