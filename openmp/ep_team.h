/* ep inside an OpenMP team, shared by the omp and hybrid executables: the
 * team computes a range of batches under the schedule of --schedule and
 * --chunk, each thread adding into its own partial result. */
#ifndef TB_EP_TEAM_H
#define TB_EP_TEAM_H

#include "kernels/ep.h"

/* One thread's partial result, on cache lines of its own. */
typedef struct ep_team_part {
    ep_result r;
    char pad[128 - sizeof(ep_result)];
} __attribute__((aligned(64))) ep_team_part;

/* Set the schedule that ep_team_batches uses (schedule(runtime)): static
 * blocks, or dynamic with --chunk batches a task. Call outside a parallel
 * region, before it starts. */
void ep_team_schedule(const tb_params *p);

/* Called by every thread of the team: batches [first, first + count) are
 * shared out and computed with fn, each thread adding into parts[its
 * number]. Under the dynamic schedule a range of at most --chunk batches
 * (one task of the hybrid farm) is shared out batch by batch. When between is given, thread 0 calls
 * between(ctx) after each of its batches (the hybrid master answers the task farm there). Ends
 * without a barrier. */
void ep_team_batches(ep_block_fn fn, int64_t first, int64_t count, ep_team_part *parts,
                     void (*between)(void *), void *ctx);

/* out = the sum of parts[0..n) in thread order. */
void ep_team_sum(const ep_team_part *parts, int n, ep_result *out);

#endif
