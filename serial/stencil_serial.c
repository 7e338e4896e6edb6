/* The stencil, serial: the reference and the speedup baseline. */
#include "kernels/stencil.h"
#include "tb_arena.h"
#include "tb_error.h"
#include "tb_mem.h"
#include "tb_timer.h"

tb_status stencil_run(tb_run *run)
{
    const int64_t n = run->params->value[STENCIL_P_N];
    const int radius = (int)run->params->value[STENCIL_P_RADIUS];
    tb_arena mem = {0};
    double *in = tb_arena_alloc(&mem, (size_t)(n * n), sizeof(double));
    double *out = tb_arena_alloc(&mem, (size_t)(n * n), sizeof(double));
    tb_status st = tb_arena_check(&mem, "two %lld x %lld grids", (long long)n, (long long)n);
    if (st != TB_OK) return st;
    double w[STENCIL_MAX_RADIUS + 1];
    stencil_weights(radius, w);
    stencil_init(in, out, n, n, n, 0, 0);
    int64_t l0, l1;
    stencil_interior(n, radius, 0, n, &l0, &l1);

    for (int it = 0; it < run->warmup + run->iters; it++) {
        double t0 = tb_now();
        stencil_apply(in, out, n, radius, w, l0, l1, l0, l1);
        stencil_increment(in, n, 0, n, 0, n);
        double t = tb_now() - t0;
        if (tb_run_record(run, it, t)) run->breakdown.compute += t;
    }

    double acc[3], inc[3];
    stencil_acc_init(acc);
    stencil_acc_init(inc);
    stencil_accumulate(out, n, l0, l1, l0, l1, acc);
    stencil_accumulate_in(in, n, 0, n, 0, n, 0, 0, inc);
    stencil_verify(run, acc, inc, run->warmup + run->iters);
    tb_arena_free(&mem);
    return TB_OK;
}
