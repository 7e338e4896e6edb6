/* dgemm, MPI: SUMMA on a 2-D process grid (mpi/summa.c); each step's
 * broadcasts are comm, the local packed multiply of the panels is compute. */
#include "kernels/dgemm.h"
#include "summa.h"
#include "tb_comm.h"
#include "tb_timer.h"

tb_status dgemm_run(tb_run *run)
{
    const int64_t n = run->params->value[DGEMM_P_N];
    summa s;
    tb_status st = summa_create(&s, n, run->params->value[DGEMM_P_PANEL]);
    dgemm_ws ws = {0};
    if (st == TB_OK) st = dgemm_ws_alloc(&ws, s.panel);
    if (st != TB_EINPUT) st = tb_comm_worst(st); /* TB_EINPUT is the same on every rank */
    if (st != TB_OK) {
        dgemm_ws_free(&ws);
        summa_free(&s);
        return st;
    }
    dgemm_init_a(s.a, s.cols, s.rows, s.cols, s.row0, s.col0);
    dgemm_init_b(s.b, s.cols, s.rows, s.cols, s.row0, s.col0);
    dgemm_init_c(s.c, s.cols, s.rows, s.cols);

    for (int it = 0; it < run->warmup + run->iters; it++) {
        double comm = 0.0, compute = 0.0, t0 = tb_now();
        summa_step step;
        for (int64_t k0 = 0; k0 < n; k0 = step.k1) {
            summa_plan(&s, k0, &step);
            double t1 = tb_now();
            summa_fetch(&s, &step);
            double t2 = tb_now();
            dgemm_multiply(s.rows, s.cols, step.k1 - step.k0, step.a, step.lda, step.b, step.ldb,
                           s.c, s.cols, &ws);
            double t3 = tb_now();
            comm += t2 - t1;
            compute += t3 - t2;
        }
        if (tb_run_record(run, it, tb_now() - t0)) {
            run->breakdown.comm += comm;
            run->breakdown.compute += compute;
        }
    }

    double acc[3] = {0.0, 0.0, 0.0};
    dgemm_accumulate(s.c, s.cols, 0, s.rows, s.cols, s.row0, s.col0, n, run->warmup + run->iters,
                     acc);
    dgemm_verify(run, acc, run->warmup + run->iters);
    dgemm_ws_free(&ws);
    summa_free(&s);
    return TB_OK;
}
