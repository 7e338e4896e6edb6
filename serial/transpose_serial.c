/* transpose, serial: the whole matrices, the tiled transpose in one pass. */
#include "kernels/transpose.h"
#include "tb_arena.h"
#include "tb_error.h"
#include "tb_mem.h"
#include "tb_timer.h"

tb_status transpose_run(tb_run *run)
{
    const int64_t n = run->params->value[TRANSPOSE_P_N];
    const int64_t tile = run->params->value[TRANSPOSE_P_TILE];
    tb_arena mem = {0};
    double *a = tb_arena_alloc_huge(&mem, (size_t)(n * n), sizeof(double));
    double *b = tb_arena_alloc_huge(&mem, (size_t)(n * n), sizeof(double));
    tb_status st = tb_arena_check(&mem, "two %lld x %lld matrices", (long long)n, (long long)n);
    if (st != TB_OK) return st;
    transpose_init(a, b, n, n, n, n, 0, 0);

    for (int it = 0; it < run->warmup + run->iters; it++) {
        double t0 = tb_now();
        transpose_block(a, n, b, n, 0, n, n, tile, 1);
        double t = tb_now() - t0;
        if (tb_run_record(run, it, t)) run->breakdown.compute += t;
    }

    double acc[2] = {0.0, 0.0};
    transpose_accumulate(b, n, 0, n, n, 0, 0, n, run->warmup + run->iters, acc);
    transpose_verify(run, acc, run->warmup + run->iters);
    tb_arena_free(&mem);
    return TB_OK;
}
