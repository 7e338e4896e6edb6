/* Halo, OpenMP: what the omp stencil does between sweeps. Its threads own
 * bands of rows of one shared grid and read their neighbours' rows in
 * place, so nothing is copied: the exchange is the barrier after which a
 * neighbour's rows are final. Each thread writes the round's stamp into
 * its band's edge record before the barrier and checks its neighbour
 * threads' records after it (kernels/halo.h). */
#include "halo_team.h"
#include "kernels/halo.h"
#include "kernels/micro.h"
#include "tb_arena.h"

static double exchange_batch(void *arg, int64_t count) { return halo_team_batch(arg, count); }

tb_status halo_run(tb_run *run)
{
    const int nthreads = run->nthreads;
    tb_status st = halo_bands_check(run->params->value[HALO_P_N],
                                    (int)run->params->value[HALO_P_RADIUS], nthreads, "threads");
    if (st != TB_OK) return st;
    tb_arena mem = {0};
    halo_team c = {.edges = tb_arena_alloc(&mem, (size_t)nthreads, sizeof(halo_edge)),
                   .nthreads = nthreads}; /* no exchange: the threads read in place */
    st = tb_arena_check(&mem, "%d edge records", nthreads);
    if (st != TB_OK) return st;
    for (int t = 0; t < nthreads; t++) c.edges[t].stamp[0] = c.edges[t].stamp[1] = 0.0;
    micro_method m = {micro_target(run, HALO_P_TARGET), 1.0, 0.0, &run->breakdown.sync};
    micro_measure(run, exchange_batch, &c, &m);
    const double pairs = 2.0 * (nthreads - 1);
    double v[4] = {0.0, 0.0, c.stale, c.stamps};
    halo_verify(run, v, 0.0, (double)c.round * pairs);
    halo_set_exchange(run, 0.0, 0.0, pairs, HALO_HOW_IN_PLACE);
    tb_arena_free(&mem);
    return TB_OK;
}
