#include "dgemm_team.h"

#include <math.h>
#include <string.h>

#include "tb_error.h"
#include "tb_mem.h"
#include "tb_split.h"

tb_status dgemm_team_create(dgemm_team *team, int nthreads, int64_t kb)
{
    team->nthreads = nthreads;
    team->ws = tb_alloc((size_t)nthreads, sizeof *team->ws);
    if (!team->ws)
        return tb_error_set(TB_ERUNTIME, "out of memory for %d thread buffers", nthreads);
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
    tb_free(team->ws);
    team->ws = NULL;
}

/* [*b, *e) of `part` of `parts` over n, in whole units of `unit`. */
static void split_units(int64_t n, int64_t unit, int parts, int part, int64_t *b, int64_t *e)
{
    int64_t u0, u1;
    tb_split((n + unit - 1) / unit, parts, part, &u0, &u1);
    *b = u0 * unit < n ? u0 * unit : n;
    *e = u1 * unit < n ? u1 * unit : n;
}

void dgemm_team_block(int t, int nthreads, int64_t m, int64_t n, int64_t *i0, int64_t *i1,
                      int64_t *j0, int64_t *j1)
{
    int small = (int)sqrt((double)nthreads);
    while (small > 1 && nthreads % small) small--;
    const int large = nthreads / small;
    const int tr = m >= n ? large : small, tc = nthreads / tr;
    split_units(m, DGEMM_MR, tr, t / tc, i0, i1);
    split_units(n, DGEMM_NR, tc, t % tc, j0, j1);
}

void dgemm_team_multiply(dgemm_team *team, int t, int64_t m, int64_t n, int64_t k, const double *a,
                         int64_t lda, const double *b, int64_t ldb, double *c, int64_t ldc)
{
    int64_t i0, i1, j0, j1;
    dgemm_team_block(t, team->nthreads, m, n, &i0, &i1, &j0, &j1);
    if (i1 > i0 && j1 > j0)
        dgemm_multiply(i1 - i0, j1 - j0, k, a + i0 * lda, lda, b + j0, ldb, c + i0 * ldc + j0, ldc,
                       &team->ws[t]);
}
