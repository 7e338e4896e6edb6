/* transpose, hybrid: the row blocks and message exchange of
 * mpi/transpose_mpi.c; inside each rank the OpenMP team splits every pack,
 * local transpose and unpack into bands of destination rows, as
 * openmp/transpose_omp.c does. MPI_THREAD_FUNNELED: the team packs, the
 * master posts the messages, the team transposes the diagonal block while
 * they travel, the master waits for them, and the team adds them in;
 * barriers after the packing, after the wait and at the end. */
#include <omp.h>

#include "kernels/transpose.h"
#include "team_timing.h"
#include "tb_comm.h"
#include "tb_arena.h"
#include "tb_error.h"
#include "tb_timer.h"
#include "transpose_dist.h"

tb_status transpose_run(tb_run *run)
{
    const int64_t n = run->params->value[TRANSPOSE_P_N];
    const int nthreads = run->nthreads;
    transpose_dist d;
    tb_status st = transpose_dist_create(&d, n, run->params->value[TRANSPOSE_P_TILE]);
    tb_arena mem = {0};
    tb_thread_times *times = tb_arena_alloc(&mem, (size_t)nthreads, sizeof *times);
    double *acc = tb_arena_alloc(&mem, (size_t)nthreads * 2, sizeof(double));
    if (st == TB_OK) st = tb_arena_check(&mem, "%d thread accounts", nthreads);
    st = tb_comm_worst(st);
    if (st != TB_OK) {
        tb_arena_free(&mem);
        transpose_dist_free(&d);
        return st;
    }
    double *a = d.a, *b = d.b;
    /* One rank has no messages: pack, exchange and unpack are empty, and
     * the barriers around the exchange are left out. */
    const int exchange = d.nranks > 1;

#pragma omp parallel num_threads(nthreads)
    {
        const int t = omp_get_thread_num();
        int64_t r0, r1;
        transpose_band(d.rows, t, nthreads, &r0, &r1);
        transpose_init(a + r0 * n, b + r0 * n, n, r1 - r0, n, n, d.row0 + r0, 0);
        tb_thread_times mine = {0};
#pragma omp barrier
        for (int it = 0; it < run->warmup + run->iters; it++) {
            double t0 = tb_now();
            transpose_dist_pack(&d, a, t, nthreads);
            double t1 = tb_now();
            if (exchange) {
#pragma omp barrier
            }
            double t2 = tb_now();
#pragma omp master
            transpose_dist_start(&d);
            double t3 = tb_now();
            transpose_dist_local(&d, a, b, t, nthreads);
            double t4 = tb_now();
#pragma omp master
            transpose_dist_wait(&d);
            double t5 = tb_now();
            if (exchange) {
#pragma omp barrier
            }
            double t6 = tb_now();
            transpose_dist_unpack(&d, b, t, nthreads);
            double t7 = tb_now();
#pragma omp barrier
            double t8 = tb_now();
            /* comm: non-zero on the master only */
            tb_team_account(run, &mine, t, it, (t1 - t0) + (t4 - t3) + (t7 - t6),
                            (t3 - t2) + (t5 - t4), (t2 - t1) + (t6 - t5) + (t8 - t7), t8 - t0);
        }
        times[t] = mine;
        acc[2 * t] = acc[2 * t + 1] = 0.0;
        transpose_accumulate(b, n, r0, r1, n, d.row0, 0, n, run->warmup + run->iters, acc + 2 * t);
    }

    tb_team_breakdown(run, times, nthreads);
    double total[2] = {0.0, 0.0};
    for (int t = 0; t < nthreads; t++) transpose_acc_merge(total, acc + 2 * t);
    transpose_verify(run, total, run->warmup + run->iters);
    tb_arena_free(&mem);
    transpose_dist_free(&d);
    return TB_OK;
}
