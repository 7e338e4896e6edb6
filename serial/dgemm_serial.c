/* dgemm, serial: the packed multiply on the whole matrices. */
#include "kernels/dgemm.h"
#include "tb_arena.h"
#include "tb_error.h"
#include "tb_mem.h"
#include "tb_timer.h"

tb_status dgemm_run(tb_run *run)
{
    const int64_t n = run->params->value[DGEMM_P_N];
    tb_arena mem = {0};
    double *a = tb_arena_alloc_huge(&mem, (size_t)(n * n), sizeof(double));
    double *b = tb_arena_alloc_huge(&mem, (size_t)(n * n), sizeof(double));
    double *c = tb_arena_alloc_huge(&mem, (size_t)(n * n), sizeof(double));
    dgemm_ws ws = {0};
    tb_status st = tb_arena_check(&mem, "three %lld x %lld matrices", (long long)n, (long long)n);
    if (st == TB_OK) st = dgemm_ws_alloc(&ws, run->params->value[DGEMM_P_PANEL]);
    if (st != TB_OK) {
        tb_arena_free(&mem);
        return st;
    }
    dgemm_init_a(a, n, n, n, 0, 0);
    dgemm_init_b(b, n, n, n, 0, 0);
    dgemm_init_c(c, n, n, n);

    for (int it = 0; it < run->warmup + run->iters; it++) {
        double t0 = tb_now();
        dgemm_multiply(n, n, n, a, n, b, n, c, n, &ws);
        double t = tb_now() - t0;
        if (tb_run_record(run, it, t)) run->breakdown.compute += t;
    }

    double acc[3] = {0.0, 0.0, 0.0};
    dgemm_accumulate(c, n, 0, n, n, 0, 0, n, run->warmup + run->iters, acc);
    dgemm_verify(run, acc, run->warmup + run->iters);
    tb_arena_free(&mem);
    dgemm_ws_free(&ws);
    return TB_OK;
}
