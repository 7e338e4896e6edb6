#include "ep_team.h"

#include <omp.h>

void ep_team_schedule(const tb_params *p)
{
    if (p->value[EP_P_SCHEDULE] == EP_DYNAMIC)
        omp_set_schedule(omp_sched_dynamic, (int)p->value[EP_P_CHUNK]);
    else
        omp_set_schedule(omp_sched_static, 0); /* one contiguous block per thread */
}

void ep_team_batches(ep_block_fn fn, int64_t first, int64_t count, ep_team_part *parts,
                     void (*between)(void *), void *ctx)
{
    const int t = omp_get_thread_num();
    ep_result *mine = &parts[t].r;
#pragma omp for schedule(runtime) nowait
    for (int64_t b = first; b < first + count; b++) {
        fn(b, 1, mine);
        if (between && t == 0) between(ctx);
    }
}

void ep_team_sum(const ep_team_part *parts, int n, ep_result *out)
{
    ep_result_zero(out);
    for (int t = 0; t < n; t++) ep_result_add(out, &parts[t].r);
}
