#include "ep_team.h"

#include <omp.h>

/* --chunk when the schedule is dynamic, else 0 (set before the region). */
static int64_t dynamic_chunk;

void ep_team_schedule(const tb_params *p)
{
    dynamic_chunk = p->value[EP_P_SCHEDULE] == EP_DYNAMIC ? p->value[EP_P_CHUNK] : 0;
    if (dynamic_chunk)
        omp_set_schedule(omp_sched_dynamic, (int)dynamic_chunk);
    else
        omp_set_schedule(omp_sched_static, 0); /* one contiguous block per thread */
}

static inline void one_batch(ep_block_fn fn, int64_t b, ep_result *mine, int t,
                             void (*between)(void *), void *ctx)
{
    fn(b, 1, mine);
    if (between && t == 0) between(ctx);
}

void ep_team_batches(ep_block_fn fn, int64_t first, int64_t count, ep_team_part *parts,
                     void (*between)(void *), void *ctx)
{
    const int t = omp_get_thread_num();
    ep_result *mine = &parts[t].r;
    if (dynamic_chunk && count <= dynamic_chunk) {
        /* One chunk (a task of the hybrid farm) would go whole to one
         * thread: share it out batch by batch instead. */
#pragma omp for schedule(dynamic, 1) nowait
        for (int64_t b = first; b < first + count; b++) one_batch(fn, b, mine, t, between, ctx);
    } else {
#pragma omp for schedule(runtime) nowait
        for (int64_t b = first; b < first + count; b++) one_batch(fn, b, mine, t, between, ctx);
    }
}

void ep_team_sum(const ep_team_part *parts, int n, ep_result *out)
{
    ep_result_zero(out);
    for (int t = 0; t < n; t++) ep_result_add(out, &parts[t].r);
}
