#include "team_reduce.h"

#include <omp.h>

void tb_team_reduce_init(tb_team_reduce *r, int nthreads, tb_arena *mem)
{
    r->nthreads = nthreads;
    r->slots = tb_arena_alloc(mem, 2 * (size_t)nthreads, sizeof *r->slots);
}

void tb_team_sum(tb_team_reducer *me, double *values, int count)
{
    const int n = me->team->nthreads;
    tb_team_slot *set = me->team->slots + (size_t)me->phase * n;
    me->phase ^= 1;
    for (int k = 0; k < count; k++) set[me->thread].v[k] = values[k];
#pragma omp barrier
    for (int k = 0; k < count; k++) {
        double s = 0.0;
        for (int t = 0; t < n; t++) s += set[t].v[k];
        values[k] = s;
    }
}
