/* A team's halo exchanges, shared by the omp and hybrid halo drivers: each
 * thread stamps its band's edge record with the round, the master makes the
 * rank's own exchange when there is one (hybrid: MPI, funneled), the barrier
 * publishes the edges, and each thread checks its neighbour threads'
 * stamps: the rows it reads in place (kernels/halo.h). */
#ifndef TB_HALO_TEAM_H
#define TB_HALO_TEAM_H

#include <stdint.h>

#include "kernels/halo.h"

typedef struct halo_team {
    halo_edge *edges; /* [nthreads] */
    int nthreads;
    uint64_t round;       /* exchanges of earlier batches; the batch adds its count */
    double stale, stamps; /* stale stamps seen, stamps checked: summed over threads */
    /* NULL, or the master's exchange of round r (called before the barrier) */
    void (*exchange)(void *arg, uint64_t r);
    void *arg;
} halo_team;

/* `count` exchanges by the team; returns the batch's seconds (tb_team_batch). */
double halo_team_batch(halo_team *h, int64_t count);

#endif
