#include "dgemm_team.h"

#include <string.h>

tb_status dgemm_team_create(dgemm_team *team, int nthreads, int64_t kb)
{
    *team = (dgemm_team){.nthreads = nthreads};
    team->ws = tb_arena_alloc(&team->mem, (size_t)nthreads, sizeof *team->ws);
    team->times = tb_arena_alloc(&team->mem, (size_t)nthreads, sizeof *team->times);
    team->acc = tb_arena_alloc(&team->mem, 3 * (size_t)nthreads, sizeof(double));
    tb_status st = tb_arena_check(&team->mem, "%d thread buffers", nthreads);
    if (st != TB_OK) {
        *team = (dgemm_team){0}; /* the arena freed everything */
        return st;
    }
    memset(team->ws, 0, sizeof *team->ws * (size_t)nthreads);
    for (int t = 0; t < nthreads; t++)
        if (dgemm_ws_alloc(&team->ws[t], kb) != TB_OK) {
            dgemm_team_free(team);
            return TB_ERUNTIME;
        }
    return TB_OK;
}

void dgemm_team_free(dgemm_team *team)
{
    if (team->ws)
        for (int t = 0; t < team->nthreads; t++) dgemm_ws_free(&team->ws[t]);
    tb_arena_free(&team->mem);
    *team = (dgemm_team){0};
}

void dgemm_team_verify(const dgemm_team *team, tb_run *run, int64_t multiplies)
{
    tb_team_breakdown(run, team->times, team->nthreads);
    double total[3] = {0.0, 0.0, 0.0};
    for (int t = 0; t < team->nthreads; t++) dgemm_acc_merge(total, team->acc + 3 * t);
    dgemm_verify(run, total, multiplies);
}

void dgemm_team_multiply(dgemm_team *team, int t, int64_t m, int64_t n, int64_t k, const double *a,
                         int64_t lda, const double *b, int64_t ldb, double *c, int64_t ldc)
{
    int64_t i0, i1, j0, j1;
    dgemm_thread_block(t, team->nthreads, m, n, &i0, &i1, &j0, &j1);
    if (i1 > i0 && j1 > j0)
        dgemm_multiply(i1 - i0, j1 - j0, k, a + i0 * lda, lda, b + j0, ldb, c + i0 * ldc + j0, ldc,
                       &team->ws[t]);
}
