/* transpose, serial: the whole matrices, the tiled transpose in one pass. */
#include "kernels/transpose.h"
#include "tb_error.h"
#include "tb_mem.h"
#include "tb_timer.h"

tb_status transpose_run(tb_run *run)
{
    const int64_t n = run->params->value[TRANSPOSE_P_N];
    const int64_t tile = run->params->value[TRANSPOSE_P_TILE];
    double *a = tb_alloc_huge((size_t)(n * n), sizeof(double));
    double *b = tb_alloc_huge((size_t)(n * n), sizeof(double));
    if (!a || !b) {
        tb_free(a); tb_free(b);
        return tb_error_set(TB_ERUNTIME, "out of memory for two %lld x %lld matrices",
                            (long long)n, (long long)n);
    }
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
    tb_free(a); tb_free(b);
    return TB_OK;
}
