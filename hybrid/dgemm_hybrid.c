/* dgemm, hybrid: SUMMA over the ranks as in mpi/dgemm_mpi.c, and inside
 * each rank the threaded local multiply of openmp/dgemm_omp.c (threads over
 * blocks of the rank's C). MPI_THREAD_FUNNELED: for each panel the master
 * thread broadcasts while the team waits at a barrier, then every thread
 * multiplies its block of C by the panels, and a barrier lets the master
 * reuse the panel buffers. */
#include <omp.h>

#include "dgemm_team.h"
#include "summa.h"
#include "team_timing.h"
#include "tb_comm.h"
#include "tb_timer.h"

tb_status dgemm_run(tb_run *run)
{
    const int64_t n = run->params->value[DGEMM_P_N];
    const int nthreads = run->nthreads;
    summa s;
    tb_status st = summa_create(&s, n, run->params->value[DGEMM_P_PANEL]);
    dgemm_team team = {0};
    if (st == TB_OK) st = dgemm_team_create(&team, nthreads, s.panel);
    if (st != TB_EINPUT) st = tb_comm_worst(st); /* TB_EINPUT is the same on every rank */
    if (st != TB_OK) {
        dgemm_team_free(&team);
        summa_free(&s);
        return st;
    }
    double *a = s.a, *b = s.b, *c = s.c;
    summa_step step; /* shared: the master plans and fetches, the team reads */
    /* One rank reads its panels in place: every thread plans its own steps
     * and no barrier is needed between them. */
    const int solo = s.dims[0] * s.dims[1] == 1;

#pragma omp parallel num_threads(nthreads)
    {
        const int t = omp_get_thread_num();
        int64_t i0, i1, j0, j1;
        dgemm_thread_block(t, nthreads, s.rows, s.cols, &i0, &i1, &j0, &j1);
        dgemm_init_a(a + i0 * s.cols + j0, s.cols, i1 - i0, j1 - j0, s.row0 + i0, s.col0 + j0);
        dgemm_init_b(b + i0 * s.cols + j0, s.cols, i1 - i0, j1 - j0, s.row0 + i0, s.col0 + j0);
        dgemm_init_c(c + i0 * s.cols + j0, s.cols, i1 - i0, j1 - j0);
        tb_thread_times mine = {0};
#pragma omp barrier
        for (int it = 0; it < run->warmup + run->iters; it++) {
            tb_thread_times now = {0};
            double t0 = tb_now();
            for (int64_t k0 = 0; k0 < n;) {
                summa_step my;
                double t1 = tb_now(), t2 = t1;
                if (solo) {
                    summa_plan(&s, k0, &my);
                    summa_fetch(&s, &my);
                } else {
#pragma omp master
                    {
                        summa_plan(&s, k0, &step);
                        summa_fetch(&s, &step);
                    }
                    t2 = tb_now();
#pragma omp barrier
                    my = step;
                }
                double t3 = tb_now();
                dgemm_team_multiply(&team, t, s.rows, s.cols, my.k1 - my.k0, my.a, my.lda, my.b,
                                    my.ldb, c, s.cols);
                k0 = my.k1;
                double t4 = tb_now();
                /* The master refills the panel buffers only when all are done; one
                 * rank closes the whole multiply with one barrier instead. */
                if (!solo || k0 >= n) {
#pragma omp barrier
                }
                double t5 = tb_now();
                now.comm += t2 - t1; /* non-zero on the master only */
                now.sync += (t3 - t2) + (t5 - t4);
                now.compute += t4 - t3;
            }
            tb_team_account(run, &mine, t, it, now.compute, now.comm, now.sync, tb_now() - t0);
        }
        team.times[t] = mine;
        dgemm_accumulate(c + j0, s.cols, i0, i1, j1 - j0, s.row0, s.col0 + j0, n,
                         run->warmup + run->iters, dgemm_team_acc(&team, t));
    }

    dgemm_team_verify(&team, run, run->warmup + run->iters);
    dgemm_team_free(&team);
    summa_free(&s);
    return TB_OK;
}
