/* transpose, MPI: a row block of A and of B per rank (a column block in the
 * PRK's column-major terms); the all-to-all of transposed tiles and the
 * local tiled transposes of mpi/transpose_dist.c. comm is the time posting
 * and waiting for the messages; the rest is compute. */
#include "kernels/transpose.h"
#include "tb_comm.h"
#include "tb_timer.h"
#include "transpose_dist.h"

tb_status transpose_run(tb_run *run)
{
    const int64_t n = run->params->value[TRANSPOSE_P_N];
    transpose_dist d;
    tb_status st = transpose_dist_create(&d, n, run->params->value[TRANSPOSE_P_TILE]);
    st = tb_comm_worst(st);
    if (st != TB_OK) {
        transpose_dist_free(&d);
        return st;
    }
    double *a = d.a, *b = d.b;
    transpose_init(a, b, n, d.rows, n, n, d.row0, 0);

    for (int it = 0; it < run->warmup + run->iters; it++) {
        double t0 = tb_now();
        transpose_dist_pack(&d, a, 0, 1);
        double t1 = tb_now();
        transpose_dist_start(&d);
        double t2 = tb_now();
        transpose_dist_local(&d, a, b, 0, 1);
        double t3 = tb_now();
        transpose_dist_wait(&d);
        double t4 = tb_now();
        transpose_dist_unpack(&d, b, 0, 1);
        double t5 = tb_now();
        if (tb_run_record(run, it, t5 - t0)) {
            run->breakdown.compute += (t1 - t0) + (t3 - t2) + (t5 - t4);
            run->breakdown.comm += (t2 - t1) + (t4 - t3);
        }
    }

    double acc[2] = {0.0, 0.0};
    transpose_accumulate(b, n, 0, d.rows, n, d.row0, 0, n, run->warmup + run->iters, acc);
    transpose_verify(run, acc, run->warmup + run->iters);
    transpose_dist_free(&d);
    return TB_OK;
}
