/* Sums over the threads of a team that every thread gets back, with one
 * barrier and the same order of addition in every thread (so every thread
 * holds bit-identical totals). Shared by the omp and hybrid executables.
 *
 * Each thread writes its values into its own cache line of one of two slot
 * sets, alternating: a thread can only come back to a set after the barrier
 * of the next sum, which every thread reaches only after it has read the
 * set. */
#ifndef TB_TEAM_REDUCE_H
#define TB_TEAM_REDUCE_H

#include "tb_arena.h"

#define TB_TEAM_REDUCE_MAX 4 /* values per sum */

typedef struct tb_team_slot {
    double v[TB_TEAM_REDUCE_MAX];
    char pad[64 - (TB_TEAM_REDUCE_MAX * sizeof(double)) % 64];
} __attribute__((aligned(64))) tb_team_slot;

typedef struct tb_team_reduce {
    tb_team_slot *slots; /* [2][nthreads] */
    int nthreads;
} tb_team_reduce;

/* A thread's side of it: which slot set its next sum uses. */
typedef struct tb_team_reducer {
    tb_team_reduce *team;
    int thread, phase;
} tb_team_reducer;

/* Outside the parallel region: the slots are allocated in *mem, checked
 * and freed with the caller's arrays. */
void tb_team_reduce_init(tb_team_reduce *r, int nthreads, tb_arena *mem);

/* Called by every thread of the team with the same count (<= MAX):
 * values become the sums over the team. */
void tb_team_sum(tb_team_reducer *me, double *values, int count);

#endif
