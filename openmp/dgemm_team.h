/* The threaded local multiply shared by the omp and hybrid backends: an
 * OpenMP team divides C into a tr x tc grid of blocks (the most nearly
 * square factorisation of the thread count, more blocks along C's longer
 * side; block edges on micro-kernel boundaries) and each thread multiplies
 * its own block with its own packing buffers:
 *     C(I_t, J_t) += A(I_t, :) * B(:, J_t).
 * Blocks are disjoint, A and B are only read: no synchronisation inside.
 * The team also keeps each thread's time account and partial sums of C,
 * and after the region turns them into the run's breakdown and check. */
#ifndef TB_DGEMM_TEAM_H
#define TB_DGEMM_TEAM_H

#include <stdint.h>

#include "kernels/dgemm.h"
#include "tb_arena.h"
#include "team_timing.h"

typedef struct dgemm_team {
    int nthreads;
    dgemm_ws *ws;           /* [nthreads] packing buffers */
    tb_thread_times *times; /* [nthreads] time accounts */
    double *acc;            /* [3 * nthreads] partial sums of C for the check */
    tb_arena mem;           /* the three arrays */
} dgemm_team;

/* Allocates every thread's buffers; TB_ERUNTIME with a message on failure
 * (nothing left allocated). Call outside a parallel region. */
tb_status dgemm_team_create(dgemm_team *team, int nthreads, int64_t kb);
void dgemm_team_free(dgemm_team *team);

/* Thread t's partial sums of C (dgemm_accumulate's acc), zeroed. */
static inline double *dgemm_team_acc(dgemm_team *team, int t)
{
    double *acc = team->acc + 3 * t;
    acc[0] = acc[1] = acc[2] = 0.0;
    return acc;
}

/* After the region: the run's breakdown from the threads' time accounts,
 * and the check of C (after `multiplies` multiplies) from their partial
 * sums (collective). */
void dgemm_team_verify(const dgemm_team *team, tb_run *run, int64_t multiplies);

/* Called by thread t of the team: its block of C[m x n] += A[m x k] B[k x n]. */
void dgemm_team_multiply(dgemm_team *team, int t, int64_t m, int64_t n, int64_t k, const double *a,
                         int64_t lda, const double *b, int64_t ldb, double *c, int64_t ldc);

#endif
