#include "halo_team.h"

#include <omp.h>

#include "team.h"

static void body(void *arg, int t, int nthreads, int64_t count)
{
    halo_team *h = arg;
    const uint64_t first = h->round;
    int stale = 0, stamps = 0;
    for (int64_t k = 0; k < count; k++) {
        const uint64_t r = first + (uint64_t)k;
        halo_edge_stamp(h->edges, t, r);
        if (h->exchange) {
#pragma omp master
            h->exchange(h->arg, r);
        }
#pragma omp barrier
        stale += halo_edge_stale(h->edges, t, nthreads, r);
        stamps += (t > 0) + (t < nthreads - 1);
    }
#pragma omp critical
    {
        h->stale += stale;
        h->stamps += stamps;
    }
}

double halo_team_batch(halo_team *h, int64_t count)
{
    double t = tb_team_batch(h->nthreads, body, h, count);
    h->round += (uint64_t)count;
    return t;
}
